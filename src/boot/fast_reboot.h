// Fast reboot (sckl.conf fast_reboot = yes): on the target, `reboot` or
// `systemctl reboot` goes straight back into the target by kexec instead of
// through the hypervisor and the provider's kernel.
//
// systemd 252 does not turn a reboot into a kexec by itself, and a kernel
// must be loaded while file systems are mounted but executed only after
// systemd-shutdown has unmounted them. So there are two steps:
//  1. sckl-fast-reboot.service runs on the target (started at boot, does
//     nothing); its ExecStop runs `fast-reboot load` while file systems are
//     still mounted. When a reboot (not a poweroff, halt or kexec) is under
//     way and plan_fast_reboot allows it, it counts the attempt exactly as a
//     provider boot's switch does, loads the target with its switch command
//     line and records the version in /run/sckl/fast-reboot.
//  2. systemd-shutdown runs /lib/systemd/system-shutdown/sckl-fast-reboot
//     with the action as argv[1] right before reboot(2): on "reboot", with
//     the record there and a kernel loaded, it runs kexec -e. Anything else,
//     or a failed kexec, and the reboot goes on through the hypervisor.
#pragma once

#include <string>

#include "base/error.h"
#include "base/system.h"
#include "boot/boot_state.h"
#include "boot/switch.h"

namespace sckl {

struct FastRebootPlan {
  bool enabled = false;     // fast_reboot = yes in sckl.conf
  bool armed = false;       // a reboot now goes straight into decision's target
  SwitchDecision decision;  // the count, as for a provider boot's switch
  std::string summary;      // one line for the journal and `sckl status`
};

// What a reboot now would do: a plain function of the view. Only on a boot
// that sckl switched into (sckl.boot=), with fast_reboot = yes, and with
// every kill switch off: sckl.disable, /etc/sckl/disabled, autostart = no
// (a reboot then goes to the provider's kernel, as a power-on would), a
// damaged count. The target and the count are judged as for the next
// provider boot: a new target after a kernel install is attempt 1 of it, a
// target that used up its tries is marked bad and not loaded.
FastRebootPlan plan_fast_reboot(const SwitchView& view);

// Whether `systemctl list-jobs --no-legend` output holds a start job of
// reboot.target (a reboot is under way).
bool reboot_job_queued(const std::string& list_jobs_output);

// Step 1 (ExecStop of sckl-fast-reboot.service). Does nothing unless a
// reboot is under way. Returns an error when it meant to load and could
// not (the reboot then goes through the hypervisor).
Status fast_reboot_load(System& sys);

// Step 2 (the system-shutdown hook; `action` is its argv[1]). Returns only
// when it did not execute a kernel: ok when there was nothing to do.
Status fast_reboot_exec(System& sys, const std::string& action);

// Unloads a kernel that fast_reboot_load loaded and forgets the record
// (arm and `sckl disarm`: that kernel may not be the target any more).
Status forget_fast_reboot(System& sys);

// Whether fast_reboot_load loaded a kernel in this boot that is still
// loaded; the version it loaded, or "".
Result<std::string> fast_reboot_loaded(System& sys);

}  // namespace sckl
