#include "base/log.h"
#include "boot/switch_mark.h"
#include "install/install_site.h"
#include "install/maint.h"
#include "install/setup.h"

namespace sckl {

Status run_postinst(System& sys, Debconf* debconf, const MaintCall& call) {
  // configure, reconfigure, every abort-* path (and a trigger, should one
  // ever be declared) bring the system back to
  // the configured state; configure_sckl is idempotent.
  auto facts = gather_install_facts(sys);
  if (!facts.ok()) return facts.error();
  InstallSite site = decide_install_site(facts.value());
  log_debug(std::string("postinst ") + call.action + ": installing on a " + install_site_name(site));
  SCKL_TRY(mark_switch_done_if_booted(sys, "sckl was configured in this boot"));
  return configure_sckl(sys, site, debconf);
}

}  // namespace sckl
