#include "install/install_site.h"

#include <gtest/gtest.h>

#include "fake_system.h"

namespace sckl {
namespace {

TEST(InstallSite, RunningServerOnlyWhenEveryFactSaysSo) {
  EXPECT_EQ(decide_install_site({false, false, true}), InstallSite::RunningServer);
  EXPECT_EQ(decide_install_site({true, false, true}), InstallSite::Image);
  EXPECT_EQ(decide_install_site({false, true, true}), InstallSite::Image);
  EXPECT_EQ(decide_install_site({false, false, false}), InstallSite::Image);
}

TEST(InstallSite, GathersFactsFromIschrootAndRunSystemd) {
  testing::FakeSystem sys;
  int ischroot_exit = 1;
  sys.runner = [&](const Command& c) -> Result<ProcessResult> {
    EXPECT_EQ(c.argv, std::vector<std::string>{"ischroot"});
    return ProcessResult{ischroot_exit, "", ""};
  };
  sys.put_dir("/run/systemd/system");
  auto f = gather_install_facts(sys);
  ASSERT_TRUE(f.ok());
  EXPECT_FALSE(f.value().in_chroot);
  EXPECT_TRUE(f.value().systemd_booted);
  ischroot_exit = 2;  // cannot tell: treated as a chroot
  EXPECT_TRUE(gather_install_facts(sys).value().in_chroot);
  ischroot_exit = 0;
  EXPECT_TRUE(gather_install_facts(sys).value().in_chroot);
  sys.nodes.erase("/run/systemd/system");
  EXPECT_FALSE(gather_install_facts(sys).value().systemd_booted);
}

TEST(InstallSite, MissingIschrootIsAnErrorNotAGuess) {
  testing::FakeSystem sys;
  sys.fail_call(1, EIO);
  EXPECT_FALSE(gather_install_facts(sys).ok());
}

}  // namespace
}  // namespace sckl
