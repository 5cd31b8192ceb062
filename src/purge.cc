#include "purge.h"

#include "grub_preset.h"
#include "initramfs.h"
#include "log.h"
#include "manifest.h"
#include "paths.h"

namespace sckl {

Status remove_sckl(System& sys) {
  auto manifest = load_manifest(sys);
  if (!manifest.ok()) return manifest.error();
  SCKL_TRY(restore_file(sys, manifest.value(), paths::kAptHookConf));
  return restore_file(sys, manifest.value(), paths::kAptPin);
}

Status purge_sckl(System& sys, Debconf* debconf) {
  auto manifest = load_manifest(sys);
  if (!manifest.ok()) return manifest.error();
  if (debconf) {
    for (const auto& d : manifest.value().debconf) {
      SCKL_TRY(debconf->set(d.question, d.original_value));
      log_info("gave debconf question " + d.question + " its value '" + d.original_value + "' back");
    }
    SCKL_TRY(remove_grub_presets(*debconf, manifest.value()));
    SCKL_TRY(debconf->purge());
  } else {
    if (!manifest.value().debconf.empty())
      log_warning("debconf is not available: " + manifest.value().debconf.front().question +
                  " keeps sckl's answer; set it with debconf-set-selections if it matters");
    if (!manifest.value().debconf_presets.empty())
      log_warning("debconf is not available: " + manifest.value().debconf_presets.front().question +
                  " keeps sckl's preset; remove it with 'echo PURGE | debconf-communicate sckl'");
  }
  // The config file is sckl's own: purge removes it even when the admin
  // edited it (Policy 6.8: purge removes configuration files).
  SCKL_TRY(sys.remove_file(paths::kConfigFile));
  SCKL_TRY(sys.remove_file(paths::kDisabledFlag));
  std::vector<std::string> changed;
  SCKL_TRY(restore_files(sys, manifest.value(), &changed));
  for (const auto& p : changed) {
    if (!path_needs_initramfs_refresh(p)) continue;
    SCKL_TRY(mark_initramfs_stale(sys));
    break;
  }
  SCKL_TRY(refresh_initramfs_if_stale(sys));
  SCKL_TRY(remove_state(sys));
  // The state lock file (held by this very purge: nothing of sckl is left
  // to wait for it). /run/sckl itself goes when nothing else is in it; the
  // markers of this boot stay, for a reinstall before the next boot.
  SCKL_TRY(sys.remove_file(paths::kStateLock));
  auto run_dir = sys.stat(paths::kRunDir);
  if (!run_dir.ok()) return run_dir.error();
  if (run_dir.value().kind != FileKind::Directory) return {};
  auto left = sys.list_dir(paths::kRunDir);
  if (!left.ok()) return left.error();
  return left.value().empty() ? sys.remove_dir(paths::kRunDir) : Status{};
}

}  // namespace sckl
