#include "boot/fast_reboot.h"

#include <sstream>

#include "base/log.h"
#include "base/paths.h"
#include "base/process.h"
#include "base/state_lock.h"
#include "base/text.h"
#include "formats/config.h"
#include "kernel/kexec_method.h"
#include "kernel/preflight.h"

namespace sckl {

FastRebootPlan plan_fast_reboot(const SwitchView& v) {
  FastRebootPlan p;
  p.enabled = config_true(v.config.get(kKeyFastReboot).value_or("no"));
  const std::string via_provider = "a reboot goes through the hypervisor and the provider's kernel: ";
  if (!p.enabled) {
    p.summary = via_provider + "fast_reboot is off in " + std::string(paths::kConfigFile);
    return p;
  }
  if (!v.facts.marker_on_cmdline) {
    p.summary = via_provider + "this boot runs the provider's kernel (fast reboot works on the target only)";
    return p;
  }
  if (v.facts.disabled) {
    p.summary = via_provider + "switching is disabled: " + v.facts.disabled_why;
    return p;
  }
  // The reboot stands for the next provider boot: judge it like plan_arm.
  SwitchFacts next = v.facts;
  next.marker_on_cmdline = false;
  next.running_version.clear();
  p.decision = decide_switch(v.state, next);
  if (!p.decision.do_switch) {
    p.summary = via_provider + p.decision.reason;
    return p;
  }
  p.armed = true;
  p.summary = "a reboot goes straight into " + v.facts.target + " by kexec (attempt " +
              std::to_string(p.decision.attempt) + " of " + std::to_string(v.facts.tries) + ")";
  return p;
}

bool reboot_job_queued(const std::string& out) {
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string id, unit, type;
    if (words >> id >> unit >> type && unit == "reboot.target" && type == "start") return true;
  }
  return false;
}

Result<std::string> fast_reboot_loaded(System& sys) {
  auto record = path_exists(sys, paths::kFastRebootLoaded);
  if (!record.ok()) return record.error();
  if (!record.value()) return std::string{};
  auto loaded = path_exists(sys, paths::kKexecLoaded);
  if (!loaded.ok()) return loaded.error();
  if (!loaded.value()) return std::string{};
  auto flag = sys.read_file(paths::kKexecLoaded);
  if (!flag.ok()) return flag.error();
  if (!flag.value().starts_with("1")) return std::string{};
  auto version = sys.read_file(paths::kFastRebootLoaded);
  if (!version.ok()) return version.error();
  return trim(version.value());
}

Status forget_fast_reboot(System& sys) {
  auto loaded = fast_reboot_loaded(sys);
  if (!loaded.ok()) return loaded.error();
  if (!loaded.value().empty()) {
    SCKL_TRY(unload_kernel(sys));
    log_info("unloaded " + loaded.value() + ", loaded earlier for a fast reboot");
  }
  return sys.remove_file(paths::kFastRebootLoaded);
}

Status fast_reboot_load(System& sys) {
  Command jobs({"systemctl", "list-jobs", "--no-legend", "--no-pager"}, std::chrono::seconds(30));
  auto j = sys.run(jobs);
  if (!j.ok()) return j.error();
  if (j.value().exit_code != 0) return command_failed(jobs, j.value());
  if (!reboot_job_queued(j.value().out)) return {};  // poweroff, halt, kexec, isolate: not ours

  auto lock = lock_state(sys, "the fast reboot (sckl-fast-reboot.service)");
  if (!lock.ok()) return lock.error().with_hint("this reboot goes through the hypervisor");
  auto view_or = read_switch_view(sys);
  if (!view_or.ok()) return view_or.error();
  SwitchView v = view_or.value();
  FastRebootPlan p = plan_fast_reboot(v);
  if (!p.armed) {
    if (p.decision.state_changed) SCKL_TRY(store_boot_state(sys, p.decision.next_state));
    SCKL_TRY(forget_fast_reboot(sys));
    if (p.enabled) log_info(p.summary);
    return {};
  }
  // The target's line is built from the provider's, as in the switch;
  // without a record (a switch by an older sckl) from this boot's own line,
  // which sckl built from the provider's (build_target_cmdline replaces its
  // own words, so that is the same line but for words taken out of
  // extra_cmdline since).
  auto recorded = recorded_provider_cmdline(sys);
  if (!recorded.ok()) return recorded.error();
  if (!recorded.value().empty()) v.cmdline = recorded.value();
  auto loaded = load_target(sys, v, p.decision.attempt);
  if (!loaded.ok()) return loaded.error();
  // Loaded first: a kernel that does not load costs no attempt.
  SCKL_TRY(store_boot_state(sys, p.decision.next_state, {}, kexec_method_name(loaded.value().method)));
  SCKL_TRY(sys.make_dir(paths::kRunDir, 0755));
  SCKL_TRY(sys.write_file(paths::kFastRebootLoaded, v.target.version + "\n", 0644));
  log_info("fast reboot: " + p.summary);
  return {};
}

Status fast_reboot_exec(System& sys, const std::string& action) {
  if (action != "reboot") return {};  // poweroff stays poweroff
  auto loaded = fast_reboot_loaded(sys);
  if (!loaded.ok()) return loaded.error();
  if (loaded.value().empty()) return {};
  log_info("fast reboot into " + loaded.value());
  Command exec({"kexec", "-e"}, std::chrono::seconds(60));
  auto executed = sys.run(exec);
  // Only a failed kexec -e comes back; systemd-shutdown then reboots.
  Error failed = executed.ok() ? command_failed(exec, executed.value()) : executed.error();
  return failed.with_hint("the reboot goes on through the hypervisor");
}

}  // namespace sckl
