// What apt writes to a DPkg::Pre-Install-Pkgs hook (Version 2 and 3), read
// by parse_pre_install_input and judged by apt_refuse_grub_main (fed through
// std::cin, as apt does). Input: the hook's standard input.
//
// Invariants: the hook refuses (exit 1) exactly when the input parses, names
// a bootloader package being installed or configured, and the configuration
// dump does not set Sckl::Allow-Grub; anything else is exit 0.
#include <iostream>
#include <sstream>
#include <string>

#include "apt/apt_files.h"
#include "apt/grub_guard.h"
#include "fuzz_util.h"

using namespace sckl;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto input = parse_pre_install_input(text);
  bool expect_refusal = false;
  if (input.ok()) {
    const auto& in = input.value();
    FUZZ_CHECK(in.version == 2 || in.version == 3, "only versions 2 and 3 are accepted");
    auto grub = bootloaders_being_installed(in);
    for (const auto& g : grub) FUZZ_CHECK(is_bootloader_package(g), "only bootloader packages are named");
    for (const auto& a : in.actions) {
      std::string name = a.package.substr(0, a.package.find(':'));
      bool installs = a.what != "**REMOVE**" && a.new_version != "-";
      if (installs && is_bootloader_package(name)) FUZZ_CHECK(!grub.empty(), "an installed bootloader is noticed");
    }
    expect_refusal = !grub.empty() && !grub_allowed(in);
  }

  std::istringstream fake_stdin(text);
  std::streambuf* saved = std::cin.rdbuf(fake_stdin.rdbuf());
  int rc = apt_refuse_grub_main();
  std::cin.rdbuf(saved);
  std::cin.clear();
  FUZZ_CHECK(rc == (expect_refusal ? 1 : 0), "the hook refuses exactly a bootloader install without the override");
  return 0;
}
