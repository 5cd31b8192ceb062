// Boot counting: whether sckl may switch into a kernel, and what each boot
// taught it. One record, /var/lib/sckl/boot-state, changed only through the
// functions below (the one place that changes states).
//
// States of the last attempt (documented in sckl(8)):
//   none           nothing tried with this target yet
//   indeterminate  sckl switched into the target; it has not confirmed yet
//   good           the target reached multi-user and confirmed itself
//   bad            `tries` switches went unconfirmed (or the admin said so):
//                  sckl stays on the provider kernel until another kernel
//                  becomes the target or the admin runs `sckl good`/`retry`
#pragma once

#include <optional>
#include <string>

#include "base/error.h"

namespace sckl {

// `tries` in sckl.conf: how many unconfirmed switches make a target bad.
// One rule for the switch (which falls back to the default) and for the
// debconf question and `sckl set` (which refuse anything else).
inline constexpr int kDefaultTries = 2;
// 1 to 9, as one digit; nullopt for anything else.
std::optional<int> parse_tries(const std::string& value);

enum class BootResult { None, Indeterminate, Good, Bad };

const char* boot_result_name(BootResult r);

struct BootState {
  std::string target;  // kernel version the count is about ("" = none yet)
  int attempts = 0;    // switches into target since its last confirmation
  BootResult result = BootResult::None;
  // The last attempt hung: it did not reach sckl-boot-ok within this many
  // seconds and sckl-boot-deadline.service reset it (hang_guard.h); 0 when
  // it is not known to have hung (it may have crashed, lost power, or not
  // ended yet). Written as "hung_after=N" only when set.
  int hung_after = 0;

  std::string serialize() const;
  // A damaged record is an Error naming the file (callers decide: the
  // switch treats it as "no switch", the CLI shows it).
  static Result<BootState> parse(const std::string& text, const std::string& name_for_errors);
  bool operator==(const BootState&) const = default;
};

struct SwitchFacts {
  bool marker_on_cmdline = false;   // sckl.boot= : this boot is already the switched one
  bool disabled = false;            // sckl.disable, /etc/sckl/disabled, or autostart = no
  std::string disabled_why;
  std::string running_version;      // uname -r
  std::string target;               // chosen kernel version ("" when none is ready)
  std::string no_target_why;
  int tries = kDefaultTries;
};

struct SwitchDecision {
  bool do_switch = false;
  int attempt = 0;       // the attempt number to put into sckl.boot=
  BootState next_state;  // write this before switching (or when it changed)
  bool state_changed = false;
  std::string reason;    // for the journal and `sckl status`
};

// The decision of a provider boot: a plain function of the facts and the
// recorded state.
SwitchDecision decide_switch(const BootState& state, const SwitchFacts& facts);

// "the target hung (did not reach sckl-boot-ok within N s)", or "" when the
// record says nothing about a hang.
std::string hang_note(const BootState& state);

// The target confirmed itself (`sckl good` from sckl-boot-ok.service, or by
// hand): its count starts again; a bad mark on it is lifted.
BootState mark_good(const BootState& state, const std::string& version);
// The admin says the target is bad: no more switches into it.
BootState mark_bad(const BootState& state, const std::string& version);

}  // namespace sckl
