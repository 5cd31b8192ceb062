#include "boot/boot_state.h"

#include <gtest/gtest.h>

namespace sckl {
namespace {

SwitchFacts facts(const std::string& target = "6.1.0-56-amd64") {
  SwitchFacts f;
  f.running_version = "6.1.0-47-cloud-amd64";
  f.target = target;
  f.tries = 2;
  return f;
}

TEST(BootState, RoundTripsAndRejectsDamage) {
  BootState s{"6.1.0-56-amd64", 2, BootResult::Indeterminate};
  auto back = BootState::parse(s.serialize(), "boot-state");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back.value(), s);
  EXPECT_TRUE(BootState::parse("", "f").ok());
  EXPECT_FALSE(BootState::parse("attempts=x\n", "f").ok());
  EXPECT_FALSE(BootState::parse("attempts=99999\n", "f").ok());
  EXPECT_FALSE(BootState::parse("result=great\n", "f").ok());
  EXPECT_FALSE(BootState::parse("target=../x y\n", "f").ok());
  EXPECT_FALSE(BootState::parse("Bad Key=1\n", "f").ok());
  // A newer version's key is ignored (a downgrade keeps counting).
  auto newer = BootState::parse("target=6.1.0-56-amd64\nattempts=1\nresult=good\nhanded_over_ms=1500\n", "f");
  ASSERT_TRUE(newer.ok());
  EXPECT_EQ(newer.value(), (BootState{"6.1.0-56-amd64", 1, BootResult::Good}));
  auto junk = BootState::parse("\x01\x02garbage", "/var/lib/sckl/boot-state");
  ASSERT_FALSE(junk.ok());
  EXPECT_NE(junk.error().message.find("/var/lib/sckl/boot-state line 1"), std::string::npos);
}

TEST(BootState, HungAfterIsKeptOnlyWhenSet) {
  BootState s{"6.1.0-56-amd64", 1, BootResult::Indeterminate, 60};
  EXPECT_NE(s.serialize().find("hung_after=60\n"), std::string::npos);
  auto back = BootState::parse(s.serialize(), "boot-state");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back.value(), s);
  EXPECT_EQ(BootState{}.serialize().find("hung_after"), std::string::npos);
  EXPECT_FALSE(BootState::parse("hung_after=soon\n", "f").ok());
  EXPECT_EQ(hang_note(s), "the target hung (did not reach sckl-boot-ok within 60 s)");
  EXPECT_EQ(hang_note(BootState{}), "");
}

TEST(DecideSwitch, AHangIsNamedAndANewAttemptForgetsIt) {
  BootState hung{"6.1.0-56-amd64", 1, BootResult::Indeterminate, 60};
  auto d = decide_switch(hung, facts());
  EXPECT_TRUE(d.do_switch);
  EXPECT_NE(d.reason.find("the target hung"), std::string::npos) << d.reason;
  EXPECT_EQ(d.next_state, (BootState{"6.1.0-56-amd64", 2, BootResult::Indeterminate}));
  hung.attempts = 2;
  auto stay = decide_switch(hung, facts());
  EXPECT_FALSE(stay.do_switch);
  EXPECT_EQ(stay.next_state.result, BootResult::Bad);
  EXPECT_EQ(stay.next_state.hung_after, 60);
  EXPECT_NE(stay.reason.find("the target hung (did not reach sckl-boot-ok within 60 s)"), std::string::npos);
  auto later = decide_switch(stay.next_state, facts());
  EXPECT_NE(later.reason.find("is marked bad (the target hung"), std::string::npos) << later.reason;
}

TEST(DecideSwitch, FirstBootSwitchesAsAttemptOne) {
  auto d = decide_switch(BootState{}, facts());
  EXPECT_TRUE(d.do_switch);
  EXPECT_EQ(d.attempt, 1);
  EXPECT_EQ(d.next_state, (BootState{"6.1.0-56-amd64", 1, BootResult::Indeterminate}));
}

TEST(DecideSwitch, UnconfirmedBootsCountUpThenStayOnProvider) {
  BootState s;
  auto d1 = decide_switch(s, facts());
  ASSERT_TRUE(d1.do_switch);
  auto d2 = decide_switch(d1.next_state, facts());  // the target never confirmed
  ASSERT_TRUE(d2.do_switch);
  EXPECT_EQ(d2.attempt, 2);
  auto d3 = decide_switch(d2.next_state, facts());
  EXPECT_FALSE(d3.do_switch);
  EXPECT_EQ(d3.next_state.result, BootResult::Bad);
  EXPECT_TRUE(d3.state_changed);
  EXPECT_NE(d3.reason.find("did not confirm 2 boots"), std::string::npos);
  auto d4 = decide_switch(d3.next_state, facts());  // stays bad, no more writes
  EXPECT_FALSE(d4.do_switch);
  EXPECT_FALSE(d4.state_changed);
  EXPECT_NE(d4.reason.find("marked bad"), std::string::npos);
}

TEST(DecideSwitch, AConfirmedBootStartsTheCountAgain) {
  auto d1 = decide_switch(BootState{}, facts());
  BootState good = mark_good(d1.next_state, "6.1.0-56-amd64");
  EXPECT_EQ(good, (BootState{"6.1.0-56-amd64", 0, BootResult::Good}));
  for (int boot = 0; boot < 5; ++boot) {
    auto d = decide_switch(good, facts());
    ASSERT_TRUE(d.do_switch);
    EXPECT_EQ(d.attempt, 1);
    good = mark_good(d.next_state, "6.1.0-56-amd64");
  }
}

TEST(DecideSwitch, ANewTargetResetsTheCountEvenAfterBad) {
  BootState bad{"6.1.0-47-amd64", 2, BootResult::Bad};
  auto d = decide_switch(bad, facts("6.1.0-56-amd64"));
  EXPECT_TRUE(d.do_switch);
  EXPECT_EQ(d.attempt, 1);
}

TEST(DecideSwitch, TriesOfOneStopsAfterTheFirstFailure) {
  auto f = facts();
  f.tries = 1;
  auto d1 = decide_switch(BootState{}, f);
  ASSERT_TRUE(d1.do_switch);
  EXPECT_FALSE(decide_switch(d1.next_state, f).do_switch);
}

TEST(DecideSwitch, LoopGuardDisabledNoTargetAlreadyRunning) {
  auto f = facts();
  f.marker_on_cmdline = true;
  EXPECT_FALSE(decide_switch(BootState{}, f).do_switch);
  f = facts();
  f.disabled = true;
  f.disabled_why = "sckl.disable on the kernel command line";
  auto d = decide_switch(BootState{}, f);
  EXPECT_FALSE(d.do_switch);
  EXPECT_NE(d.reason.find("sckl.disable"), std::string::npos);
  f = facts("");
  f.no_target_why = "no kernel installed";
  EXPECT_FALSE(decide_switch(BootState{}, f).do_switch);
  f = facts("6.1.0-47-cloud-amd64");
  EXPECT_FALSE(decide_switch(BootState{}, f).do_switch);
  for (auto* fx : {&f}) EXPECT_FALSE(decide_switch(BootState{}, *fx).state_changed);
}

TEST(DecideSwitch, ManualBadAndRetry) {
  BootState s = mark_bad(BootState{}, "6.1.0-56-amd64");
  EXPECT_FALSE(decide_switch(s, facts()).do_switch);
  s = mark_good(s, "6.1.0-56-amd64");  // 'sckl retry' / 'sckl good'
  EXPECT_TRUE(decide_switch(s, facts()).do_switch);
}

// A crash at any point of a boot: the state on disk is either the one
// before the decision or the one after (atomic writer); from either, the
// next boots still end on the target or, after `tries`, on the provider.
TEST(DecideSwitch, CrashBetweenStepsStillConverges) {
  auto f = facts();
  BootState on_disk;
  int switches = 0;
  // Every boot crashes after writing the state and before confirming.
  for (int boot = 0; boot < 10; ++boot) {
    auto d = decide_switch(on_disk, f);
    if (d.state_changed) on_disk = d.next_state;
    if (d.do_switch) ++switches;
  }
  EXPECT_EQ(switches, f.tries);
  EXPECT_EQ(on_disk.result, BootResult::Bad);
}

}  // namespace
}  // namespace sckl
