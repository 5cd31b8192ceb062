// require_initramfs_tools (initramfs.h), in a file of its own: preinst
// links it, and preinst links against libc alone (no process runner).
#include "kernel/initramfs.h"

#include "base/paths.h"

namespace sckl {

Status require_initramfs_tools(System& sys) {
  auto itools = path_exists(sys, paths::kUpdateInitramfs);
  if (!itools.ok()) return itools.error();
  if (itools.value()) return {};
  for (const char* dracut : paths::kDracut) {
    auto d = path_exists(sys, dracut);
    if (!d.ok()) return d.error();
    if (!d.value()) continue;
    return Error{std::string("this system makes its initrds with dracut (") + dracut +
                     ") and has no initramfs-tools (/usr/sbin/update-initramfs): sckl supports initramfs-tools "
                     "only, because the initrds must carry the interface names sckl writes (update-initramfs "
                     "-u) and sckl re-arms from initramfs-tools' post-update hook",
                 0,
                 "install initramfs-tools first ('apt install initramfs-tools' replaces dracut and rebuilds "
                 "the initrds), then install sckl again"};
  }
  return {};
}

}  // namespace sckl
