#include "apt_files.h"

#include "paths.h"

namespace sckl {

const std::vector<std::string>& bootloader_packages() {
  static const std::vector<std::string> names = {
      "grub-pc",  "grub-efi-amd64", "grub-efi-amd64-signed", "grub-efi", "grub2",   "grub-cloud-amd64",
      "grub-legacy", "grub-efi-ia32", "lilo", "systemd-boot", "grub-xen"};
  return names;
}

std::string apt_pin_text() {
  std::string names;
  for (const auto& n : bootloader_packages()) names += (names.empty() ? "" : " ") + n;
  return "# Written by sckl: this server boots its provider's kernel and sckl switches\n"
         "# into the kernel on its disk; no bootloader belongs on that disk. apt never\n"
         "# picks these packages by itself (a kernel package's Recommends included).\n"
         "# To install one anyway: apt -o Sckl::Allow-Grub=true install grub-pc=VERSION\n"
         "# Removed with sckl.\n"
         "Package: " + names + "\n"
         "Pin: release *\n"
         "Pin-Priority: -1\n";
}

std::string apt_hook_config_text() {
  const std::string prog = paths::kAptHookProgram;
  const std::string notice = paths::kAptNoticeProgram;
  return "// Written by sckl: keep bootloaders off this disk (see sckl(8)). Removed with sckl.\n"
         "// To install one anyway: apt -o Sckl::Allow-Grub=true install grub-pc=VERSION\n"
         "DPkg::Pre-Install-Pkgs { \"" + prog + "\"; };\n"
         "// apt looks the protocol version up by the command's first word.\n"
         "DPkg::Tools::Options::" + prog + "::Version \"2\";\n"
         "// apt's JSON hooks (apt and apt-get): say in apt's output why a bootloader\n"
         "// is refused, or that a package's Recommends of one stays out.\n"
         "AptCli::Hooks::Install { \"" + notice + "\"; };\n"
         "AptCli::Hooks::Upgrade { \"" + notice + "\"; };\n";
}

}  // namespace sckl
