// One lock guards sckl's state (/etc/sckl, /var/lib/sckl, the loaded kexec
// kernel): the kernel hooks (two kernels in one apt run), the maintainer
// scripts, the boot-time switch and the state-changing verbs of `sckl` may
// otherwise run at the same time, and two writers of one file through the
// atomic writer's fixed temp name can leave a torn file.
//
// The lock is flock(2) on /run/sckl/lock inside the target root:
// - /run, not /var/lib/sckl: the generator runs while / may still be
//   read-only, and /run is already a writable tmpfs then; a lock file in
//   /run also disappears with the boot, so no stale file outlives a crash
//   (flock itself is released when its holder dies);
// - inside the target root (System), so that a hook in a chroot, the
//   maintainer scripts under DPKG_ROOT and `sckl --root` on the same image
//   all lock the same file.
//
// Taken once per process at its entry point (cli_main for state-changing
// verbs, maint_main, kernel_hook_main; early_switch after its once-per-boot
// guard), never deep inside. Read-only verbs take no lock: the atomic writer
// never shows them a torn file.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "base/error.h"
#include "base/system.h"

namespace sckl {

// Long enough for a hook to wait for a maintainer script or another kernel's
// hook; short enough for sckl-boot-ok.service (90 s start timeout).
inline constexpr std::chrono::seconds kStateLockWait{60};
// The generator holds up the boot: it waits briefly, then does not switch.
inline constexpr std::chrono::seconds kBootStateLockWait{2};

// Takes the state lock, creating /run/sckl when missing. `holder` names the
// caller for a process that has to wait ("sckl arm", "postinst configure").
// On timeout the error names the lock file and the holder's pid and name.
Result<std::unique_ptr<HeldLock>> lock_state(System& sys, const std::string& holder,
                                              std::chrono::milliseconds wait = kStateLockWait);

}  // namespace sckl
