#include "install/purge.h"

#include "base/log.h"
#include "base/paths.h"
#include "install/grub_preset.h"
#include "install/manifest.h"
#include "kernel/initramfs.h"

namespace sckl {

namespace {

// sckl's apt files must not outlive its programs, edited or not: the hook
// configuration names programs that remove deletes (apt would then fail
// every install), and the pin would keep hiding grub from an admin who
// removed sckl to get it. An admin's edit is kept beside them under a name
// apt skips silently (Dir::Ignore-Files-Silently has "\.disabled$"); purge
// removes it with the rest of sckl's configuration.
Status take_out_apt_file(System& sys, const Manifest& manifest, const std::string& path) {
  auto edited = edited_since_written(sys, manifest, path);
  if (!edited.ok()) return edited.error();
  if (!edited.value()) return restore_file(sys, manifest, path);
  auto info = sys.stat(path);
  if (!info.ok()) return info.error();
  auto text = sys.read_file(path);
  if (!text.ok()) return text.error();
  const std::string aside = disabled_apt_copy(path);
  SCKL_TRY(sys.write_file(aside, text.value(), info.value().mode));
  SCKL_TRY(sys.remove_file(path));
  log_warning(sys.display(path) + " was edited since sckl wrote it; it would outlive sckl's programs, so it is now " +
              sys.display(aside) + " (apt skips that name; purge removes it)");
  return {};
}

Status take_out_apt_files(System& sys, const Manifest& manifest) {
  SCKL_TRY(take_out_apt_file(sys, manifest, paths::kAptHookConf));
  return take_out_apt_file(sys, manifest, paths::kAptPin);
}

}  // namespace

std::string disabled_apt_copy(const std::string& path) { return path + ".disabled"; }

Status remove_sckl(System& sys) {
  auto manifest = load_manifest(sys);
  if (!manifest.ok()) return manifest.error();
  return take_out_apt_files(sys, manifest.value());
}

Status purge_sckl(System& sys, Debconf* debconf) {
  auto manifest = load_manifest(sys);
  if (!manifest.ok()) return manifest.error();
  if (debconf) {
    for (const auto& d : manifest.value().debconf) {
      // Its package may have been purged while sckl was only removed (dpkg
      // allows that; piuparts does it): then the question is gone with it,
      // and there is no answer to give back. SET would fail ("doesn't exist").
      auto now = debconf->get(d.question);
      if (!now.ok()) return now.error();
      if (!now.value()) {
        log_info("debconf question " + d.question + " no longer exists (its package was purged): nothing to give back");
        continue;
      }
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
  // edited it (Policy 6.8: purge removes configuration files); so are the
  // edited apt files that remove set aside.
  SCKL_TRY(take_out_apt_files(sys, manifest.value()));
  SCKL_TRY(sys.remove_file(disabled_apt_copy(paths::kAptHookConf)));
  SCKL_TRY(sys.remove_file(disabled_apt_copy(paths::kAptPin)));
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
