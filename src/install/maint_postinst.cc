#include "base/log.h"
#include "boot/switch_marker.h"
#include "install/install_target.h"
#include "install/maint.h"
#include "install/setup.h"

namespace sckl {

Status run_postinst(System& sys, Debconf* debconf, const MaintCall& call) {
  // configure, reconfigure, every abort-* path (and a trigger, should one
  // ever be declared) bring the system back to
  // the configured state; configure_sckl is idempotent.
  auto facts = gather_install_facts(sys);
  if (!facts.ok()) return facts.error();
  InstallTarget target = decide_install_target(facts.value());
  log_debug(std::string("postinst ") + call.action + ": installing on a " + install_target_name(target));
  SCKL_TRY(mark_switch_done_if_booted(sys, "sckl was configured in this boot"));
  return configure_sckl(sys, target, debconf);
}

}  // namespace sckl
