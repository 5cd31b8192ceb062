#include "boot/switch_timeline.h"

#include <sstream>

#include "base/paths.h"

namespace sckl {
namespace {

std::optional<long long> parse_ms(const std::string& v) {
  if (v.empty() || v.size() > 12 || v.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  return std::stoll(v);
}

void put(std::ostringstream& out, const char* key, const std::optional<long long>& v) {
  if (v) out << key << "=" << *v << "\n";
}

std::string ms_as_seconds(long long ms) {
  std::string s = kernel_seconds(std::chrono::milliseconds{ms});
  return s;
}

}  // namespace

const char* switch_starter_name(SwitchStarter s) {
  switch (s) {
    case SwitchStarter::Generator: return "generator";
    case SwitchStarter::Init: return "init";
    case SwitchStarter::Unknown: break;
  }
  return "";
}

std::string SwitchTimes::serialize() const {
  std::ostringstream out;
  out << "# sckl: the last switch's timeline (kernel-clock milliseconds); see sckl(8). Written by sckl only.\n";
  out << "target=" << target << "\n";
  if (started_by != SwitchStarter::Unknown) out << "started_by=" << switch_starter_name(started_by) << "\n";
  put(out, "provider_systemd_ms", provider_systemd_ms);
  put(out, "provider_start_ms", provider_start_ms);
  put(out, "provider_handover_ms", provider_handover_ms);
  if (!steps.empty()) out << "provider_steps=" << format_timeline_steps(steps) << "\n";
  put(out, "target_ok_ms", target_ok_ms);
  return out.str();
}

SwitchTimes SwitchTimes::parse(const std::string& text) {
  SwitchTimes t;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    const std::string key = line.substr(0, eq), value = line.substr(eq + 1);
    if (key == "target") t.target = value;
    else if (key == "started_by")
      t.started_by = value == "generator" ? SwitchStarter::Generator
                     : value == "init"    ? SwitchStarter::Init
                                          : SwitchStarter::Unknown;
    else if (key == "provider_systemd_ms") t.provider_systemd_ms = parse_ms(value);
    else if (key == "provider_start_ms") t.provider_start_ms = parse_ms(value);
    else if (key == "provider_handover_ms") t.provider_handover_ms = parse_ms(value);
    else if (key == "provider_steps") t.steps = parse_timeline_steps(value);
    else if (key == "target_ok_ms") t.target_ok_ms = parse_ms(value);
  }
  return t;
}

HandOverFigures hand_over_figures(const SwitchTimes& t) {
  HandOverFigures f;
  f.started_by = t.started_by;
  f.provider_to_systemd_ms = t.provider_systemd_ms;
  if (t.provider_systemd_ms && t.provider_handover_ms && *t.provider_handover_ms >= *t.provider_systemd_ms)
    f.systemd_to_handover_ms = *t.provider_handover_ms - *t.provider_systemd_ms;
  f.provider_to_start_ms = t.provider_start_ms;
  if (t.provider_start_ms && t.provider_handover_ms && *t.provider_handover_ms >= *t.provider_start_ms)
    f.start_to_handover_ms = *t.provider_handover_ms - *t.provider_start_ms;
  f.target_to_boot_ok_ms = t.target_ok_ms;
  return f;
}

std::string describe_hand_over(const HandOverFigures& f) {
  auto show = [](const std::optional<long long>& v) { return v ? ms_as_seconds(*v) : std::string("unknown"); };
  const std::string target = "target " + show(f.target_to_boot_ok_ms) + " to sckl-boot-ok";
  // No systemd ran on the provider before sckl's init switched.
  if (f.started_by == SwitchStarter::Init) {
    if (!f.provider_to_start_ms && !f.start_to_handover_ms && !f.target_to_boot_ok_ms) return "";
    return "provider " + show(f.provider_to_start_ms) + " to sckl's init, " + show(f.start_to_handover_ms) +
           " sckl's init to hand-over, " + target;
  }
  if (!f.provider_to_systemd_ms && !f.systemd_to_handover_ms && !f.target_to_boot_ok_ms) return "";
  return "provider " + show(f.provider_to_systemd_ms) + " to systemd, " + show(f.systemd_to_handover_ms) +
         " systemd to hand-over, " + target;
}

std::optional<long long> systemd_start_in_kernel_log(const std::string& log) {
  std::optional<long long> found;
  std::istringstream in(log);
  std::string line;
  while (std::getline(in, line)) {
    // systemd's first words as PID 1: "systemd[1]: systemd 252.39-1~deb12u1 running in system mode".
    auto at = line.find("systemd[1]: systemd ");
    if (at == std::string::npos || line.find(" running in system mode", at) == std::string::npos) continue;
    auto open = line.find('[');
    auto close = line.find(']', open == std::string::npos ? 0 : open);
    if (open == std::string::npos || close == std::string::npos || close > at) continue;
    std::string stamp = line.substr(open + 1, close - open - 1);
    auto b = stamp.find_first_not_of(' ');
    if (b == std::string::npos) continue;
    stamp = stamp.substr(b);
    auto dot = stamp.find('.');
    if (dot == std::string::npos) continue;
    auto secs = parse_ms(stamp.substr(0, dot));
    std::string frac = stamp.substr(dot + 1);
    if (!secs || frac.size() < 3 || frac.find_first_not_of("0123456789") != std::string::npos) continue;
    found = *secs * 1000 + std::stoll(frac.substr(0, 3));
  }
  return found;
}

Result<SwitchTimes> load_switch_times(System& sys) {
  auto text = read_if_present(sys, paths::kSwitchTimes);
  if (!text.ok()) return text.error();
  return SwitchTimes::parse(text.value());
}

std::optional<SwitchTimes> times_after_boot_ok(const SwitchTimes& t, const std::string& running_version,
                                              long long now_ms) {
  if (t.target.empty() || t.target != running_version || t.target_ok_ms) return std::nullopt;
  SwitchTimes next = t;
  next.target_ok_ms = now_ms;
  return next;
}

}  // namespace sckl
