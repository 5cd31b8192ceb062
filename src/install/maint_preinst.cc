#include "boot/switch_mark.h"
#include "install/maint.h"
#include "kernel/initramfs.h"

namespace sckl {

// sckl's changes are all made by postinst, which records them first. Before
// unpacking, only one thing: the switch generator arrives with the unpack,
// and another package's postinst in the same apt run may reload systemd
// (which runs generators) before ours runs; the marker keeps the generator
// from switching this running system. (preinst runs before dependencies are
// present, so it must stay this small.) And one refusal: sckl does not
// support initrds made by dracut.
Status run_preinst(System& sys, Debconf* debconf, const MaintCall& call) {
  (void)debconf;
  if (call.action == "abort-upgrade") return {};
  // Before anything is unpacked: on a dracut system the install stops here
  // with nothing changed (see require_initramfs_tools).
  if (call.action == "install" || call.action == "upgrade") SCKL_TRY(require_initramfs_tools(sys));
  return mark_switch_done_if_booted(sys, "sckl was installed or upgraded in this boot");
}

}  // namespace sckl
