#include "boot/arm.h"

#include "base/log.h"
#include "base/main_guard.h"
#include "base/paths.h"
#include "base/process.h"
#include "base/state_lock.h"
#include "kernel/kernels.h"
#include "kernel/kexec_method.h"
#include "kernel/preflight.h"

namespace sckl {

bool running_provider_kernel(const System& sys, const SwitchView& view) {
  return !view.facts.marker_on_cmdline && sys.root() == "/";
}

Result<ArmReport> plan_arm(System& sys) {
  auto view = read_switch_view(sys);
  if (!view.ok()) return view.error();
  const SwitchView& v = view.value();
  ArmReport r;
  r.target = v.facts.target;
  // The next boot is a provider boot: judge it without this boot's marker
  // and running version.
  SwitchFacts next = v.facts;
  next.marker_on_cmdline = false;
  next.running_version.clear();
  if (v.disabled_by == SwitchView::DisabledBy::CmdlineWord) next.disabled = false;
  SwitchDecision d = decide_switch(v.state, next);
  if (d.do_switch) {
    auto line = target_cmdline(v, d.attempt);
    if (!line.ok()) {
      r.problems.push_back(line.error().describe());
    } else {
      auto facts = gather_preflight_facts(sys, v.target, line.value().size());
      if (!facts.ok()) {
        r.problems.push_back(facts.error().describe());
      } else {
        // The same decision as `sckl check` (preflight.h).
        r.problems = next_boot_blockers(run_preflight(facts.value()), v.target.version, running_provider_kernel(sys, v));
      }
    }
  }
  r.will_switch = d.do_switch && r.problems.empty();
  if (r.will_switch) r.summary = "the next boot on the provider's kernel switches into " + r.target;
  else if (!r.problems.empty()) r.summary = r.target + " is not ready to boot: " + r.problems.front();
  else r.summary = "the next boot stays on the provider's kernel: " + d.reason;
  return r;
}

Result<ArmReport> arm(System& sys) {
  auto r = plan_arm(sys);
  if (!r.ok()) return r.error();
  if (r.value().will_switch) log_info(r.value().summary);
  else log_warning(r.value().summary);
  auto loaded = path_exists(sys, paths::kKexecLoaded);
  if (!loaded.ok()) return loaded.error();
  if (loaded.value()) {
    auto flag = sys.read_file(paths::kKexecLoaded);
    if (!flag.ok()) return flag.error();
    if (flag.value().starts_with("1")) {
      SCKL_TRY(unload_kernel(sys));
      log_info("unloaded the kexec kernel that was loaded: it may not be the target any more");
    }
  }
  // Nothing is loaded now: a fast reboot in this shutdown loads afresh.
  SCKL_TRY(sys.remove_file(paths::kFastRebootLoaded));
  return r;
}

namespace {

const char* kernel_hook_name(KernelHook hook) {
  return hook == KernelHook::PostInst   ? paths::kKernelPostinstHook
         : hook == KernelHook::PostRm   ? paths::kKernelPostrmHook
                                        : paths::kInitramfsPostUpdateHook;
}

int kernel_hook_run(KernelHook hook, int argc, char** argv, System* system) {
  const char* name = kernel_hook_name(hook);
  // VERSION plus IMAGE (kernel hooks, optional) or INITRD (post-update).
  if (argc < 2 || argc > 3) {
    log_error(std::string(name) + ": usage: " + name + " VERSION " +
              (hook == KernelHook::InitramfsPostUpdate ? "INITRD" : "[IMAGE]") +
              " (run by the kernel packages and update-initramfs)");
    return 2;
  }
  std::string version = argv[1];
  if (version.empty() || version.starts_with("-")) {
    log_error(std::string(name) + ": expected a kernel version, not '" + version +
              "' (run by the kernel packages and update-initramfs)");
    return 2;
  }
  // A version sckl cannot boot (spaces, '/', control characters) is still
  // some package's kernel: say so and re-arm for the kernels that are there;
  // the target is chosen from /boot, not from this argument.
  if (!is_valid_kernel_version(version))
    log_warning(std::string(name) + ": '" + version +
                "' is not a kernel version sckl can switch into; re-arming for the installed kernels");
  std::unique_ptr<RealSystem> real;
  if (!system) {
    real = RealSystem::from_environment();
    system = real.get();
  }
  System* sys = system;
  auto lock = lock_state(*sys, std::string(name) + " " + version);
  if (!lock.ok()) {
    log_warning(std::string(name) + " " + version + ": " + lock.error().describe());
    log_warning("the kernel package is not affected; run 'sckl arm' once that process has finished");
    return 0;
  }
  auto r = arm(*sys);
  if (!r.ok()) {
    log_warning(std::string(name) + " " + version + ": " + r.error().describe());
    log_warning("the kernel package is not affected; run 'sckl check' once the cause is fixed");
  }
  return 0;
}

}  // namespace

int kernel_hook_main(KernelHook hook, int argc, char** argv, System* system) {
  return guarded_main(kernel_hook_name(hook), OnException::WarnAndSucceed,
                      [&] { return kernel_hook_run(hook, argc, argv, system); });
}

}  // namespace sckl
