// A switched boot that hangs comes back (sckl(8), "A target that hangs").
// Layers, from the provider's switch to the target's confirmation:
//  - the provider's switch puts sckl.boot_timeout=N on the target's command
//    line when the target has not been confirmed good yet and boot_timeout
//    (sckl.conf) is not 0 (boot_deadline);
//  - on such a boot the generator, which runs early in the target's boot as
//    well, writes sckl-boot-deadline.timer/.service into its output
//    directory: N seconds after systemd started, unless sckl-boot-ok
//    confirmed the boot first, the service records the hang in boot-state
//    (hung_after=N) and resets the machine by force; a job timeout on
//    sckl-boot-ok.service (N + kDeadlineBackstop s, reboot-force) is the
//    backstop when the service cannot run;
//  - kernel panics reset through panic=10 (cmdline.h), as before.
// The power-on after the reset is a provider boot: the unconfirmed attempt
// counts, and after `tries` of them sckl stays on the provider's kernel and
// says that the target hung.
// Never on a provider boot (no sckl.boot=), never on a boot into a kernel
// that was confirmed good before (a slow boot of a known-good kernel, such
// as a long fsck, must not be cut short and cost it its tries).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/system.h"
#include "boot/boot_state.h"
#include "formats/config.h"

namespace sckl {

inline constexpr const char* kBootTimeoutWord = "sckl.boot_timeout";
inline constexpr int kDefaultBootTimeout = 600;
inline constexpr int kMinBootTimeout = 30;
inline constexpr int kMaxBootTimeout = 86400;
// The job-timeout backstop fires this long after the deadline.
inline constexpr int kDeadlineBackstop = 120;

// A boot_timeout value: 0 (off) or kMinBootTimeout..kMaxBootTimeout
// seconds, digits only; nullopt otherwise.
std::optional<int> parse_boot_timeout(const std::string& value);
// sckl.conf's boot_timeout (a bad value: the default, with a warning).
int configured_boot_timeout(const ConfigFile& config);

// The provider's side: the seconds the target's command line carries for a
// switch into `target`, given the record before the switch: 0 (no word)
// when boot_timeout is 0 or `target` was confirmed good.
int boot_deadline(const BootState& before, const std::string& target, int boot_timeout);

// The target's side.
struct HangGuardFacts {
  bool switched_boot = false;  // sckl.boot= on the command line
  std::string deadline_word;   // the value of sckl.boot_timeout= ("" when absent)
  bool confirmed = false;      // sckl-boot-ok already confirmed this boot (a daemon-reload)
};

struct HangGuardPlan {
  int deadline = 0;    // seconds after systemd's start; 0 = nothing armed
  std::string reason;  // why (not), for the kernel log
};

HangGuardPlan plan_hang_guard(const HangGuardFacts& facts);

// A unit file or drop-in, its path relative to the generator directory.
struct GeneratedUnit {
  std::string path;
  std::string text;
};

// The units of an armed plan (none when plan.deadline is 0).
std::vector<GeneratedUnit> hang_guard_units(const HangGuardPlan& plan);

// The generator's part: observe, plan, write into `generator_dir` (argv[1]
// of a system generator). Writes nothing on a provider boot.
Status write_hang_guard(System& sys, const std::string& generator_dir);

// `sckl hung --boot` (sckl-boot-deadline.service): records in boot-state
// that this switched boot missed its deadline. The unit resets the machine
// afterwards, whatever this returns.
Status record_hang(System& sys);

}  // namespace sckl
