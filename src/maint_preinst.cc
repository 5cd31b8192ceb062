#include "maint.h"

namespace sckl {

// Nothing to prepare before unpacking: sckl's changes are all made by
// postinst, which records them first. (preinst runs before dependencies
// are present, so it must stay this small.)
Status run_preinst(System& sys, Debconf* debconf, const MaintCall& call) {
  (void)sys;
  (void)debconf;
  (void)call;
  return {};
}

}  // namespace sckl
