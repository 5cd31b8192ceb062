// Re-arming after a kernel package, an initrd rebuild or a change of the
// choices: recompute the target, run the preflight, say what the next
// provider boot will do, and never leave a stale kernel loaded. Used by the
// kernel hooks and `sckl arm`.
#pragma once

#include <string>
#include <vector>

#include "base/error.h"
#include "base/system.h"
#include "boot/switch.h"

namespace sckl {

struct ArmReport {
  std::string target;    // "" when none
  bool will_switch = false;
  std::string summary;   // one line for the admin
  std::vector<std::string> problems;
};

// Whether the running kernel is the provider's kernel of this system, whose
// preflight checks (kexec support, lockdown, memory...) then count for the
// next provider boot: not on a boot sckl switched into, and not below
// another root (an image being built: the kernel is the builder's).
bool running_provider_kernel(const System& sys, const SwitchView& view);

// Dry run of the next provider boot's decision (no state is written).
Result<ArmReport> plan_arm(System& sys);

// plan_arm, log the summary, and unload a loaded kexec kernel (it would be
// a stale one: sckl loads right before executing, also for a fast reboot,
// whose record in /run/sckl goes with it).
Result<ArmReport> arm(System& sys);

// Kernel hooks: /etc/kernel/postinst.d/zz-sckl VERSION [IMAGE],
// /etc/kernel/postrm.d/zz-sckl VERSION [IMAGE],
// /etc/initramfs/post-update.d/sckl VERSION INITRD. A hook never fails a
// kernel package: problems (a version sckl cannot switch into, a damaged
// file, the state lock busy for 60 s) are warnings and exit 0; only wrong
// usage (no version, an option, too many arguments) exits 2. Runs under the
// state lock (state_lock.h), behind the exception barrier (main_guard.h: a
// throw is a warning and exit 0 too). `system` is for tests; nullptr means
// the real system below $DPKG_ROOT.
enum class KernelHook { PostInst, PostRm, InitramfsPostUpdate };
int kernel_hook_main(KernelHook hook, int argc, char** argv, System* system = nullptr);

}  // namespace sckl
