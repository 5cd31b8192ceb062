// The early switch end to end on a FakeSystem: what it runs, what it
// records, and when it refuses. kexec is a scripted fake here; nothing in
// the unit tests can switch this machine.
#include "boot/switch.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>

#include "base/paths.h"
#include "base/time_budget.h"
#include "boot/arm.h"
#include "boot/hang_guard.h"
#include "boot/switch_timeline.h"
#include "fake_system.h"
#include "provider_machine.h"
#include "kernel/preflight.h"
#include "log_capture.h"

namespace sckl {
namespace {

using testing::FakeSystem;
using testing::KexecExecuted;
using testing::Machine;

TEST(EarlySwitch, LoadsRecordsAndExecutesTheNewestKernel) {
  Machine m;
  m.add_kernel("6.1.0-9-amd64");  // older by Debian order, newer by string order
  EXPECT_TRUE(m.boot());
  auto load = m.kexec_load_argv();
  ASSERT_FALSE(load.empty());
  // kexec_load(2), without purgatory's checksum (the fast method).
  EXPECT_EQ(load[2], "-c");
  EXPECT_EQ(load[3], "-i");
  EXPECT_EQ(load[4], "/boot/vmlinuz-6.1.0-56-amd64");
  EXPECT_EQ(load[5], "--initrd=/boot/initrd.img-6.1.0-56-amd64");
  EXPECT_EQ(load[6], "--command-line=root=/dev/vda console=ttyS0 panic=10 sckl.boot_timeout=600 sckl.boot=1");
  EXPECT_EQ(m.s.content(paths::kKexecMethod), "kexec_load\n");
  EXPECT_TRUE(m.executed());
  EXPECT_EQ(m.state(), (BootState{"6.1.0-56-amd64", 1, BootResult::Indeterminate}));
  // Root was read-only: made writable for the record only, then read-only again.
  EXPECT_EQ(m.s.remounts, (std::vector<std::string>{"rw /", "ro /"}));
  // The provider's line, for a fast reboot on the target, in the same window.
  EXPECT_EQ(m.s.content(paths::kProviderCmdline), "root=/dev/vda console=ttyS0\n");
}

TEST(EarlySwitch, RootMountedReadWriteIsRemountedReadOnlyBeforeExec) {
  Machine m;
  m.exec_returns = true;
  m.s.put_file("/proc/self/mountinfo", "22 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n");
  auto st = early_switch(m.s);
  EXPECT_FALSE(st.ok());  // the fake exec returned
  ASSERT_FALSE(m.s.remounts.empty());
  // ro before exec, rw again after the failed exec.
  EXPECT_EQ(m.s.remounts, (std::vector<std::string>{"ro /", "rw /"}));
}

// kexec -e syncs every file system itself (kexec-tools: -e is sync, ifdown,
// exec): no `sync` child of its own, and kexec -e is the last thing run.
TEST(EarlySwitch, NoSyncChildKexecESyncsItself) {
  Machine m;
  m.s.put_file("/proc/self/mountinfo", "22 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n");
  EXPECT_TRUE(m.boot());
  for (const auto& c : m.s.commands_run) EXPECT_NE(c[0], "sync");
  ASSERT_FALSE(m.s.commands_run.empty());
  EXPECT_EQ(m.s.commands_run.back(), (std::vector<std::string>{"kexec", "-e"}));
  EXPECT_EQ(m.s.remounts, (std::vector<std::string>{"ro /"}));
}

// At the start of a boot the switch runs ahead of systemd's other
// generators; a daemon-reload's run leaves its priority alone, and a refusal
// of the kernel does not stop the switch.
TEST(EarlySwitch, RunsAheadOfTheOtherGeneratorsOnlyAtTheStartOfABoot) {
  Machine m;
  EXPECT_TRUE(m.boot());
  EXPECT_EQ(m.s.cpu_nice, kSwitchNice);

  Machine reload;
  reload.s.put_file(paths::kJournalSocket, "");
  EXPECT_FALSE(reload.boot());
  EXPECT_FALSE(reload.s.cpu_nice.has_value());

  Machine refused;
  refused.s.nice_errno = EACCES;
  EXPECT_TRUE(refused.boot());
  EXPECT_FALSE(refused.s.cpu_nice.has_value());
}

TEST(EarlySwitch, OncePerBootSoADaemonReloadNeverSwitches) {
  Machine m;
  m.boot();
  m.s.commands_run.clear();
  ASSERT_TRUE(early_switch(m.s).ok());
  EXPECT_TRUE(m.s.commands_run.empty());
}

TEST(EarlySwitch, NeverOnARunningSystemEvenWithoutTheMarker) {
  Machine m;
  m.s.put_file(paths::kJournalSocket, "");  // journald is up: this is a daemon-reload
  ASSERT_TRUE(early_switch(m.s).ok());
  EXPECT_TRUE(m.kexec_load_argv().empty());
  EXPECT_TRUE(m.s.has(paths::kSwitchRan));
}

TEST(SwitchMark, SetOnlyOnABootedSystem) {
  FakeSystem s;
  ASSERT_TRUE(mark_switch_done_if_booted(s, "x").ok());
  EXPECT_FALSE(s.has(paths::kSwitchRan));  // no /run/systemd/system: an image
  s.put_dir("/run/systemd/system");
  ASSERT_TRUE(mark_switch_done_if_booted(s, "installed").ok());
  EXPECT_EQ(s.content(paths::kSwitchRan), "installed\n");
}

TEST(EarlySwitch, LoopGuardOnTheTarget) {
  Machine m;
  m.reboot("root=/dev/vda panic=10 sckl.boot=1\n", "6.1.0-56-amd64");
  ASSERT_TRUE(early_switch(m.s).ok());
  EXPECT_TRUE(m.kexec_load_argv().empty());
  EXPECT_NE(m.s.content(paths::kDecision).find("already the switched one"), std::string::npos);
}

TEST(EarlySwitch, UnconfirmedTargetIsTriedTwiceThenTheProviderStaysAndSaysSo) {
  Machine m;
  m.boot();
  m.reboot();
  m.boot();
  EXPECT_EQ(m.state().attempts, 2);
  m.reboot();
  ASSERT_TRUE(early_switch(m.s).ok());
  EXPECT_TRUE(m.kexec_load_argv().empty());
  EXPECT_EQ(m.state().result, BootResult::Bad);
  EXPECT_NE(m.s.content(paths::kMotd).find("did not confirm 2 boots"), std::string::npos);
  // A newer kernel lands: counting starts again.
  m.add_kernel("6.1.0-57-amd64");
  m.reboot();
  m.boot();
  EXPECT_EQ(m.state(), (BootState{"6.1.0-57-amd64", 1, BootResult::Indeterminate}));
}

// The hang guard through a whole cycle: two switched boots that hang are
// recorded as such, the provider then stays and says the target hung.
TEST(HangGuard, HungTargetIsRecordedResetAndNamedAfterItsTries) {
  Machine m;
  const std::string gen = "/run/systemd/generator";
  const std::string timer = gen + "/sckl-boot-deadline.timer";
  for (int attempt = 1; attempt <= 2; ++attempt) {
    m.reboot();
    EXPECT_TRUE(m.boot()) << attempt;
    // A provider boot arms nothing.
    EXPECT_FALSE(m.s.has(timer));
    std::string line = m.kexec_load_argv().back().substr(std::string("--command-line=").size());
    EXPECT_NE(line.find(" sckl.boot_timeout=600 sckl.boot=" + std::to_string(attempt)), std::string::npos) << line;
    if (attempt == 2) {
      EXPECT_NE(m.s.content(paths::kDecision).find("the target hung (did not reach sckl-boot-ok within 600 s)"),
                std::string::npos)
          << m.s.content(paths::kDecision);
    }
    // The target's boot: the generator arms the deadline; it passes.
    m.reboot(line + "\n", "6.1.0-56-amd64");
    ASSERT_TRUE(write_hang_guard(m.s, gen).ok());
    EXPECT_NE(m.s.content(timer).find("OnStartupSec=600"), std::string::npos);
    ASSERT_TRUE(record_hang(m.s).ok());
    EXPECT_EQ(m.state(), (BootState{"6.1.0-56-amd64", attempt, BootResult::Indeterminate, 600}));
  }
  m.reboot();
  EXPECT_FALSE(m.boot());
  EXPECT_EQ(m.state().result, BootResult::Bad);
  EXPECT_EQ(m.state().hung_after, 600);
  const std::string motd = m.s.content(paths::kMotd);
  EXPECT_NE(motd.find("did not confirm 2 boots in a row (the last time the target hung (did not reach "
                      "sckl-boot-ok within 600 s))"),
            std::string::npos)
      << motd;
  // Every later provider boot says so too.
  m.reboot();
  EXPECT_FALSE(m.boot());
  EXPECT_NE(m.s.content(paths::kMotd).find("the target hung"), std::string::npos);
}

TEST(HangGuard, ConfirmedBootDisarmsAndAConfirmedTargetIsNotArmedAgain) {
  Machine m;
  EXPECT_TRUE(m.boot());
  std::string line = m.kexec_load_argv().back().substr(std::string("--command-line=").size());
  m.reboot(line + "\n", "6.1.0-56-amd64");
  ASSERT_TRUE(write_hang_guard(m.s, "/run/systemd/generator").ok());
  ASSERT_TRUE(confirm_good(m.s, true).ok());
  EXPECT_TRUE(m.s.has(paths::kBootConfirmed));
  // A late deadline run records nothing; a daemon-reload re-arms nothing.
  ASSERT_TRUE(record_hang(m.s).ok());
  EXPECT_EQ(m.state(), (BootState{"6.1.0-56-amd64", 0, BootResult::Good}));
  ASSERT_TRUE(m.s.remove_file("/run/systemd/generator/sckl-boot-deadline.timer").ok());
  ASSERT_TRUE(write_hang_guard(m.s, "/run/systemd/generator").ok());
  EXPECT_FALSE(m.s.has("/run/systemd/generator/sckl-boot-deadline.timer"));
  // The next power-on: the known-good kernel gets no deadline.
  m.reboot();
  EXPECT_TRUE(m.boot());
  EXPECT_EQ(m.kexec_load_argv().back().find("sckl.boot_timeout"), std::string::npos) << m.kexec_load_argv().back();
}

TEST(HangGuard, BootTimeoutZeroPutsNoDeadlineOnTheLine) {
  Machine m;
  m.s.put_file(paths::kConfigFile, "boot_timeout = 0\n");
  EXPECT_TRUE(m.boot());
  std::string line = m.kexec_load_argv().back();
  EXPECT_EQ(line.find("sckl.boot_timeout"), std::string::npos) << line;
  m.reboot(line.substr(std::string("--command-line=").size()) + "\n", "6.1.0-56-amd64");
  ASSERT_TRUE(write_hang_guard(m.s, "/run/systemd/generator").ok());
  EXPECT_FALSE(m.s.has("/run/systemd/generator/sckl-boot-deadline.timer"));
  // sckl hung --boot outside a switched boot is refused.
  m.reboot();
  EXPECT_FALSE(record_hang(m.s).ok());
}

TEST(EarlySwitch, AFailedLoadCostsNoAttemptAndIsReported) {
  Machine m;
  m.kexec_load_exit = 1;
  ASSERT_TRUE(early_switch(m.s).ok());
  EXPECT_FALSE(m.executed());
  EXPECT_EQ(m.state(), BootState{});
  EXPECT_NE(m.s.content(paths::kMotd).find("kexec: load failed"), std::string::npos);
}

// Under lockdown kexec_load is refused by the kernel: the switch goes
// straight to kexec_file_load of the (signed) target and records the method.
TEST(EarlySwitch, UnderLockdownASignedTargetLoadsWithKexecFileLoad) {
  Machine m;
  m.s.put_file("/sys/kernel/security/lockdown", "none [integrity] confidentiality\n");
  m.s.put_file("/boot/vmlinuz-6.1.0-56-amd64", testing::fake_signed_bzimage());
  EXPECT_TRUE(m.boot());
  auto load = m.kexec_load_argv();
  ASSERT_FALSE(load.empty());
  EXPECT_EQ(load[2], "-s");
  for (const auto& c : m.s.commands_run) EXPECT_FALSE(c[0] == "kexec" && c[1] == "-l" && c[2] == "-c");
  EXPECT_EQ(m.state(), (BootState{"6.1.0-56-amd64", 1, BootResult::Indeterminate}));
  EXPECT_EQ(m.s.content(paths::kKexecMethod), "kexec_file_load\n");
  EXPECT_NE(m.s.content(paths::kDecision).find("with kexec_file_load (kexec_load refused by lockdown (integrity))"),
            std::string::npos)
      << m.s.content(paths::kDecision);
}

// Both methods refused: nothing loaded, no attempt, the reason for the
// admin, and the provider's boot goes on.
TEST(EarlySwitch, LockdownRefusingBothMethodsCountsNoAttemptAndSaysWhy) {
  Machine m;
  m.s.put_file("/sys/kernel/security/lockdown", "none [integrity] confidentiality\n");
  m.s.put_file("/boot/vmlinuz-6.1.0-56-amd64", testing::fake_signed_bzimage());
  m.file_load_exit = 255;
  m.file_load_err = "kexec_file_load failed: Operation not permitted\n";
  ASSERT_TRUE(early_switch(m.s).ok());
  EXPECT_FALSE(m.executed());
  EXPECT_EQ(m.state(), BootState{});
  EXPECT_EQ(m.s.nodes.count(paths::kKexecMethod), 0u);
  const std::string motd = m.s.content(paths::kMotd);
  EXPECT_NE(motd.find("kexec_load refused by lockdown (integrity)"), std::string::npos) << motd;
  EXPECT_NE(motd.find("kexec_file_load failed"), std::string::npos) << motd;
  EXPECT_NE(m.s.content(paths::kDecision).find("not switching into 6.1.0-56-amd64"), std::string::npos);
  // An unsigned target under lockdown: not even tried, and said so.
  Machine u;
  u.s.put_file("/sys/kernel/security/lockdown", "none [integrity] confidentiality\n");
  ASSERT_TRUE(early_switch(u.s).ok());
  EXPECT_TRUE(u.kexec_load_argv().empty());
  EXPECT_EQ(u.state(), BootState{});
  EXPECT_NE(u.s.content(paths::kMotd).find("carries no signature"), std::string::npos) << u.s.content(paths::kMotd);
}

// A refusal the facts did not foresee (an LSM): kexec_file_load next; its
// method is tried first on the next boot.
TEST(EarlySwitch, RefusedKexecLoadFallsBackAndIsRememberedForTheNextBoot) {
  Machine m;
  m.kexec_load_exit = 1;
  m.kexec_load_err = "kexec_load failed: Operation not permitted\n";
  m.exec_returns = true;
  (void)early_switch(m.s);
  EXPECT_EQ(m.s.commands_run[0][2], "-c");
  EXPECT_EQ(m.kexec_load_argv()[2], "-c");
  bool file_tried = false;
  for (const auto& c : m.s.commands_run) file_tried |= c[0] == "kexec" && c[1] == "-l" && c[2] == "-s";
  EXPECT_TRUE(file_tried);
  EXPECT_EQ(m.s.content(paths::kKexecMethod), "kexec_file_load\n");
  m.exec_returns = false;
  m.reboot();
  EXPECT_TRUE(m.boot());
  EXPECT_EQ(m.kexec_load_argv()[2], "-s");  // the remembered method first
}

TEST(EarlySwitch, KillSwitchesAndFirstBootPending) {
  struct Case {
    const char* what;
    void (*setup)(Machine&);
  } cases[] = {
      {"sckl.disable", [](Machine& m) { m.s.put_file("/proc/cmdline", "root=/dev/vda sckl.disable\n"); }},
      {"/etc/sckl/disabled", [](Machine& m) { m.s.put_file(paths::kDisabledFlag, ""); }},
      {"autostart", [](Machine& m) { m.s.put_file(paths::kConfigFile, "autostart = no\n"); }},
      {"first-boot", [](Machine& m) { m.s.put_file(paths::kFirstBootPending, ""); }},
  };
  for (const auto& c : cases) {
    Machine m;
    c.setup(m);
    ASSERT_TRUE(early_switch(m.s).ok()) << c.what;
    EXPECT_TRUE(m.kexec_load_argv().empty()) << c.what;
    EXPECT_NE(m.s.content(paths::kDecision).find(c.what), std::string::npos)
        << c.what << ": " << m.s.content(paths::kDecision);
  }
}

TEST(Arm, SettingAsideThisBootsDisableWordKeepsTheLastingReasons) {
  Machine m;
  m.s.put_file("/proc/cmdline", "root=/dev/vda sckl.disable\n");
  auto alone = plan_arm(m.s);
  ASSERT_TRUE(alone.ok()) << alone.error().describe();
  EXPECT_TRUE(alone.value().will_switch) << alone.value().summary;  // the word holds for this boot only
  m.s.put_file(paths::kDisabledFlag, "");
  auto both = plan_arm(m.s);
  ASSERT_TRUE(both.ok());
  EXPECT_FALSE(both.value().will_switch);
  EXPECT_NE(both.value().summary.find(paths::kDisabledFlag), std::string::npos) << both.value().summary;
}

TEST(EarlySwitch, PreflightFailureNeverLoads) {
  Machine m;
  m.s.put_file("/proc/sys/kernel/kexec_load_disabled", "1\n");
  ASSERT_TRUE(early_switch(m.s).ok());
  EXPECT_TRUE(m.kexec_load_argv().empty());
  EXPECT_NE(m.s.content(paths::kMotd).find("kexec_load_disabled"), std::string::npos);
  // This boot's decision says what happened, not what was intended.
  EXPECT_NE(m.s.content(paths::kDecision).find("not switching"), std::string::npos);
  EXPECT_EQ(m.s.content(paths::kDecision).find("switching into"), std::string::npos);
}

TEST(EarlySwitch, DamagedCountStaysOnTheProvider) {
  Machine m;
  m.s.put_file(paths::kBootState, "attempts=lots\n");
  ASSERT_TRUE(early_switch(m.s).ok());
  EXPECT_TRUE(m.kexec_load_argv().empty());
  EXPECT_NE(m.s.content(paths::kMotd).find(paths::kBootState), std::string::npos);
}

// Found by tests/fuzz/switch_view: why switching was off used to be matched
// as text, and a damaged boot-state's message quotes the damaged text. A
// value "autostart" let 'sckl boot' switch over an untrustworthy count; a
// value "sckl.disable" made arm promise a switch for the next boot. (Values:
// an unknown key of plain letters is a newer version's and is ignored.)
TEST(ManualSwitch, DamagedCountRefusesWhateverItsMessageQuotes) {
  Machine m;
  m.s.put_file(paths::kBootState, "result=autostart=yes\n");
  EXPECT_FALSE(manual_switch(m.s).ok());
  EXPECT_TRUE(m.kexec_load_argv().empty());
  m.s.put_file(paths::kBootState, "result=sckl.disable=1\n");
  auto armed = plan_arm(m.s);
  ASSERT_TRUE(armed.ok()) << armed.error().describe();
  EXPECT_FALSE(armed.value().will_switch) << armed.value().summary;
}

// `sckl boot`: the manual switch loads the target, counts the attempt and
// hands over to `systemctl kexec`, which queues the kexec job and returns 0;
// the machine then comes up on the target, where nothing switches again.
TEST(ManualSwitch, HandsOverToSystemctlKexecAndEndsOnTheTarget) {
  Machine m;
  std::string state_at_handover;
  auto inner = m.s.runner;
  m.s.runner = [&](const Command& c) -> Result<ProcessResult> {
    if (c.argv.size() == 2 && c.argv[0] == "systemctl" && c.argv[1] == "kexec") {
      state_at_handover = m.s.content(paths::kBootState);
      return ProcessResult{0, "", ""};
    }
    return inner(c);
  };
  auto st = manual_switch(m.s);
  ASSERT_TRUE(st.ok()) << st.error().describe();
  ASSERT_FALSE(m.kexec_load_argv().empty());
  EXPECT_NE(m.kexec_load_argv().back().find(" sckl.boot=1"), std::string::npos) << m.kexec_load_argv().back();
  EXPECT_NE(state_at_handover.find("attempts=1"), std::string::npos) << state_at_handover;
  EXPECT_EQ(m.state().target, "6.1.0-56-amd64");

  // The target's boot.
  m.reboot("root=/dev/vda panic=10 sckl.boot=1\n", "6.1.0-56-amd64");
  EXPECT_FALSE(m.boot());
  EXPECT_FALSE(m.executed());
  EXPECT_NE(m.s.content(paths::kDecision).find("already the switched one"), std::string::npos);
  EXPECT_EQ(m.state().attempts, 1);
}

// The "torn boot-state" check of the fault test below can fail: with a
// writer that writes in place (FakeSystem::WriteMode::InPlace) a cut-off
// write of boot-state leaves a record load_boot_state refuses.
TEST(EarlySwitch, TornBootStateCheckSeesANonAtomicWriter) {
  int torn = 0;
  for (int n = 1;; ++n) {
    Machine m;
    m.s.write_mode = FakeSystem::WriteMode::InPlace;
    m.s.put_file(paths::kBootState, "target=6.1.0-56-amd64\nattempts=1\nresult=pending\n");
    m.s.fail_call(n, EIO);
    m.boot();
    if (!m.s.fault_hit()) break;
    if (!load_boot_state(m.s).ok()) ++torn;
  }
  EXPECT_GE(torn, 1);
}

TEST(EarlySwitch, MissingProcCmdlineIsAnErrorNamingIt) {
  Machine m;
  m.s.nodes.erase("/proc/cmdline");
  auto st = early_switch(m.s);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("/proc/cmdline"), std::string::npos);
  EXPECT_TRUE(m.kexec_load_argv().empty());
}

TEST(EarlySwitch, ExtraWordsAndClassicNicNamesReachTheCommandLine) {
  Machine m;
  m.s.put_file(paths::kConfigFile, "extra_cmdline = quiet mitigations=auto\nnic_names = classic\n");
  m.s.put_file("/proc/cmdline", "BOOT_IMAGE=/provider root=/dev/vda initrd=/p.img\n");
  m.boot();
  auto load = m.kexec_load_argv();
  ASSERT_FALSE(load.empty());
  EXPECT_EQ(load[6], "--command-line=root=/dev/vda quiet mitigations=auto net.ifnames=0 panic=10 sckl.boot_timeout=600 sckl.boot=1");
}

// Power lost at every call of the switch: the record is whole, and booting
// again (without faults) ends on the target or, after `tries`, on the
// provider kernel.
// The generator holds up the boot: with the state lock held it waits only
// briefly, then does not switch in this boot and says why.
TEST(EarlySwitch, StateLockHeldMeansNoSwitchThisBootAndSaysWho) {
  Machine m;
  m.s.lock_held_by_other = "4711 /etc/kernel/postinst.d/zz-sckl 6.1.0-57-amd64";
  ASSERT_TRUE(early_switch(m.s).ok());
  EXPECT_TRUE(m.s.commands_run.empty());  // no kexec, no remount
  EXPECT_EQ(m.s.locks_taken, 0);
  const std::string decision = m.s.content(paths::kDecision);
  EXPECT_NE(decision.find("not switching in this boot"), std::string::npos) << decision;
  EXPECT_NE(decision.find(paths::kStateLock), std::string::npos) << decision;
  EXPECT_NE(decision.find("pid 4711 (/etc/kernel/postinst.d/zz-sckl 6.1.0-57-amd64)"), std::string::npos);
  EXPECT_NE(m.s.content(paths::kMotd).find("not switching in this boot"), std::string::npos);
  EXPECT_FALSE(m.s.has(paths::kBootState));  // no attempt counted
}

TEST(EarlySwitch, TakesTheStateLockOnceAndHoldsItThroughTheSwitch) {
  Machine m;
  bool held_at_exec = false;
  auto inner = m.s.runner;
  m.s.runner = [&](const Command& c) {
    if (c.argv[0] == "kexec" && c.argv[1] == "-e") held_at_exec = m.s.locks_held == 1;
    return inner(c);
  };
  m.boot();
  EXPECT_TRUE(m.executed());
  EXPECT_TRUE(held_at_exec);
  EXPECT_EQ(m.s.locks_taken, 1);
  EXPECT_EQ(m.s.max_locks_held, 1);
  EXPECT_EQ(m.s.locks_held, 0);  // released when the run ends
}

// A daemon-reload run by a maintainer script that holds the lock must not
// wait for it: the once-per-boot guard comes first.
TEST(EarlySwitch, ADaemonReloadDoesNotWaitForTheLock) {
  Machine m;
  m.s.put_file(paths::kSwitchRan, "installed\n");
  m.s.lock_held_by_other = "4711 postinst configure";
  ASSERT_TRUE(early_switch(m.s).ok());
  EXPECT_EQ(m.s.locks_taken, 0);
  EXPECT_FALSE(m.s.has(paths::kDecision));  // nothing said: this was not a boot
}

TEST(EarlySwitch, FailingEveryCallInTurnStillConverges) {
  int cases = 0;
  for (int n = 1;; ++n) {
    Machine m;
    m.s.fail_call(n, EIO);
    m.boot();
    if (!m.s.fault_hit()) break;
    ++cases;
    auto st = load_boot_state(m.s);
    ASSERT_TRUE(st.ok()) << "torn boot-state after call " << n;
    for (int boot = 0; boot < 4; ++boot) {
      m.reboot();
      m.boot();
    }
    EXPECT_EQ(m.state().result, BootResult::Bad) << "call " << n;
  }
  EXPECT_GT(cases, 20);
  std::printf("figure: early switch fault cases run: %d\n", cases);
}

}  // namespace
}  // namespace sckl

namespace sckl {
namespace {

// Every way the switch can fail after the attempt was recorded and before
// kexec -e: the attempt is taken back, the loaded kernel unloaded, and the
// reason said where the admin looks.
struct LateFailure {
  const char* what;
  std::function<void(Machine&)> arrange;
  const char* said;  // part of the reason in /run/sckl/decision
};

TEST(EarlySwitch, NoAttemptCountsWithoutAKexecAndNoKernelStaysLoaded) {
  const std::vector<LateFailure> cases = {
      {"remount ro fails",
       [](Machine& m) {
         m.s.put_file("/proc/self/mountinfo", "22 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n");
         m.s.remount_fails = [](const std::string&, bool ro) -> Status {
           if (ro) return system_error("cannot remount / read-only", EBUSY);
           return {};
         };
       },
       "cannot make / read-only"},
      {"kexec -e is killed",
       [](Machine& m) {
         auto inner = m.s.runner;
         m.s.runner = [inner](const Command& c) -> Result<ProcessResult> {
           // A sync that hangs inside kexec -e ends so.
           if (c.argv[0] == "kexec" && c.argv[1] == "-e") return Error{"'kexec -e' did not finish within 2 s", ETIMEDOUT, {}};
           return inner(c);
         };
       },
       "did not finish"},
      {"kexec -e returns", [](Machine& m) { m.exec_returns = true; }, "failed"},
      {"remount rw for the record fails",
       [](Machine& m) {
         m.s.remount_fails = [](const std::string&, bool ro) -> Status {
           if (!ro) return system_error("cannot remount / read-write", EACCES);
           return {};
         };
       },
       "cannot record the attempt"},
  };
  for (const auto& c : cases) {
    Machine m;
    // A count from an earlier boot: it must come back exactly.
    const BootState before{"6.1.0-56-amd64", 1, BootResult::Indeterminate};
    ASSERT_TRUE(store_boot_state(m.s, before).ok());
    m.s.remounts.clear();
    c.arrange(m);
    EXPECT_FALSE(m.boot()) << c.what;
    EXPECT_EQ(m.state(), before) << c.what;
    EXPECT_FALSE(m.kexec_load_argv().empty()) << c.what;
    EXPECT_EQ(m.s.commands_run.back(), (std::vector<std::string>{"kexec", "-u"})) << c.what;
    const std::string decision = m.s.content(paths::kDecision);
    EXPECT_NE(decision.find(c.said), std::string::npos) << c.what << ": " << decision;
    EXPECT_NE(m.s.content(paths::kMotd).find(c.said), std::string::npos) << c.what;
  }
}

// When even taking the attempt back fails, the admin is told it still
// counts and how to forget it.
TEST(EarlySwitch, AnAttemptThatCannotBeTakenBackIsNamed) {
  Machine m;
  m.exec_returns = true;
  int remounts_rw = 0;
  m.s.remount_fails = [&](const std::string&, bool ro) -> Status {
    // The first remount rw (for the record) works, the one to undo it not.
    if (!ro && ++remounts_rw > 1) return system_error("cannot remount / read-write", EACCES);
    return {};
  };
  EXPECT_FALSE(m.boot());
  EXPECT_EQ(m.state().attempts, 1);
  const std::string decision = m.s.content(paths::kDecision);
  EXPECT_NE(decision.find("the attempt stays counted"), std::string::npos) << decision;
  EXPECT_NE(decision.find("sckl retry"), std::string::npos) << decision;
}

TEST(EarlySwitch, AKernelThatCannotBeUnloadedIsNamed) {
  Machine m;
  m.exec_returns = true;
  auto inner = m.s.runner;
  m.s.runner = [inner](const Command& c) -> Result<ProcessResult> {
    if (c.argv[0] == "kexec" && c.argv[1] == "-u") return ProcessResult{1, "", "kexec: unload failed"};
    return inner(c);
  };
  EXPECT_FALSE(m.boot());
  EXPECT_NE(m.s.content(paths::kDecision).find("could not be unloaded"), std::string::npos);
}

// The generator's whole run fits in systemd's 90 s: with every child hung
// until its (cut) timeout, the run still ends within the budget plus the
// clean-up's grace.
TEST(EarlySwitch, EveryChildHungTheRunStillFitsSystemdsGeneratorLimit) {
  for (const char* hung : {"kexec -l", "kexec -e", "all"}) {
    Machine m;
    m.s.put_file("/proc/self/mountinfo", "22 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n");
    m.exec_returns = true;
    auto now = std::chrono::steady_clock::time_point{};
    std::chrono::milliseconds longest{0};
    auto inner = m.s.runner;
    const std::string which = hung;
    m.s.runner = [&, inner, which](const Command& c) -> Result<ProcessResult> {
      const std::string name = c.argv[0] == "kexec" ? "kexec " + c.argv[1] : c.argv[0];
      longest = std::max(longest, c.timeout);
      if (which == "all" || which == name) {
        now += c.timeout;  // hangs until killed
        return Error{"'" + name + "' did not finish", ETIMEDOUT, {}};
      }
      now += std::chrono::milliseconds(700);
      return inner(c);
    };
    BudgetedSystem budgeted(m.s, kGeneratorBudget, [&] { return now; });
    (void)early_switch(budgeted);
    EXPECT_LE(longest, std::chrono::milliseconds(kGeneratorBudget)) << hung;
    EXPECT_LT(now - std::chrono::steady_clock::time_point{}, std::chrono::seconds(75)) << hung;
    EXPECT_EQ(m.state(), BootState{}) << hung;  // no kexec, no attempt
  }
}

TEST(TimeBudget, ChildrenAreCutToWhatIsLeftButKeepAGraceForTheCleanUp) {
  FakeSystem s;
  auto now = std::chrono::steady_clock::time_point{};
  std::vector<std::chrono::milliseconds> seen;
  s.runner = [&](const Command& c) -> Result<ProcessResult> {
    seen.push_back(c.timeout);
    return ProcessResult{0, "", ""};
  };
  BudgetedSystem b(s, std::chrono::seconds(60), [&] { return now; });
  (void)b.run(Command({"a"}, std::chrono::seconds(120)));
  now += std::chrono::seconds(50);
  (void)b.run(Command({"b"}, std::chrono::seconds(30)));
  (void)b.run(Command({"c"}, std::chrono::seconds(5)));
  now += std::chrono::seconds(30);
  (void)b.run(Command({"d"}, std::chrono::seconds(30)));
  (void)b.run(Command({"e"}, std::chrono::milliseconds(500)));
  EXPECT_EQ(seen, (std::vector<std::chrono::milliseconds>{std::chrono::seconds(60), std::chrono::seconds(10),
                                                           std::chrono::seconds(5), kBudgetGrace,
                                                           std::chrono::milliseconds(500)}));
}


// The timeline of a switch: one kernel-log line just before kexec -e with
// every step, and the record beside boot-state (switch_timeline.h) that the
// target's first boot completes.
TEST(SwitchTimeline, LoggedBeforeExecAndRecordedWithTheAttempt) {
  Machine m;
  m.s.kernel_log = "<30>[    4.200000] systemd[1]: systemd 252.39-1~deb12u1 running in system mode (+PAM)\n";
  m.s.clock_now = std::chrono::milliseconds{4990};  // the first reading is the start: 5.000 s
  testing::LogCapture log;
  ASSERT_TRUE(m.boot());
  std::string line;
  for (const auto& l : log.lines)
    if (l.starts_with("switch timeline: ")) line = l;
  // Every reading of the fake clock is 10 ms later.
  EXPECT_EQ(line,
            "switch timeline: started at 5.000 s: lock +10 ms, read-view +20, preflight +30, load +40, record +60, "
            "exec +70 (5.070 s); systemd started at 4.200 s")
      << log.text();
  SwitchTimes t = SwitchTimes::parse(m.s.content(paths::kSwitchTimes));
  EXPECT_EQ(t.target, "6.1.0-56-amd64");
  EXPECT_EQ(t.started_by, SwitchStarter::Generator);
  EXPECT_EQ(t.provider_systemd_ms, 4200);
  EXPECT_EQ(t.provider_start_ms, 5000);
  EXPECT_EQ(t.provider_handover_ms, 5050);
  EXPECT_EQ(format_timeline_steps(t.steps), "lock +10 ms, read-view +20, preflight +30, load +40");
  EXPECT_FALSE(t.target_ok_ms);
  // The boot-state record is untouched by it: an older sckl reads it as before.
  EXPECT_EQ(m.s.content(paths::kBootState).find("ms"), std::string::npos);

  // The target's first boot: sckl-boot-ok adds its time, once.
  std::string target_line = m.kexec_load_argv().back().substr(std::string("--command-line=").size());
  m.reboot(target_line + "\n", "6.1.0-56-amd64");
  m.s.clock_now = std::chrono::milliseconds{19990};
  ASSERT_TRUE(confirm_good(m.s, true).ok());
  t = SwitchTimes::parse(m.s.content(paths::kSwitchTimes));
  EXPECT_EQ(t.target_ok_ms, 20000);
  EXPECT_EQ(t.provider_handover_ms, 5050);
  ASSERT_TRUE(confirm_good(m.s, true).ok());
  EXPECT_EQ(SwitchTimes::parse(m.s.content(paths::kSwitchTimes)).target_ok_ms, 20000);
  // An admin's `sckl good` does not touch it.
  ASSERT_TRUE(confirm_good(m.s, false).ok());
  EXPECT_EQ(SwitchTimes::parse(m.s.content(paths::kSwitchTimes)).target_ok_ms, 20000);
}

// Without systemd's line in the kernel log (or no log at all) the switch
// goes on; the record says so by leaving the figure out.
TEST(SwitchTimeline, NoKernelLogNoSystemdFigureButTheSwitchGoesOn) {
  Machine m;
  testing::LogCapture log;
  ASSERT_TRUE(m.boot());
  EXPECT_TRUE(log.contains("; systemd's start not in the kernel log")) << log.text();
  SwitchTimes t = SwitchTimes::parse(m.s.content(paths::kSwitchTimes));
  EXPECT_FALSE(t.provider_systemd_ms);
  EXPECT_TRUE(t.provider_handover_ms);
}

// The timeline is a figure: its write failing must not stop or undo the
// switch (the count is what matters).
TEST(SwitchTimeline, AFailedTimelineWriteDoesNotStopTheSwitch) {
  Machine m;
  m.s.put_dir(paths::kSwitchTimes);  // write_file refuses to replace a directory
  testing::LogCapture log;
  EXPECT_TRUE(m.boot());
  EXPECT_TRUE(log.contains("the switch's timeline was not recorded")) << log.text();
  EXPECT_EQ(m.state(), (BootState{"6.1.0-56-amd64", 1, BootResult::Indeterminate}));
}

// The preflight reads the image's head, not the whole image (kexec reads it).
TEST(SwitchTimeline, PreflightTakesTheImageSizeFromStatAndReadsItsHead) {
  Machine m;
  std::string big = testing::fake_bzimage() + std::string(1 << 20, 'x');
  m.s.put_file("/boot/vmlinuz-6.1.0-56-amd64", big);
  auto view = read_switch_view(m.s);
  ASSERT_TRUE(view.ok());
  auto facts = gather_preflight_facts(m.s, view.value().target, 100);
  ASSERT_TRUE(facts.ok());
  EXPECT_EQ(facts.value().image_size, big.size());
  EXPECT_EQ(facts.value().image_head.size(), kImageHeadBytes);
  EXPECT_EQ(facts.value().image_head, big.substr(0, kImageHeadBytes));
}

}  // namespace
}  // namespace sckl
