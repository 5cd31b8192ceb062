#include "boot/boot_state.h"

#include <cerrno>
#include <sstream>

#include "kernel/kernels.h"

namespace sckl {

std::optional<int> parse_tries(const std::string& value) {
  if (value.size() == 1 && value[0] >= '1' && value[0] <= '9') return value[0] - '0';
  return std::nullopt;
}

const char* boot_result_name(BootResult r) {
  switch (r) {
    case BootResult::None: return "none";
    case BootResult::Indeterminate: return "indeterminate";
    case BootResult::Good: return "good";
    case BootResult::Bad: return "bad";
  }
  return "none";
}

std::string BootState::serialize() const {
  std::ostringstream out;
  out << "# sckl boot counting; see sckl(8). Changed by sckl only.\n"
      << "target=" << target << "\n"
      << "attempts=" << attempts << "\n"
      << "result=" << boot_result_name(result) << "\n";
  if (hung_after > 0) out << "hung_after=" << hung_after << "\n";
  return out.str();
}

Result<BootState> BootState::parse(const std::string& text, const std::string& name) {
  BootState s;
  std::istringstream in(text);
  std::string line;
  int lineno = 0;
  auto bad = [&](const std::string& why) {
    return Error{name + " line " + std::to_string(lineno) + ": " + why, EINVAL,
                 "remove the file to start counting afresh ('sckl retry' does that)"};
  };
  while (std::getline(in, line)) {
    ++lineno;
    if (line.empty() || line[0] == '#') continue;
    auto eq = line.find('=');
    if (eq == std::string::npos) return bad("expected key=value");
    std::string key = line.substr(0, eq), value = line.substr(eq + 1);
    if (key == "target") {
      if (!value.empty() && !is_valid_kernel_version(value)) return bad("bad kernel version");
      s.target = value;
    } else if (key == "attempts") {
      if (value.empty() || value.size() > 3 || value.find_first_not_of("0123456789") != std::string::npos)
        return bad("attempts must be a small number");
      s.attempts = std::stoi(value);
    } else if (key == "hung_after") {
      if (value.empty() || value.size() > 6 || value.find_first_not_of("0123456789") != std::string::npos)
        return bad("hung_after must be a number of seconds");
      s.hung_after = std::stoi(value);
    } else if (key == "result") {
      if (value == "none") s.result = BootResult::None;
      else if (value == "indeterminate") s.result = BootResult::Indeterminate;
      else if (value == "good") s.result = BootResult::Good;
      else if (value == "bad") s.result = BootResult::Bad;
      else return bad("unknown result '" + value + "'");
    } else if (!key.empty() && key.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") == std::string::npos) {
      // A key of a newer sckl (the record was written before a downgrade):
      // ignored, so that the older version still counts boots. 0.1.0 took
      // such a record as damaged and stopped switching; a newer version
      // must therefore put new facts into files of their own, not here.
      continue;
    } else {
      return bad("unknown key '" + key + "'");
    }
  }
  return s;
}

SwitchDecision decide_switch(const BootState& state, const SwitchFacts& f) {
  SwitchDecision d;
  d.next_state = state;
  if (f.marker_on_cmdline) {
    d.reason = "this boot is already the switched one (sckl.boot= on the command line)";
    return d;
  }
  if (f.disabled) {
    d.reason = "switching is disabled: " + f.disabled_why;
    return d;
  }
  if (f.target.empty()) {
    d.reason = "no kernel to switch into: " + f.no_target_why;
    return d;
  }
  if (f.target == f.running_version) {
    d.reason = "already running " + f.target;
    return d;
  }
  const bool same = state.target == f.target;
  if (same && state.result == BootResult::Bad) {
    d.reason = f.target + " is marked bad" + (hang_note(state).empty() ? "" : " (" + hang_note(state) + ")") +
               "; staying on the provider kernel (run 'sckl retry' to try it again)";
    return d;
  }
  const std::string hung = same ? hang_note(state) : "";
  if (same && state.result == BootResult::Indeterminate && state.attempts >= f.tries) {
    d.next_state.result = BootResult::Bad;
    d.state_changed = true;
    d.reason = f.target + " did not confirm " + std::to_string(state.attempts) +
               (state.attempts == 1 ? " boot" : " boots") + " in a row" +
               (hung.empty() ? "" : " (the last time " + hung + ")") +
               "; staying on the provider kernel (run 'sckl retry' to try it again)";
    return d;
  }
  d.do_switch = true;
  d.attempt = (same && state.result == BootResult::Indeterminate ? state.attempts : 0) + 1;
  d.next_state = BootState{f.target, d.attempt, BootResult::Indeterminate};
  d.state_changed = true;
  d.reason = "switching into " + f.target + " (attempt " + std::to_string(d.attempt) + " of " +
             std::to_string(f.tries) + (hung.empty() ? "" : "; the last attempt: " + hung) + ")";
  return d;
}

std::string hang_note(const BootState& state) {
  if (state.hung_after <= 0) return "";
  return "the target hung (did not reach sckl-boot-ok within " + std::to_string(state.hung_after) + " s)";
}

BootState mark_good(const BootState& state, const std::string& version) {
  (void)state;
  return BootState{version, 0, BootResult::Good};
}

BootState mark_bad(const BootState& state, const std::string& version) {
  (void)state;
  return BootState{version, 0, BootResult::Bad};
}

}  // namespace sckl
