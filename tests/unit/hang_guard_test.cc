// The hang guard's decisions (hang_guard.h): what a switch puts on the
// target's line, what a switched boot arms, and the units it writes.
#include "boot/hang_guard.h"

#include <gtest/gtest.h>

#include <map>

#include "base/paths.h"

namespace sckl {
namespace {

const std::string kTarget = "6.1.0-56-amd64";

TEST(BootTimeout, ZeroOrThirtyToADay) {
  EXPECT_EQ(parse_boot_timeout("0"), 0);
  EXPECT_EQ(parse_boot_timeout("30"), 30);
  EXPECT_EQ(parse_boot_timeout("600"), 600);
  EXPECT_EQ(parse_boot_timeout("86400"), 86400);
  for (const char* bad : {"", "29", "86401", "-1", "10m", " 60", "1e3", "99999999999"})
    EXPECT_FALSE(parse_boot_timeout(bad)) << bad;
}

TEST(BootTimeout, ConfiguredValueFallsBackToTheDefault) {
  auto conf = [](const std::string& t) { return ConfigFile::parse(t, "sckl.conf").value(); };
  EXPECT_EQ(configured_boot_timeout(conf("")), kDefaultBootTimeout);
  EXPECT_EQ(configured_boot_timeout(conf("boot_timeout = 90\n")), 90);
  EXPECT_EQ(configured_boot_timeout(conf("boot_timeout = 0\n")), 0);
  EXPECT_EQ(configured_boot_timeout(conf("boot_timeout = soon\n")), kDefaultBootTimeout);
}

TEST(BootDeadline, ArmedUnlessOffOrTheTargetWasConfirmedGood) {
  EXPECT_EQ(boot_deadline(BootState{}, kTarget, 600), 600);
  EXPECT_EQ(boot_deadline(BootState{kTarget, 1, BootResult::Indeterminate}, kTarget, 600), 600);
  // Confirmed good: a slow boot of a known-good kernel is not cut short.
  EXPECT_EQ(boot_deadline(BootState{kTarget, 0, BootResult::Good}, kTarget, 600), 0);
  // Good was another kernel: this one is new.
  EXPECT_EQ(boot_deadline(BootState{"6.1.0-47-amd64", 0, BootResult::Good}, kTarget, 600), 600);
  EXPECT_EQ(boot_deadline(BootState{}, kTarget, 0), 0);
}

TEST(PlanHangGuard, OnlyOnAnUnconfirmedSwitchedBootWithADeadline) {
  HangGuardFacts f;
  f.deadline_word = "600";
  EXPECT_EQ(plan_hang_guard(f).deadline, 0);  // provider boot
  f.switched_boot = true;
  EXPECT_EQ(plan_hang_guard(f).deadline, 600);
  f.confirmed = true;  // a daemon-reload after sckl-boot-ok
  EXPECT_EQ(plan_hang_guard(f).deadline, 0);
  f.confirmed = false;
  for (const char* w : {"", "0", "5", "x"}) {
    f.deadline_word = w;
    auto p = plan_hang_guard(f);
    EXPECT_EQ(p.deadline, 0) << w;
    EXPECT_FALSE(p.reason.empty()) << w;
  }
}

TEST(HangGuardUnits, TimerServiceAndBackstop) {
  EXPECT_TRUE(hang_guard_units(HangGuardPlan{}).empty());
  auto units = hang_guard_units(HangGuardPlan{90, ""});
  std::map<std::string, std::string> by_path;
  for (const auto& u : units) by_path[u.path] = u.text;
  ASSERT_EQ(by_path.size(), 4u);
  const auto& timer = by_path["sckl-boot-deadline.timer"];
  EXPECT_NE(timer.find("OnStartupSec=90\n"), std::string::npos);
  EXPECT_NE(timer.find("DefaultDependencies=no\n"), std::string::npos);
  EXPECT_NE(timer.find("ConditionPathExists=!" + std::string(paths::kBootConfirmed)), std::string::npos);
  const auto& service = by_path["sckl-boot-deadline.service"];
  EXPECT_NE(service.find("ExecStart=/usr/sbin/sckl hung --boot\n"), std::string::npos);
  // The reset does not depend on the record succeeding.
  EXPECT_NE(service.find("SuccessAction=reboot-force\n"), std::string::npos);
  EXPECT_NE(service.find("FailureAction=reboot-force\n"), std::string::npos);
  EXPECT_NE(service.find("IgnoreOnIsolate=yes\n"), std::string::npos);
  EXPECT_NE(by_path["sysinit.target.d/50-sckl-boot-deadline.conf"].find("Wants=sckl-boot-deadline.timer"),
            std::string::npos);
  const auto& backstop = by_path["sckl-boot-ok.service.d/50-sckl-boot-deadline.conf"];
  EXPECT_NE(backstop.find("JobTimeoutSec=" + std::to_string(90 + kDeadlineBackstop) + "\n"), std::string::npos);
  EXPECT_NE(backstop.find("JobTimeoutAction=reboot-force\n"), std::string::npos);
  EXPECT_NE(backstop.find("stop sckl-boot-deadline.timer"), std::string::npos);
}

}  // namespace
}  // namespace sckl
