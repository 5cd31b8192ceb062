#include "boot/watchdog.h"

#include <fnmatch.h>

#include <algorithm>
#include <cerrno>
#include <set>
#include <sstream>

#include "base/log.h"
#include "base/paths.h"
#include "base/text.h"

namespace sckl {

std::optional<int> watchdog_index(const std::string& name) {
  const std::string prefix = "watchdog";
  if (!name.starts_with(prefix) || name.size() == prefix.size() || name.size() > prefix.size() + 4) return std::nullopt;
  std::string digits = name.substr(prefix.size());
  if (digits.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  return std::stoi(digits);
}

namespace {

// "kernel/drivers/watchdog/i6300esb.ko.xz" -> "i6300esb" (modprobe's
// names use '_' where file names may have '-').
std::string module_name_of(const std::string& path) {
  std::string base = path.substr(path.rfind('/') == std::string::npos ? 0 : path.rfind('/') + 1);
  auto ko = base.find(".ko");
  if (ko != std::string::npos) base.erase(ko);
  std::replace(base.begin(), base.end(), '-', '_');
  return base;
}

}  // namespace

std::vector<std::string> watchdog_modules_for(const std::vector<std::string>& modaliases,
                                              const std::string& modules_alias, const std::string& modules_dep) {
  // The watchdog drivers: modules whose file is in a drivers/watchdog
  // directory (kernel/ or updates/), not the core (watchdog.ko, pretimeout
  // governors) and not softdog (software only: it cannot outlive a kexec).
  std::set<std::string> drivers;
  std::istringstream dep(modules_dep);
  for (std::string line; std::getline(dep, line);) {
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string path = line.substr(0, colon);
    if (path.find("drivers/watchdog/") == std::string::npos) continue;
    std::string name = module_name_of(path);
    if (name == "watchdog" || name == "softdog" || name.starts_with("pretimeout_")) continue;
    drivers.insert(name);
  }
  std::set<std::string> wanted;
  std::istringstream alias(modules_alias);
  for (std::string line; std::getline(alias, line);) {
    std::istringstream words(line);
    std::string kw, pattern, module;
    if (!(words >> kw >> pattern >> module) || kw != "alias" || !drivers.count(module)) continue;
    for (const auto& m : modaliases)
      if (!m.empty() && ::fnmatch(pattern.c_str(), m.c_str(), 0) == 0) wanted.insert(module);
  }
  return {wanted.begin(), wanted.end()};
}

int clamp_watchdog_timeout(int want, int min_timeout, int max_timeout) {
  int s = want;
  if (max_timeout > 0) s = std::min(s, max_timeout);
  if (min_timeout > 0) s = std::max(s, min_timeout);
  return s;
}

WatchdogPlan plan_watchdog(const std::optional<WatchdogDevice>& device, int boot_deadline) {
  WatchdogPlan p;
  if (boot_deadline <= 0) {
    p.reason = "no boot deadline for this switch (boot_timeout = 0, or the target was confirmed good before)";
    return p;
  }
  if (!device) {
    p.reason = "no hardware watchdog: a target kernel that stalls before systemd is not reset";
    return p;
  }
  if (device->active) {
    // Someone (a watchdog daemon, firmware handed over) runs it already: its
    // timeout is theirs, and it is stopped or locked by their rules.
    p.reason = "/dev/" + device->name + " is running already (another user): not armed by sckl";
    return p;
  }
  p.arm = true;
  p.device = "/dev/" + device->name;
  p.seconds = clamp_watchdog_timeout(boot_deadline, device->min_timeout, device->max_timeout);
  p.reason = p.device + " (" + (device->identity.empty() ? std::string("watchdog") : device->identity) +
             ") resets the machine unless the target's systemd takes it over within " + std::to_string(p.seconds) +
             " s";
  if (p.seconds != boot_deadline)
    p.reason += " (boot_timeout " + std::to_string(boot_deadline) + " s is outside the device's " +
                std::to_string(device->min_timeout) + "-" + std::to_string(device->max_timeout) + " s)";
  return p;
}

std::string watchdog_cmdline_word(const WatchdogPlan& plan) {
  if (!plan.arm) return "";
  return std::string(kSystemdWatchdogWord) + "=" + std::to_string(plan.seconds);
}

namespace {

int read_int(System& sys, const std::string& path) {
  auto r = sys.read_file(path);
  if (!r.ok()) return 0;
  std::string v = trim(r.value());
  if (v.empty() || v.size() > 9 || v.find_first_not_of("0123456789") != std::string::npos) return 0;
  return std::stoi(v);
}

std::string read_text(System& sys, const std::string& path) {
  auto r = sys.read_file(path);
  return r.ok() ? trim(r.value()) : "";
}

}  // namespace

Result<std::optional<WatchdogDevice>> find_watchdog(System& sys) {
  auto there = path_exists(sys, paths::kWatchdogClassDir);
  if (!there.ok()) return there.error();
  if (!there.value()) return std::optional<WatchdogDevice>{};
  auto names = sys.list_dir(paths::kWatchdogClassDir);
  if (!names.ok()) return names.error();
  std::optional<std::pair<int, std::string>> first;
  for (const auto& n : names.value())
    if (auto i = watchdog_index(n); i && (!first || *i < first->first)) first = std::make_pair(*i, n);
  if (!first) return std::optional<WatchdogDevice>{};
  // The device node must be there too (udev, or devtmpfs at the
  // generator's time).
  auto node = path_exists(sys, "/dev/" + first->second);
  if (!node.ok()) return node.error();
  if (!node.value()) return std::optional<WatchdogDevice>{};
  const std::string d = std::string(paths::kWatchdogClassDir) + "/" + first->second + "/";
  WatchdogDevice w;
  w.name = first->second;
  w.identity = read_text(sys, d + "identity");
  w.timeout = read_int(sys, d + "timeout");
  w.min_timeout = read_int(sys, d + "min_timeout");
  w.max_timeout = read_int(sys, d + "max_timeout");
  w.nowayout = read_text(sys, d + "nowayout") == "1";
  w.active = read_text(sys, d + "state") == "active";
  return std::optional<WatchdogDevice>{w};
}

void load_watchdog_drivers(System& sys) {
  auto release = sys.read_file(paths::kOsRelease);
  if (!release.ok()) return;
  const std::string mods = paths::kModulesDirs[0] + trim(release.value()) + "/";
  auto alias = sys.read_file(mods + "modules.alias");
  auto dep = sys.read_file(mods + "modules.dep");
  if (!alias.ok() || !dep.ok()) return;  // a kernel without modules: built-in drivers only
  std::vector<std::string> modaliases;
  for (const char* bus : paths::kDeviceBuses) {
    auto devs = sys.list_dir(bus);
    if (!devs.ok()) continue;
    for (const auto& d : devs.value()) {
      auto m = sys.read_file(std::string(bus) + "/" + d + "/modalias");
      if (m.ok()) modaliases.push_back(trim(m.value()));
    }
  }
  for (const auto& module : watchdog_modules_for(modaliases, alias.value(), dep.value())) {
    Command probe({"modprobe", "-q", module}, std::chrono::seconds(10));
    auto r = sys.run(probe);
    if (!r.ok() || r.value().exit_code != 0)
      log_warning("watchdog: modprobe " + module + " failed" +
                  (r.ok() ? " (exit " + std::to_string(r.value().exit_code) + ")" : ": " + r.error().describe()));
  }
}

Result<int> arm_watchdog_for_switch(System& sys, const WatchdogPlan& plan) {
  if (!plan.arm) return Error{"nothing to arm: " + plan.reason, EINVAL, {}};
  const std::string name = base_name(plan.device);
  // nowayout before the start (watchdog.h: it is what outlives the kexec).
  SCKL_TRY(sys.write_kernel_attr(std::string(paths::kWatchdogClassDir) + "/" + name + "/nowayout", "1"));
  return sys.arm_watchdog(plan.device, plan.seconds);
}

WatchdogPlan plan_switch_watchdog(System& sys, int boot_deadline) {
  std::optional<WatchdogDevice> device;
  if (boot_deadline > 0) {
    load_watchdog_drivers(sys);
    auto found = find_watchdog(sys);
    if (found.ok())
      device = found.value();
    else
      log_warning("watchdog: " + found.error().describe());
  }
  WatchdogPlan plan = plan_watchdog(device, boot_deadline);
  log_info("watchdog: " + plan.reason);
  return plan;
}

bool arm_switch_watchdog(System& sys, const WatchdogPlan& plan) {
  if (!plan.arm) return false;
  auto armed = arm_watchdog_for_switch(sys, plan);
  if (!armed.ok()) {
    log_warning("watchdog: not armed: " + armed.error().describe());
    return false;
  }
  log_info("watchdog: " + plan.device + " armed for " + std::to_string(armed.value()) + " s across the switch");
  return true;
}

std::string describe_watchdog(const std::optional<WatchdogDevice>& device) {
  if (!device)
    return "hardware watchdog: none (a target kernel that stalls before systemd runs is not reset; boot_timeout "
           "covers hangs from systemd's start)";
  std::string s = "hardware watchdog: /dev/" + device->name;
  if (!device->identity.empty()) s += " (" + device->identity + ")";
  if (device->max_timeout > 0)
    s += ", timeout " + std::to_string(device->min_timeout) + "-" + std::to_string(device->max_timeout) + " s";
  s += device->active ? ", running (armed by someone else: sckl leaves it alone)"
                      : ": armed before each switch into a target not confirmed yet";
  return s;
}

}  // namespace sckl
