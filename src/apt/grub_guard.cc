#include "apt/grub_guard.h"

#include <apt-pkg/configuration.h>

#include <algorithm>
#include <cerrno>
#include <iostream>
#include <iterator>
#include <sstream>

#include "apt/apt_files.h"
#include "apt/grub_notice.h"
#include "base/log.h"
#include "base/main_guard.h"

namespace sckl {

bool is_bootloader_package(const std::string& name) {
  const auto& names = bootloader_packages();
  return std::find(names.begin(), names.end(), name) != names.end();
}

Result<PreInstallInput> parse_pre_install_input(const std::string& text) {
  PreInstallInput in;
  std::istringstream s(text);
  std::string line;
  if (!std::getline(s, line) || !line.starts_with("VERSION "))
    return Error{"apt hook input does not start with 'VERSION N'", EINVAL, {}};
  in.version = std::atoi(line.c_str() + 8);
  if (in.version < 2 || in.version > 3)
    return Error{"apt hook input version " + line.substr(8) + " is not 2 or 3", EINVAL, {}};
  while (std::getline(s, line) && !line.empty()) {
    auto eq = line.find('=');
    if (eq == std::string::npos) continue;  // apt writes Key=value; anything else is not ours to judge
    in.config.emplace_back(line.substr(0, eq), line.substr(eq + 1));
  }
  while (std::getline(s, line)) {
    if (line.empty()) continue;
    std::istringstream w(line);
    std::vector<std::string> f{std::istream_iterator<std::string>(w), {}};
    // Version 2: PKG OLD CMP NEW WHAT; version 3 adds arch and multi-arch
    // fields: PKG OLD OLDARCH OLDMA CMP NEW NEWARCH NEWMA WHAT.
    if (in.version == 2 && f.size() == 5) in.actions.push_back({f[0], f[3], f[4]});
    else if (in.version == 3 && f.size() == 9) in.actions.push_back({f[0], f[5], f[8]});
    else return Error{"apt hook input: unexpected line '" + line + "'", EINVAL, {}};
  }
  return in;
}

std::vector<std::string> bootloaders_being_installed(const PreInstallInput& input) {
  std::vector<std::string> out;
  for (const auto& a : input.actions) {
    if (a.what == "**REMOVE**" || a.new_version == "-") continue;
    std::string name = a.package.substr(0, a.package.find(':'));  // drop ":amd64"
    if (is_bootloader_package(name) && std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
  }
  return out;
}

bool grub_allowed(const PreInstallInput& input) {
  Configuration config;
  for (const auto& [k, v] : input.config) config.Set(k, v);
  return config.FindB("Sckl::Allow-Grub", false);
}

namespace {

int apt_refuse_grub_run() {
  std::string text((std::istreambuf_iterator<char>(std::cin)), {});
  auto input = parse_pre_install_input(text);
  if (!input.ok()) {
    log_warning("apt-refuse-grub: " + input.error().describe() + "; not checking for grub this time");
    return 0;
  }
  auto grub = bootloaders_being_installed(input.value());
  if (grub.empty()) return 0;
  std::string names;
  for (const auto& g : grub) names += (names.empty() ? "" : ", ") + g;
  if (grub_allowed(input.value())) {
    log_warning("installing " + names + " because Sckl::Allow-Grub is set");
    return 0;
  }
  // One sentence of why and the one override (grub_notice.h shows the same).
  std::string version;
  for (const auto& a : input.value().actions)
    if (a.package.substr(0, a.package.find(':')) == grub.front()) version = a.new_version;
  log_error("refused to install " + names + ": " + grub_refusal_reason() + ".\n" +
            "  To install it anyway: " + grub_override_command(grub.front(), version));
  return 1;
}

}  // namespace

int apt_refuse_grub_main() {
  // Like input it cannot read: an internal error must not block every apt
  // run; the pin still keeps grub out of a plain install.
  return guarded_main("apt-refuse-grub", OnException::WarnAndSucceed, apt_refuse_grub_run);
}

}  // namespace sckl
