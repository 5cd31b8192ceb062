#include "maint.h"
#include "switch_marker.h"

namespace sckl {

// sckl's changes are all made by postinst, which records them first. Before
// unpacking, only one thing: the switch generator arrives with the unpack,
// and another package's postinst in the same apt run may reload systemd
// (which runs generators) before ours runs; the marker keeps the generator
// from switching this running system. (preinst runs before dependencies are
// present, so it must stay this small.)
Status run_preinst(System& sys, Debconf* debconf, const MaintCall& call) {
  (void)debconf;
  if (call.action == "abort-upgrade") return {};
  return mark_switch_done_if_booted(sys, "sckl was installed or upgraded in this boot");
}

}  // namespace sckl
