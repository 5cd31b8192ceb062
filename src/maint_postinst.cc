#include "install_target.h"
#include "log.h"
#include "maint.h"
#include "setup.h"
#include "switch_marker.h"

namespace sckl {

Status run_postinst(System& sys, Debconf* debconf, const MaintCall& call) {
  if (call.action == "triggered") return {};
  // configure, reconfigure and every abort-* path bring the system back to
  // the configured state; configure_sckl is idempotent.
  auto facts = gather_install_facts(sys);
  if (!facts.ok()) return facts.error();
  InstallTarget target = decide_install_target(facts.value());
  log_debug(std::string("postinst ") + call.action + ": installing on a " + install_target_name(target));
  SCKL_TRY(mark_switch_done_if_booted(sys, "sckl was configured in this boot"));
  return configure_sckl(sys, target, debconf);
}

}  // namespace sckl
