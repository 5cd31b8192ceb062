#include "kernel/initramfs.h"

#include "base/log.h"
#include "base/paths.h"
#include "base/process.h"

namespace sckl {

bool path_needs_initramfs_refresh(const std::string& path) {
  return path.starts_with(std::string(paths::kNetworkLinkDir) + "/") && path.ends_with(".link");
}

Status mark_initramfs_stale(System& sys) {
  SCKL_TRY(sys.make_dir(paths::kStateDir, 0755));
  return sys.write_file(paths::kInitramfsStale, "sckl changed NIC .link files; the initrds must be rebuilt\n", 0644);
}

Status refresh_initramfs_if_stale(System& sys) {
  auto stale = path_exists(sys, paths::kInitramfsStale);
  if (!stale.ok()) return stale.error();
  if (!stale.value()) return {};
  SCKL_TRY(refresh_initramfs(sys));
  return sys.remove_file(paths::kInitramfsStale);
}

Status refresh_initramfs(System& sys) {
  auto present = path_exists(sys, paths::kUpdateInitramfs);
  if (!present.ok()) return present.error();
  if (!present.value()) return {};  // no initramfs-tools: no initrd carries .link files
  Command cmd({"update-initramfs", "-u", "-k", "all"}, std::chrono::minutes(15));
  cmd.share_state_lock = true;  // it runs /etc/initramfs/post-update.d/sckl, which takes the lock
  log_info("updating the initrds so that they name NICs the same way (update-initramfs -u -k all)");
  auto r = sys.run(cmd);
  if (!r.ok()) return r.error().with_hint("run 'update-initramfs -u -k all' by hand");
  if (r.value().exit_code != 0) return command_failed(cmd, r.value()).with_hint("run 'update-initramfs -u -k all' by hand");
  return {};
}

}  // namespace sckl
