// The switch's timeline: the generic Timeline and its one-line format, the
// record beside boot-state (paths::kSwitchTimes) and its tolerant parser,
// systemd's start in a kernel log, and the figures `sckl status` shows.
#include "base/timeline.h"

#include <gtest/gtest.h>

#include "boot/switch_timeline.h"

namespace sckl {
namespace {

using std::chrono::milliseconds;

TEST(Timeline, MarksAreMillisecondsSinceTheStart) {
  Timeline t(milliseconds{7950});
  t.mark("lock", milliseconds{7955});
  t.mark("read-view", milliseconds{8062});
  t.mark("load", milliseconds{9110});
  ASSERT_EQ(t.marks().size(), 3u);
  EXPECT_EQ(t.marks()[1], (TimelineMark{"read-view", milliseconds{112}}));
  EXPECT_EQ(t.elapsed(), milliseconds{1160});
  EXPECT_EQ(format_timeline(t), "started at 7.950 s: lock +5 ms, read-view +112, load +1160 (9.110 s)");
}

TEST(Timeline, AClockThatGoesBackCountsAsNoTime) {
  Timeline t(milliseconds{1000});
  t.mark("a", milliseconds{900});
  t.mark("b", milliseconds{1200});
  t.mark("c", milliseconds{1100});
  EXPECT_EQ(t.marks()[0].at, milliseconds{0});
  EXPECT_EQ(t.marks()[2].at, milliseconds{200});
}

TEST(Timeline, WithoutMarksOnlyTheStart) {
  EXPECT_EQ(format_timeline(Timeline(milliseconds{12})), "started at 0.012 s");
  EXPECT_EQ(kernel_seconds(milliseconds{11470}), "11.470 s");
}

TEST(Timeline, StepsRoundTripAndOddTextIsSkipped) {
  std::vector<TimelineMark> m = {{"lock", milliseconds{5}}, {"load", milliseconds{1160}}};
  EXPECT_EQ(parse_timeline_steps(format_timeline_steps(m)), m);
  EXPECT_EQ(parse_timeline_steps("lock +5 ms, two words +3, load +x, sync +-1, exec +9 s, ok +7"),
            (std::vector<TimelineMark>{{"lock", milliseconds{5}}, {"ok", milliseconds{7}}}));
  EXPECT_TRUE(parse_timeline_steps("").empty());
}

SwitchTimes sample() {
  SwitchTimes t;
  t.target = "6.1.0-57-amd64";
  t.provider_systemd_ms = 7720;
  t.provider_start_ms = 7950;
  t.provider_handover_ms = 9300;
  t.steps = {{"lock", milliseconds{5}}, {"load", milliseconds{1160}}};
  return t;
}

TEST(SwitchTimes, RoundTrips) {
  SwitchTimes t = sample();
  EXPECT_EQ(SwitchTimes::parse(t.serialize()), t);
  t.target_ok_ms = 20100;
  EXPECT_EQ(SwitchTimes::parse(t.serialize()), t);
  EXPECT_NE(t.serialize().find("target_ok_ms=20100\n"), std::string::npos);
}

// A newer writer's key, a damaged value, a line without '=': skipped, the
// rest kept. A reader must never fail on this file.
TEST(SwitchTimes, UnknownKeysAndDamagedValuesAreSkipped) {
  SwitchTimes t = SwitchTimes::parse(
      "# comment\ntarget=6.1.0-57-amd64\nfuture_key=1\nprovider_systemd_ms=77x\ngarbage\n"
      "provider_handover_ms=9300\ntarget_ok_ms=\n");
  EXPECT_EQ(t.target, "6.1.0-57-amd64");
  EXPECT_FALSE(t.provider_systemd_ms);
  EXPECT_EQ(t.provider_handover_ms, 9300);
  EXPECT_FALSE(t.target_ok_ms);
  EXPECT_EQ(SwitchTimes::parse(""), SwitchTimes{});
}

TEST(SwitchTimes, FiguresForStatus) {
  SwitchTimes t = sample();
  t.target_ok_ms = 20100;
  HandOverFigures f = hand_over_figures(t);
  EXPECT_EQ(f.provider_to_systemd_ms, 7720);
  EXPECT_EQ(f.systemd_to_handover_ms, 1580);
  EXPECT_EQ(f.target_to_boot_ok_ms, 20100);
  EXPECT_EQ(describe_hand_over(f),
            "provider 7.720 s to systemd, 1.580 s systemd to hand-over, target 20.100 s to sckl-boot-ok");
  t.provider_systemd_ms.reset();
  f = hand_over_figures(t);
  EXPECT_FALSE(f.systemd_to_handover_ms);
  EXPECT_EQ(describe_hand_over(f), "provider unknown to systemd, unknown systemd to hand-over, target 20.100 s to "
                                   "sckl-boot-ok");
  t.target_ok_ms.reset();
  EXPECT_EQ(describe_hand_over(hand_over_figures(t)), "");
}

// A switch from sckl's init: no systemd ran before it on the provider, so
// its figures are the provider's time to sckl's init and from there to the
// hand-over; the record says which ran it.
TEST(SwitchTimes, FiguresOfASwitchFromScklsInit) {
  SwitchTimes t;
  t.target = "6.1.0-57-amd64";
  t.started_by = SwitchStarter::Init;
  t.provider_start_ms = 6300;
  t.provider_handover_ms = 7449;
  EXPECT_NE(t.serialize().find("started_by=init\n"), std::string::npos);
  EXPECT_EQ(SwitchTimes::parse(t.serialize()), t);
  HandOverFigures f = hand_over_figures(t);
  EXPECT_EQ(f.started_by, SwitchStarter::Init);
  EXPECT_FALSE(f.provider_to_systemd_ms);
  EXPECT_FALSE(f.systemd_to_handover_ms);
  EXPECT_EQ(f.provider_to_start_ms, 6300);
  EXPECT_EQ(f.start_to_handover_ms, 1149);
  EXPECT_EQ(describe_hand_over(f),
            "provider 6.300 s to sckl's init, 1.149 s sckl's init to hand-over, target unknown to sckl-boot-ok");
  t.target_ok_ms = 20100;
  EXPECT_EQ(describe_hand_over(hand_over_figures(t)),
            "provider 6.300 s to sckl's init, 1.149 s sckl's init to hand-over, target 20.100 s to sckl-boot-ok");
  // A clock that went back gives no figure rather than a negative one.
  t.provider_handover_ms = 6000;
  EXPECT_FALSE(hand_over_figures(t).start_to_handover_ms);
  // The record's words: an unknown one is an older or newer writer's, Unknown.
  EXPECT_EQ(SwitchTimes::parse("started_by=generator\n").started_by, SwitchStarter::Generator);
  EXPECT_EQ(SwitchTimes::parse("started_by=initramfs\n").started_by, SwitchStarter::Unknown);
  EXPECT_EQ(SwitchTimes::parse("target=x\n").serialize().find("started_by"), std::string::npos);
  EXPECT_STREQ(switch_starter_name(SwitchStarter::Unknown), "");
}

TEST(SwitchTimes, TheTargetAddsItsTimeOnceAndOnlyToItsOwnRecord) {
  SwitchTimes t = sample();
  auto next = times_after_boot_ok(t, "6.1.0-57-amd64", 20100);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->target_ok_ms, 20100);
  EXPECT_EQ(next->provider_handover_ms, 9300);
  EXPECT_FALSE(times_after_boot_ok(*next, "6.1.0-57-amd64", 30000));  // already there
  EXPECT_FALSE(times_after_boot_ok(t, "6.1.0-58-amd64", 20100));      // another kernel's record
  EXPECT_FALSE(times_after_boot_ok(SwitchTimes{}, "6.1.0-57-amd64", 20100));
}

TEST(KernelLog, SystemdStartFromKlogctlAndDmesgText) {
  const std::string klog =
      "<6>[    0.000000] Linux version 6.1.0-47-cloud-amd64\n"
      "<30>[    7.720512] systemd[1]: systemd 252.39-1~deb12u1 running in system mode (+PAM +AUDIT)\n"
      "<30>[    7.801000] systemd[1]: Detected virtualization qemu.\n";
  EXPECT_EQ(systemd_start_in_kernel_log(klog), 7720);
  EXPECT_EQ(systemd_start_in_kernel_log("[   12.3456] systemd[1]: systemd 257 running in system mode\n"), 12345);
  // The initrd's systemd and the root's: the last one counts.
  EXPECT_EQ(systemd_start_in_kernel_log("<30>[ 1.500000] systemd[1]: systemd 252 running in system mode\n"
                                        "<30>[ 3.250000] systemd[1]: systemd 252 running in system mode\n"),
            3250);
  EXPECT_FALSE(systemd_start_in_kernel_log("systemd[1]: systemd 252 running in system mode\n"));  // no stamps
  EXPECT_FALSE(systemd_start_in_kernel_log("<6>[ 1.0] systemd[1]: systemd 252 running in system mode\n"));
  EXPECT_FALSE(systemd_start_in_kernel_log("<6>[ 2.000000] systemd[1]: Reached target x.\n"));
  EXPECT_FALSE(systemd_start_in_kernel_log(""));
}

}  // namespace
}  // namespace sckl
