#include "apt/apt_files.h"

#include "base/paths.h"

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
  return "// Written by sckl: keep bootloaders off this disk (see sckl(8)). Removed with sckl.\n"
         "// To install one anyway: apt -o Sckl::Allow-Grub=true install grub-pc=VERSION\n"
         "DPkg::Pre-Install-Pkgs { \"" + prog + "\"; };\n"
         "// apt looks the protocol version up by the command's first word.\n"
         "DPkg::Tools::Options::" + prog + "::Version \"2\";\n"
         "// apt's JSON hooks (apt and apt-get): say in apt's output why a bootloader\n"
         "// is refused, or that a package's Recommends of one stays out.\n"
         "AptCli::Hooks::Install { \"" + json_hook_command() + "\"; };\n"
         "AptCli::Hooks::Upgrade { \"" + json_hook_command() + "\"; };\n";
}

std::string json_hook_command() {
  const std::string notice = paths::kAptNoticeProgram;
  // apt reads its configuration once and runs the JSON hooks again after
  // dpkg, also in the very "apt remove sckl" that deletes the program: then
  // the hook answers apt's hello itself (version 0.2, nothing to say), or
  // apt would fail. apt.conf strings cannot hold a double quote: \042.
  return "test -x " + notice + " && exec " + notice +
         "; printf '{\\042jsonrpc\\042:\\0422.0\\042,\\042id\\042:0,\\042result\\042:{\\042version\\042:\\0420.2\\042}}"
         "\\n\\n' >&$APT_HOOK_SOCKET";
}

}  // namespace sckl
