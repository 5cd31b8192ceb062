// The timeline of the last switch (paths::kSwitchTimes): what the early
// switch wrote with its attempt's record on the provider's kernel, and what
// the target's first boot added when it reached sckl-boot-ok. `sckl status`
// shows three figures from it: the provider's time to systemd, systemd to
// the hand-over, the target's time to sckl-boot-ok; for a switch from sckl's
// init (no systemd ran before it), the provider's time to sckl's init and
// sckl's init to the hand-over instead.
//
// A file of its own beside boot-state, not keys in it: boot-state's parser
// refuses an unknown key (a damaged count stops the switch), so an older
// sckl must never meet one there. This file's parser skips what it does not
// know and a damaged line only loses its figure.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/system.h"
#include "base/timeline.h"

namespace sckl {

// What ran the switch: the generator, or sckl's init (PID 1, before
// systemd). Unknown in a record of an older sckl, which did not say.
enum class SwitchStarter { Unknown, Generator, Init };
// "generator", "init", "" (Unknown): the record's and JSON's word.
const char* switch_starter_name(SwitchStarter s);

struct SwitchTimes {
  std::string target;  // the kernel version switched into
  SwitchStarter started_by = SwitchStarter::Unknown;
  // Kernel-clock milliseconds on the provider: systemd's start (from the
  // kernel log; unknown when the log had no such line), the start of what
  // ran the switch (the generator, or sckl's init as PID 1), and the
  // hand-over as recorded: the moment of this record, the
  // last one before the final remount and kexec -e (the kernel-log
  // line has those too).
  std::optional<long long> provider_systemd_ms;
  std::optional<long long> provider_start_ms;
  std::optional<long long> provider_handover_ms;
  std::vector<TimelineMark> steps;  // the switch's steps up to the record
  // Kernel-clock milliseconds on the target when sckl-boot-ok ran.
  std::optional<long long> target_ok_ms;

  std::string serialize() const;
  // Never fails: unknown keys and unreadable values are skipped.
  static SwitchTimes parse(const std::string& text);
  bool operator==(const SwitchTimes&) const = default;
};

// The figures `sckl status` shows; each unknown when its inputs are.
struct HandOverFigures {
  SwitchStarter started_by = SwitchStarter::Unknown;
  std::optional<long long> provider_to_systemd_ms;
  std::optional<long long> systemd_to_handover_ms;
  // From the provider kernel's start to the switch's own start, and from
  // there to the hand-over: the figures of a switch from sckl's init (and
  // known for the generator's too).
  std::optional<long long> provider_to_start_ms;
  std::optional<long long> start_to_handover_ms;
  std::optional<long long> target_to_boot_ok_ms;
};
HandOverFigures hand_over_figures(const SwitchTimes& t);
// "provider 7.720 s to systemd, 1.234 s systemd to hand-over, target 20.1 s
// to sckl-boot-ok" (unknown parts named as such); from sckl's init:
// "provider 6.300 s to sckl's init, 1.149 s sckl's init to hand-over, target
// ..."; "" when nothing is known.
std::string describe_hand_over(const HandOverFigures& f);

// systemd's start in a kernel log text (klogctl or dmesg form: "<6>[
// 7.720000] systemd[1]: systemd 252.39-1~deb12u1 running in system mode"):
// the last such line's stamp, in milliseconds. nullopt when there is none
// (the log wrapped, printk stamps are off).
std::optional<long long> systemd_start_in_kernel_log(const std::string& log);

// The record, read; an absent file is an empty record.
Result<SwitchTimes> load_switch_times(System& sys);

// The target's first boot reached sckl-boot-ok at `now_ms` (its kernel
// clock): the record with that time, when the record is about
// `running_version` and has no such time yet; nullopt otherwise (a second
// `sckl good --boot` in the same boot, a record of an older switch).
std::optional<SwitchTimes> times_after_boot_ok(const SwitchTimes& t, const std::string& running_version,
                                              long long now_ms);

}  // namespace sckl
