#include "maint.h"

namespace sckl {

Status run_postrm(System& sys, const MaintCall& call) {
  (void)sys;
  (void)call;
  return {};
}

}  // namespace sckl
