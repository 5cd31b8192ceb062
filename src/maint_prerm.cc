#include "maint.h"

namespace sckl {

Status run_prerm(System& sys, const MaintCall& call) {
  (void)sys;
  (void)call;
  return {};
}

}  // namespace sckl
