// Keeping grub off the disk. A server booted by its provider must not get a
// bootloader written to its disk by a kernel package's Recommends or by
// hand: sckl ships an APT pin (Pin-Priority -1, so apt never picks grub by
// itself) and a DPkg::Pre-Install-Pkgs hook (the pin alone does not stop
// "apt install grub-pc=VERSION"), which this file decides for.
#pragma once

#include <string>
#include <vector>

#include "base/error.h"

namespace sckl {

// Packages that install a bootloader onto a disk.
bool is_bootloader_package(const std::string& name);

struct PendingAction {
  std::string package;
  std::string new_version;  // "-" for a removal
  std::string what;         // a .deb path, "**CONFIGURE**" or "**REMOVE**"
};

struct PreInstallInput {
  int version = 0;
  std::vector<std::pair<std::string, std::string>> config;  // apt's configuration dump
  std::vector<PendingAction> actions;
};

// Parses what apt writes to a Pre-Install-Pkgs hook with
// DPkg::Tools::Options::<hook>::Version 2 or 3.
Result<PreInstallInput> parse_pre_install_input(const std::string& text);

// Bootloader packages about to be installed or configured (not removed).
std::vector<std::string> bootloaders_being_installed(const PreInstallInput& input);

// Whether the admin asked for grub anyway (apt -o Sckl::Allow-Grub=true),
// read with libapt-pkg's configuration rules.
bool grub_allowed(const PreInstallInput& input);

// The hook's main: reads stdin, refuses with a message naming sckl and the
// override (exit 1), or allows (exit 0). Bad input: exit 0 with a warning,
// so that a future apt format never blocks the admin's upgrades.
int apt_refuse_grub_main();

}  // namespace sckl
