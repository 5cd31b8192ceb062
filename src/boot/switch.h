// The early switch: on the provider's kernel, from a systemd generator
// (before any unit runs, root still mounted as the provider's initrd left
// it), choose the target, count the attempt, load it with kexec and execute
// it. Everything it reads and does goes through System, so the whole path is
// tested with a fake; only hooks/switch_generator.cc runs it for real.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "base/error.h"
#include "base/system.h"
#include "boot/boot_state.h"
#include "boot/switch_mark.h"
#include "boot/switch_timeline.h"
#include "formats/config.h"
#include "kernel/kernels.h"
#include "kernel/kexec_method.h"

namespace sckl {

// The CPU priority of the boot-time switch (nice, -20 the highest): ahead of
// systemd's other generators, which share the CPU with it (early_switch).
inline constexpr int kSwitchNice = -20;

// What the switch (and `sckl status`) sees on this machine now.
struct SwitchView {
  std::string cmdline;          // /proc/cmdline
  std::string running_version;  // uname -r
  ConfigFile config;
  std::vector<InstalledKernel> kernels;
  BootState state;
  std::string state_error;      // a damaged boot-state file (then no switch)
  SwitchFacts facts;
  InstalledKernel target;       // valid when facts.target is not empty
  // What set facts.disabled. Callers that judge another boot (arm) or a
  // switch by hand (`sckl boot`) go by this, never by the text of
  // disabled_why, which can quote a damaged file.
  enum class DisabledBy { Nothing, CmdlineWord, Flag, Autostart, FirstBoot, DamagedState };
  DisabledBy disabled_by = DisabledBy::Nothing;
};

Result<SwitchView> read_switch_view(System& sys);

// The target's command line for `attempt` (provider line, drops, extras,
// classic NIC names, panic, marker).
Result<std::string> target_cmdline(const SwitchView& view, int attempt);

// Loads the target for `attempt` outside the generator (`sckl boot`, a fast
// reboot): its command line, the preflight (a failed check stops it), then
// kexec_method's load. The early switch does the same steps itself, with the
// watchdog word and its own messages between them.
Result<LoadOutcome> load_target(System& sys, const SwitchView& view, int attempt);

// Reads and writes the boot-state record (atomic). Writing makes a
// read-only root writable for the moment of the write. A switch passes the
// provider's command line too: it is recorded (paths::kProviderCmdline,
// only when it changed) in the same writable moment, and the kexec method
// that loaded the target (paths::kKexecMethod, likewise).
Result<BootState> load_boot_state(System& sys);
// `switch_times` (a serialized SwitchTimes, switch_timeline.h) goes into
// paths::kSwitchTimes in the same moment; its failure is only a warning.
Status store_boot_state(System& sys, const BootState& state, const std::string& provider_cmdline = {},
                        const std::string& kexec_method = {}, const std::string& switch_times = {});

// The provider's command line recorded by the last switch, or "" when
// there is none (a switch by an older sckl).
Result<std::string> recorded_provider_cmdline(System& sys);

// The generator's work, and sckl's init's (init_shim.h). Runs at most once
// per boot (/run/sckl/switch-ran).
// Takes the state lock (briefly: when it is held, no switch in this boot).
// Returns when it did not switch (the boot goes on on the provider kernel);
// on success kexec -e does not return.
// `started`: the kernel clock at the start of the generator or of sckl's
// init (the timeline's zero; default: now). Just before kexec -e it logs the timeline of its
// steps (base/timeline.h) on one line and records it with the attempt
// (switch_timeline.h), with `by`: what ran it (the generator, or sckl's init).
Status early_switch(System& sys, std::optional<std::chrono::milliseconds> started = std::nullopt,
                    SwitchStarter by = SwitchStarter::Generator);


// `sckl good [--boot]`: the running target confirms itself (--boot, from
// sckl-boot-ok.service: only on a switched boot), or the admin vouches for
// the target: its count starts again and a bad mark is lifted.
Status confirm_good(System& sys, bool from_boot_unit);
// `sckl bad`: no more switches into the current target.
Status declare_bad(System& sys);
// `sckl retry`: forget the count for the current target.
Status retry_target(System& sys);

// `sckl boot`: switch now, by hand, through a clean systemd kexec (units
// stopped, file systems unmounted): count the attempt, load the target,
// `systemctl kexec`. Works with autostart off; not with sckl.disable or on
// the target itself.
Status manual_switch(System& sys);

}  // namespace sckl
