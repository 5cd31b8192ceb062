#include "setup.h"

#include "apt_files.h"
#include "config.h"
#include "fstab.h"
#include "initramfs.h"
#include "kexec_tools.h"
#include "log.h"
#include "nic.h"
#include "paths.h"
#include "provider_units.h"
#include "rootfs.h"

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

// The config as it will be after this run: the admin's file, or the default.
Result<ConfigFile> effective_config(System& sys) {
  auto text = read_optional(sys, paths::kConfigFile);
  if (!text.ok()) return text.error();
  return ConfigFile::parse(text.value().value_or(ConfigFile::default_text()), sys.display(paths::kConfigFile));
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
  auto config = effective_config(sys);
  if (!config.ok()) return config.error();
  Plan plan;
  SCKL_TRY(plan_machine(sys, plan, config.value()));
  return plan;
}

Result<Plan> plan_configure(System& sys, InstallTarget target) {
  auto config = effective_config(sys);
  if (!config.ok()) return config.error();
  Plan plan;
  plan.files.push_back({paths::kConfigFile, ConfigFile::default_text(), 0644, true,
                        "wrote " + sys.display(paths::kConfigFile) + " with the default settings"});
  SCKL_TRY(plan_kexec_tools(sys, plan));
  plan.files.push_back({paths::kAptPin, apt_pin_text(), 0644, false, ""});
  plan.files.push_back({paths::kAptHookConf, apt_hook_config_text(), 0644, false, ""});
  SCKL_TRY(plan_provider_dropins(sys, plan));
  if (target == InstallTarget::RunningServer) {
    SCKL_TRY(plan_machine(sys, plan, config.value()));
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
    if (f.only_if_missing) {
      auto present = path_exists(sys, f.path);
      if (!present.ok()) return present.error();
      if (present.value()) continue;
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

Status configure_sckl(System& sys, InstallTarget target, Debconf* debconf) {
  auto plan = plan_configure(sys, target);
  if (!plan.ok()) return plan.error();
  SCKL_TRY(apply_plan(sys, plan.value()));
  if (debconf) return hold_kexec_tools_question(sys, *debconf);
  return {};
}

Status setup_machine(System& sys) {
  auto plan = plan_machine_setup(sys);
  if (!plan.ok()) return plan.error();
  return apply_plan(sys, plan.value());
}

}  // namespace sckl
