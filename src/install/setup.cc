#include "install/setup.h"

#include "apt/apt_files.h"
#include "base/log.h"
#include "base/paths.h"
#include "boot/arm.h"
#include "formats/config.h"
#include "formats/fstab.h"
#include "formats/kexec_tools.h"
#include "formats/provider_units.h"
#include "install/grub_preset.h"
#include "install/settings.h"
#include "kernel/initramfs.h"
#include "kernel/kernels.h"
#include "machine/nic.h"
#include "machine/rootfs.h"

namespace sckl {
namespace {

// Reads a file that may be missing: nullopt when it does not exist.
Result<std::optional<std::string>> read_optional(System& sys, const std::string& path) {
  auto st = sys.stat(path);
  if (!st.ok()) return st.error();
  if (st.value().kind == FileKind::Missing) return std::optional<std::string>();
  auto text = sys.read_file(path);
  if (!text.ok()) {
    if (st.value().kind == FileKind::Symlink)
      return text.error().with_hint(sys.display(path) +
                                    " is a symbolic link sckl cannot follow; point it at a file or remove it, then "
                                    "run 'dpkg --configure -a'");
    return text.error();
  }
  return std::optional<std::string>(std::move(text.value()));
}

Status plan_kexec_tools(System& sys, Plan& plan) {
  auto text = read_optional(sys, paths::kKexecDefaults);
  if (!text.ok()) return text.error();
  // kexec-tools writes the file in its postinst; without it there is no loader to turn off.
  if (!text.value()) return {};
  if (auto fixed = disable_load_kexec(*text.value()))
    plan.files.push_back({paths::kKexecDefaults, *fixed, 0644, false,
                          "set LOAD_KEXEC=false in " + sys.display(paths::kKexecDefaults) +
                              ": sckl loads the kernel itself"});
  return {};
}

Result<bool> unit_installed(System& sys, const std::string& unit) {
  for (const char* dir : paths::kUnitSearchPath) {
    auto e = path_exists(sys, std::string(dir) + "/" + unit);
    if (!e.ok() || e.value()) return e;
  }
  return false;
}

Status plan_provider_dropins(System& sys, Plan& plan) {
  auto text = sys.read_file(paths::kProviderUnits);
  if (!text.ok())
    return text.error().with_hint("this file comes with the sckl package; reinstall it ('apt install --reinstall sckl')");
  auto units = parse_provider_units(text.value(), sys.display(paths::kProviderUnits));
  if (!units.ok()) return units.error();
  for (const auto& u : units.value()) {
    auto installed = unit_installed(sys, u.unit);
    if (!installed.ok()) return installed.error();
    if (!installed.value()) continue;
    std::string path = provider_dropin_path(u);
    plan.files.push_back({path, provider_dropin_content(u), 0644, false, "wrote " + sys.display(path)});
  }
  return {};
}

Status plan_root_entry(System& sys, Plan& plan) {
  auto text = read_optional(sys, paths::kFstab);
  if (!text.ok()) return text.error();
  std::optional<RootFilesystem> root;
  auto detected = detect_root_filesystem(sys);
  if (detected.ok()) {
    root = detected.value();
  } else if (detected.error().errnum == 0) {
    // The root has no UUID to name (overlay, nfs, blkid found none): say
    // what to add by hand and go on. System failures (errnum set) stop the run.
    log_warning(detected.error().describe());
  } else {
    return detected.error();
  }
  auto decision = plan_root_entry(text.value().value_or(""), sys.display(paths::kFstab), root);
  if (!decision.ok()) return decision.error();
  for (const auto& w : decision.value().warnings) log_warning(w);
  if (decision.value().new_text)
    plan.files.push_back({paths::kFstab, *decision.value().new_text, 0644, false,
                          "added an entry for / to " + sys.display(paths::kFstab) +
                              " so that the disk's kernel mounts it read-write"});
  return {};
}

Status plan_nic_links(System& sys, Plan& plan, const ConfigFile& config) {
  std::string word = config.get(kKeyNicNames).value_or("path");
  auto policy = parse_nic_policy(word);
  if (!policy)
    return Error{sys.display(paths::kConfigFile) + ": nic_names must be path, mac, classic or off, not '" + word + "'",
                 EINVAL, "correct it in /etc/sckl/sckl.conf, then run 'dpkg --configure -a'"};
  if (*policy == NicPolicy::Classic || *policy == NicPolicy::Off) return {};
  auto nics = discover_nics(sys);
  if (!nics.ok()) return nics.error();
  auto files = plan_link_files(nics.value(), *policy);
  if (!files.ok()) return files.error();
  for (const auto& f : files.value())
    plan.files.push_back({f.path, f.content, 0644, false, "wrote " + sys.display(f.path)});
  return {};
}

Status plan_machine(System& sys, Plan& plan, const ConfigFile& config) {
  SCKL_TRY(plan_root_entry(sys, plan));
  return plan_nic_links(sys, plan, config);
}

}  // namespace

Result<Plan> plan_machine_setup(System& sys) {
  auto config = read_config(sys);
  if (!config.ok()) return config.error();
  Plan plan;
  SCKL_TRY(plan_machine(sys, plan, config.value()));
  return plan;
}

Result<Plan> plan_configure(System& sys, InstallSite site, const ConfigFile& config) {
  Plan plan;
  plan.files.push_back({paths::kConfigFile, config.text(), 0644, true, "wrote " + sys.display(paths::kConfigFile)});
  SCKL_TRY(plan_kexec_tools(sys, plan));
  plan.files.push_back({paths::kAptPin, apt_pin_text(), 0644, false, ""});
  plan.files.push_back({paths::kAptHookConf, apt_hook_config_text(), 0644, false, ""});
  SCKL_TRY(plan_provider_dropins(sys, plan));
  if (site == InstallSite::RunningServer) {
    SCKL_TRY(plan_machine(sys, plan, config));
  } else {
    plan.first_boot_pending = true;
  }
  return plan;
}

Status apply_plan(System& sys, const Plan& plan) {
  auto manifest = load_manifest(sys);
  if (!manifest.ok()) return manifest.error();
  ChangeSet changes(sys, manifest.value());
  SCKL_TRY(changes.settle_interrupted_writes());
  bool refresh = false;  // marked stale in this run already
  for (const auto& f : plan.files) {
    if (f.admin_file) {
      auto info = sys.stat(f.path);
      if (!info.ok()) return info.error();
      if (info.value().kind != FileKind::Missing) {
        // Not through the change set: the admin's own file is neither
        // restored nor guarded on purge (purge removes it), and an edit of
        // theirs must not stop sckl from writing the answers they gave.
        auto current = sys.read_file(f.path);
        if (!current.ok()) return current.error();
        if (current.value() != f.content) {
          SCKL_TRY(sys.write_file(f.path, f.content, info.value().mode));
          log_info(f.done_message);
        }
        continue;
      }
    }
    SCKL_TRY(changes.ensure_dir(parent_dir(f.path)));
    auto put = changes.put_file(f.path, f.content, f.mode);
    if (!put.ok()) return put.error();
    if (put.value() == ChangeSet::Outcome::Written) {
      if (!f.done_message.empty()) log_info(f.done_message);
      if (path_needs_initramfs_refresh(f.path) && !refresh) {
        SCKL_TRY(mark_initramfs_stale(sys));
        refresh = true;
      }
    }
  }
  if (plan.defer_initramfs) {
    auto stale = path_exists(sys, paths::kInitramfsStale);
    if (!stale.ok()) return stale.error();
    if (stale.value()) {
      log_info("the initrds are rebuilt next, by sckl-setup-initrd.service (the network comes up meanwhile); "
               "the switch waits for that");
      return {};  // the first-boot marker stays until finish_first_boot
    }
  }
  SCKL_TRY(refresh_initramfs_if_stale(sys));
  if (!plan.first_boot_pending) return sys.remove_file(paths::kFirstBootPending);
  auto pending = path_exists(sys, paths::kFirstBootPending);
  if (!pending.ok()) return pending.error();
  if (pending.value()) return {};
  SCKL_TRY(sys.make_dir(paths::kStateDir, 0755));
  SCKL_TRY(sys.write_file(paths::kFirstBootPending,
                          "sckl-setup.service fits /etc/fstab and NIC names to this machine on its next boot.\n",
                          0644));
  log_info("installed into an image: the root file system entry and NIC names are set up on its first boot");
  return {};
}

Status hold_kexec_tools_question(System& sys, Debconf& debconf) {
  auto value = debconf.get(kLoadKexecQuestion);
  if (!value.ok()) return value.error();
  if (!value.value() || *value.value() == "false") return {};
  auto manifest = load_manifest(sys);
  if (!manifest.ok()) return manifest.error();
  ChangeSet changes(sys, manifest.value());
  SCKL_TRY(changes.record_debconf(kLoadKexecQuestion, *value.value()));
  return debconf.set(kLoadKexecQuestion, "false");
}

Status configure_sckl(System& sys, InstallSite site, Debconf* debconf) {
  auto config = read_config(sys);
  if (!config.ok()) return config.error();
  std::vector<std::string> changed;
  if (debconf) {
    // Only a pinned target_kernel answer needs the list; no /boot, no kernels.
    std::vector<InstalledKernel> kernels;
    auto boot = path_exists(sys, paths::kBootDir);
    if (!boot.ok()) return boot.error();
    if (boot.value()) {
      auto listed = list_installed_kernels(sys);
      if (!listed.ok()) return listed.error();
      kernels = std::move(listed.value());
    }
    auto synced_text = read_optional(sys, paths::kDebconfSynced);
    if (!synced_text.ok()) return synced_text.error();
    std::optional<ConfigFile> synced;
    if (synced_text.value()) {
      // Only a reference for the config script; a damaged copy counts as none.
      auto parsed = ConfigFile::parse(*synced_text.value(), sys.display(paths::kDebconfSynced));
      if (parsed.ok()) synced = std::move(parsed.value());
      else log_warning(parsed.error().describe() + " (ignored; rewritten at the end of this run)");
    }
    auto merged = merge_debconf_answers(*debconf, config.value(), kernels, sys.display(paths::kConfigFile),
                                        synced ? &*synced : nullptr);
    if (!merged.ok()) return merged.error();
    changed = std::move(merged.value());
  }
  auto plan = plan_configure(sys, site, config.value());
  if (!plan.ok()) return plan.error();
  SCKL_TRY(apply_plan(sys, plan.value()));
  for (const auto& key : changed)
    log_info("set " + key + " = " + config.value().get(key).value_or("") + " in " + sys.display(paths::kConfigFile) +
             " (debconf answer)");
  if (debconf) {
    SCKL_TRY(hold_kexec_tools_question(sys, *debconf));
    SCKL_TRY(preset_grub_questions(sys, *debconf));
    SCKL_TRY(sys.make_dir(paths::kStateDir, 0755));
    SCKL_TRY(sys.write_file(paths::kDebconfSynced, debconf_synced_text(config.value()), 0644));
  }
  // A changed choice changes what the next provider boot does: say it, and
  // drop a kexec kernel loaded for the old choice. Only on a running server:
  // in an image the running kernel is the build host's.
  // The answers are in place either way: a failure here is the next boot's
  // business, reported now so that the admin can look.
  if (!changed.empty() && site == InstallSite::RunningServer) {
    auto armed = arm(sys);
    if (!armed.ok())
      log_warning("could not re-arm for the new choices: " + armed.error().describe() +
                  " ('sckl arm' tries again; 'sckl check' shows what the next boot does)");
  }
  return {};
}

Status setup_machine(System& sys) {
  auto plan = plan_machine_setup(sys);
  if (!plan.ok()) return plan.error();
  return apply_plan(sys, plan.value());
}

Status setup_first_boot(System& sys) {
  auto plan = plan_machine_setup(sys);
  if (!plan.ok()) return plan.error();
  // Deferring is safe only while the first-boot marker keeps the switch
  // away; without it (run by hand later) the rebuild happens now.
  auto pending = path_exists(sys, paths::kFirstBootPending);
  if (!pending.ok()) return pending.error();
  plan.value().defer_initramfs = pending.value();
  return apply_plan(sys, plan.value());
}

Status finish_first_boot(System& sys) {
  SCKL_TRY(refresh_initramfs_if_stale(sys));
  return sys.remove_file(paths::kFirstBootPending);
}

}  // namespace sckl
