#include "install/maint.h"

namespace sckl {

// Nothing is armed yet by this version: the package's own files (the
// first-boot unit, the sckl command) leave with the package, and sckl's
// edits stay until purge as configuration.
Status run_prerm(System& sys, Debconf* debconf, const MaintCall& call) {
  (void)sys;
  (void)debconf;
  (void)call;
  return {};
}

}  // namespace sckl
