#include "apt/grub_guard.h"

#include "apt/apt_files.h"

#include <gtest/gtest.h>

#include "log_capture.h"

#include <fstream>
#include <iostream>
#include <sstream>

namespace sckl {
namespace {

const char* kV2 =
    "VERSION 2\n"
    "APT::Architecture=amd64\n"
    "Sckl::Allow-Grub=false\n"
    "\n"
    "linux-image-6.1.0-56-amd64 - < 6.1.158-1 /var/cache/apt/archives/linux-image.deb\n"
    "grub-pc - < 2.06-13 /var/cache/apt/archives/grub-pc_2.06-13_amd64.deb\n"
    "grub-common - < 2.06-13 /var/cache/apt/archives/grub-common.deb\n"
    "grub-pc - < 2.06-13 **CONFIGURE**\n"
    "old-thing 1.0 > - **REMOVE**\n";

TEST(GrubGuard, FindsBootloadersBeingInstalledOnce) {
  auto in = parse_pre_install_input(kV2);
  ASSERT_TRUE(in.ok()) << in.error().describe();
  EXPECT_EQ(in.value().actions.size(), 5u);
  EXPECT_EQ(bootloaders_being_installed(in.value()), std::vector<std::string>{"grub-pc"});
  EXPECT_FALSE(grub_allowed(in.value()));
}

TEST(GrubGuard, KernelsAndGrubCommonAloneAreFine) {
  auto in = parse_pre_install_input(
      "VERSION 2\n\nlinux-image-amd64 - < 6.1.158-1 /x.deb\ngrub-common - < 2.06 /y.deb\n");
  ASSERT_TRUE(in.ok());
  EXPECT_TRUE(bootloaders_being_installed(in.value()).empty());
}

TEST(GrubGuard, RemovingGrubIsFine) {
  auto in = parse_pre_install_input("VERSION 2\n\ngrub-pc 2.06-13 > - **REMOVE**\n");
  ASSERT_TRUE(in.ok());
  EXPECT_TRUE(bootloaders_being_installed(in.value()).empty());
}

TEST(GrubGuard, VersionThreeWithArchitectures) {
  auto in = parse_pre_install_input(
      "VERSION 3\nA=b\n\ngrub-efi-amd64:amd64 - - none < 2.06-13 amd64 same /g.deb\n");
  ASSERT_TRUE(in.ok()) << in.error().describe();
  EXPECT_EQ(bootloaders_being_installed(in.value()), std::vector<std::string>{"grub-efi-amd64"});
}

TEST(GrubGuard, OverrideUsesAptBooleanRules) {
  for (const char* yes : {"true", "yes", "1", "on"}) {
    auto in = parse_pre_install_input(std::string("VERSION 2\nSckl::Allow-Grub=") + yes + "\n\n");
    ASSERT_TRUE(in.ok());
    EXPECT_TRUE(grub_allowed(in.value())) << yes;
  }
  auto no = parse_pre_install_input("VERSION 2\nSckl::Allow-Grub=no\n\n");
  EXPECT_FALSE(grub_allowed(no.value()));
}

TEST(GrubGuard, RefusalNamesScklTheReasonAndTheOverrideWithTheVersion) {
  std::istringstream in(kV2);
  std::streambuf* saved = std::cin.rdbuf(in.rdbuf());
  testing::LogCapture log;
  int rc = apt_refuse_grub_main();
  std::cin.rdbuf(saved);
  EXPECT_EQ(rc, 1);
  EXPECT_TRUE(log.contains("refused to install grub-pc: this server is booted by its provider's kernel")) << log.text();
  EXPECT_TRUE(log.contains("To install it anyway: apt -o Sckl::Allow-Grub=true install grub-pc=2.06-13"))
      << log.text();
}

TEST(GrubGuard, UnknownFormatsAreErrorsNotGuesses) {
  EXPECT_FALSE(parse_pre_install_input("").ok());
  EXPECT_FALSE(parse_pre_install_input("VERSION 1\n\n").ok());
  EXPECT_FALSE(parse_pre_install_input("VERSION 2\n\ntoo few fields\n").ok());
}

TEST(GrubGuard, PinAndHookConfigurationCoverEveryBootloader) {
  std::string pin = apt_pin_text();
  for (const auto& n : bootloader_packages()) EXPECT_NE(pin.find(" " + n), std::string::npos) << n;
  EXPECT_NE(pin.find("\nPin: release *\nPin-Priority: -1\n"), std::string::npos);
  std::string conf = apt_hook_config_text();
  // apt finds the Version option by the first word of the command: the
  // command must be the program itself, not a shell construct around it.
  EXPECT_NE(conf.find("DPkg::Pre-Install-Pkgs { \"/usr/lib/sckl/apt-refuse-grub\"; };"), std::string::npos);
  EXPECT_NE(conf.find("DPkg::Tools::Options::/usr/lib/sckl/apt-refuse-grub::Version \"2\";"), std::string::npos);
  // The JSON hook that names sckl in apt's output, for install and upgrade.
  EXPECT_NE(conf.find("AptCli::Hooks::Install { \"" + json_hook_command() + "\"; };"), std::string::npos);
  EXPECT_NE(conf.find("AptCli::Hooks::Upgrade { \"" + json_hook_command() + "\"; };"), std::string::npos);
  EXPECT_EQ(json_hook_command().find("test -x /usr/lib/sckl/apt-grub-notice && exec /usr/lib/sckl/apt-grub-notice; "),
            0u);
  // apt.conf strings end at a double quote: the command has none.
  EXPECT_EQ(json_hook_command().find('"'), std::string::npos);
  // The pin, the hook configuration and the refusal show the same override,
  // the one that gets past the pin.
  EXPECT_NE(pin.find("apt -o Sckl::Allow-Grub=true install grub-pc=VERSION"), std::string::npos);
  EXPECT_NE(conf.find("apt -o Sckl::Allow-Grub=true install grub-pc=VERSION"), std::string::npos);
}

}  // namespace
}  // namespace sckl
