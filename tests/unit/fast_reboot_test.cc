// Fast reboot (fast_reboot.h): the decision as a function of the view, and
// both steps on a FakeSystem: what they load, count, record and execute.
// kexec is a scripted fake; nothing here can reboot this machine.
#include "boot/fast_reboot.h"

#include <gtest/gtest.h>

#include "base/paths.h"
#include "boot/arm.h"
#include "fake_system.h"

namespace sckl {
namespace {

using testing::FakeSystem;

constexpr const char* kProviderLine = "root=/dev/vda console=ttyS0 BOOT_IMAGE=/provider/vmlinuz";
constexpr const char* kTargetLine = "root=/dev/vda console=ttyS0 panic=10 sckl.boot=1";
constexpr const char* kRebootJobs = "  93 reboot.target  start waiting\n 101 systemd-reboot.service start waiting\n";

// A target boot (sckl.boot=1) of 6.1.0-56-amd64, confirmed good, during a
// shutdown: `jobs` is what systemctl list-jobs answers.
struct Target {
  FakeSystem s;
  std::string jobs = kRebootJobs;
  int kexec_load_exit = 0;

  Target() {
    s.put_file("/proc/cmdline", std::string(kTargetLine) + "\n");
    s.put_file("/proc/sys/kernel/osrelease", "6.1.0-56-amd64\n");
    s.put_file("/proc/sys/kernel/kexec_load_disabled", "0\n");
    s.put_file("/sys/kernel/kexec_loaded", "0\n");
    s.put_file("/proc/meminfo", "MemAvailable:     800000 kB\n");
    s.put_file("/proc/self/mountinfo", "22 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n");
    add_kernel("6.1.0-56-amd64");
    s.put_dir("/run");
    s.put_dir("/etc/sckl");
    s.put_file(paths::kConfigFile, "fast_reboot = yes\n");
    s.put_file(paths::kBootState, BootState{"6.1.0-56-amd64", 0, BootResult::Good}.serialize());
    s.put_file(paths::kProviderCmdline, std::string(kProviderLine) + "\n");
    s.runner = [this](const Command& c) -> Result<ProcessResult> {
      if (c.argv[0] == "systemctl" && c.argv[1] == "list-jobs") return ProcessResult{0, jobs, ""};
      if (c.argv[0] == "kexec" && c.argv[1] == "-l") {
        if (kexec_load_exit == 0) s.put_file("/sys/kernel/kexec_loaded", "1\n");
        return ProcessResult{kexec_load_exit, "", kexec_load_exit ? "kexec: load failed" : ""};
      }
      if (c.argv[0] == "kexec" && c.argv[1] == "-u") {
        s.put_file("/sys/kernel/kexec_loaded", "0\n");
        return ProcessResult{0, "", ""};
      }
      // A real kexec -e never returns; the fake "fails" so that the test goes on.
      if (c.argv[0] == "kexec" && c.argv[1] == "-e") return ProcessResult{1, "", "kexec: exec failed"};
      return ProcessResult{127, "", "not found"};
    };
  }
  void add_kernel(const std::string& v) {
    s.put_file("/boot/vmlinuz-" + v, testing::fake_bzimage());
    s.put_file("/boot/initrd.img-" + v, "initrd");
    s.put_dir("/lib/modules/" + v);
  }
  std::vector<std::string> ran(const std::string& program, const std::string& arg) const {
    for (const auto& c : s.commands_run)
      if (c.size() > 1 && c[0] == program && c[1] == arg) return c;
    return {};
  }
  BootState state() {
    auto st = load_boot_state(s);
    EXPECT_TRUE(st.ok());
    return st.ok() ? st.value() : BootState{};
  }
  FastRebootPlan plan() {
    auto v = read_switch_view(s);
    EXPECT_TRUE(v.ok()) << (v.ok() ? "" : v.error().describe());
    return v.ok() ? plan_fast_reboot(v.value()) : FastRebootPlan{};
  }
};

TEST(FastRebootPlan, ArmedOnAGoodTargetWithFastRebootOn) {
  Target t;
  auto p = t.plan();
  EXPECT_TRUE(p.enabled);
  EXPECT_TRUE(p.armed) << p.summary;
  EXPECT_EQ(p.decision.attempt, 1);
  EXPECT_EQ(p.decision.next_state, (BootState{"6.1.0-56-amd64", 1, BootResult::Indeterminate}));
  EXPECT_NE(p.summary.find("straight into 6.1.0-56-amd64"), std::string::npos) << p.summary;
}

TEST(FastRebootPlan, OffByDefault) {
  Target t;
  t.s.put_file(paths::kConfigFile, "tries = 2\n");
  auto p = t.plan();
  EXPECT_FALSE(p.enabled);
  EXPECT_FALSE(p.armed);
  EXPECT_NE(p.summary.find("fast_reboot is off"), std::string::npos) << p.summary;
}

TEST(FastRebootPlan, NotOnTheProvidersKernel) {
  Target t;
  t.s.put_file("/proc/cmdline", std::string(kProviderLine) + "\n");
  t.s.put_file("/proc/sys/kernel/osrelease", "6.1.0-47-cloud-amd64\n");
  auto p = t.plan();
  EXPECT_FALSE(p.armed);
  EXPECT_NE(p.summary.find("provider's kernel"), std::string::npos) << p.summary;
}

TEST(FastRebootPlan, EveryKillSwitchSendsTheRebootThroughTheProvider) {
  {
    Target t;
    t.s.put_file(paths::kDisabledFlag, "");
    EXPECT_FALSE(t.plan().armed);
  }
  {
    Target t;
    t.s.put_file(paths::kConfigFile, "fast_reboot = yes\nautostart = no\n");
    auto p = t.plan();
    EXPECT_FALSE(p.armed);
    EXPECT_NE(p.summary.find("autostart"), std::string::npos) << p.summary;
  }
  {
    Target t;
    t.s.put_file("/proc/cmdline", std::string(kTargetLine) + " sckl.disable\n");
    EXPECT_FALSE(t.plan().armed);
  }
  {
    Target t;
    t.s.put_file(paths::kBootState, "target=6.1.0-56-amd64\nattempts=x\n");
    EXPECT_FALSE(t.plan().armed);
  }
}

TEST(FastRebootPlan, ANewTargetIsAttemptOneOfItsOwnCount) {
  Target t;
  t.add_kernel("6.1.0-57-amd64");  // installed on the target; newest now
  auto p = t.plan();
  ASSERT_TRUE(p.armed) << p.summary;
  EXPECT_EQ(p.decision.next_state, (BootState{"6.1.0-57-amd64", 1, BootResult::Indeterminate}));
}

TEST(FastRebootPlan, ATargetThatUsedUpItsTriesIsMarkedBadAndNotLoaded) {
  Target t;
  t.s.put_file(paths::kBootState, BootState{"6.1.0-56-amd64", 2, BootResult::Indeterminate}.serialize());
  auto p = t.plan();
  EXPECT_FALSE(p.armed);
  EXPECT_TRUE(p.decision.state_changed);
  EXPECT_EQ(p.decision.next_state.result, BootResult::Bad);
}

TEST(FastReboot, RebootJobIsReadFromListJobs) {
  EXPECT_TRUE(reboot_job_queued(kRebootJobs));
  EXPECT_TRUE(reboot_job_queued("1 reboot.target start waiting"));
  EXPECT_FALSE(reboot_job_queued(""));
  EXPECT_FALSE(reboot_job_queued("  88 poweroff.target start waiting\n  90 systemd-poweroff.service start waiting\n"));
  EXPECT_FALSE(reboot_job_queued("  77 kexec.target start waiting\n"));
  EXPECT_FALSE(reboot_job_queued("  5 reboot.target stop waiting\n"));
}

TEST(FastReboot, LoadDoesNothingWithoutARebootUnderWay) {
  Target t;
  t.jobs = "  88 poweroff.target start waiting\n";
  ASSERT_TRUE(fast_reboot_load(t.s).ok());
  EXPECT_TRUE(t.ran("kexec", "-l").empty());
  EXPECT_FALSE(t.s.has(paths::kFastRebootLoaded));
  EXPECT_EQ(t.state(), (BootState{"6.1.0-56-amd64", 0, BootResult::Good}));
}

TEST(FastReboot, LoadUsesTheProvidersRecordedLineCountsAndRecords) {
  Target t;
  // An extra word in this boot's line that the admin took out of
  // extra_cmdline since: it must not come back.
  t.s.put_file("/proc/cmdline", "root=/dev/vda console=ttyS0 quiet panic=10 sckl.boot=1\n");
  t.s.put_file(paths::kConfigFile, "fast_reboot = yes\nextra_cmdline = mitigations=auto\n");
  ASSERT_TRUE(fast_reboot_load(t.s).ok());
  auto load = t.ran("kexec", "-l");
  ASSERT_EQ(load.size(), 7u);
  EXPECT_EQ(load[2], "-c");
  EXPECT_EQ(load[3], "-i");
  EXPECT_EQ(load[4], "/boot/vmlinuz-6.1.0-56-amd64");
  EXPECT_EQ(load[5], "--initrd=/boot/initrd.img-6.1.0-56-amd64");
  EXPECT_EQ(load[6], "--command-line=root=/dev/vda console=ttyS0 mitigations=auto panic=10 sckl.boot=1");
  EXPECT_EQ(t.state(), (BootState{"6.1.0-56-amd64", 1, BootResult::Indeterminate}));
  EXPECT_EQ(t.s.content(paths::kKexecMethod), "kexec_load\n");
  EXPECT_EQ(t.s.content(paths::kFastRebootLoaded), "6.1.0-56-amd64\n");
  auto loaded = fast_reboot_loaded(t.s);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded.value(), "6.1.0-56-amd64");
}

TEST(FastReboot, WithoutARecordTheLineIsRebuiltFromThisBoots) {
  Target t;
  ASSERT_TRUE(t.s.remove_file(paths::kProviderCmdline).ok());
  t.s.put_file(paths::kBootState, BootState{"6.1.0-56-amd64", 1, BootResult::Indeterminate}.serialize());
  ASSERT_TRUE(fast_reboot_load(t.s).ok());
  auto load = t.ran("kexec", "-l");
  ASSERT_EQ(load.size(), 7u);
  // sckl's own words are replaced, not repeated; the attempt goes on.
  EXPECT_EQ(load[6], "--command-line=root=/dev/vda console=ttyS0 panic=10 sckl.boot_timeout=600 sckl.boot=2");
  EXPECT_EQ(t.state(), (BootState{"6.1.0-56-amd64", 2, BootResult::Indeterminate}));
}

TEST(FastReboot, AKernelThatDoesNotLoadCostsNoAttempt) {
  Target t;
  t.kexec_load_exit = 1;
  EXPECT_FALSE(fast_reboot_load(t.s).ok());
  EXPECT_EQ(t.state(), (BootState{"6.1.0-56-amd64", 0, BootResult::Good}));
  EXPECT_FALSE(t.s.has(paths::kFastRebootLoaded));
}

TEST(FastReboot, NotArmedUnloadsAnEarlierLoadAndRecordsABadTarget) {
  Target t;
  ASSERT_TRUE(fast_reboot_load(t.s).ok());  // a reboot that was then cancelled
  t.s.put_file(paths::kBootState, BootState{"6.1.0-56-amd64", 2, BootResult::Indeterminate}.serialize());
  t.s.commands_run.clear();
  ASSERT_TRUE(fast_reboot_load(t.s).ok());
  EXPECT_TRUE(t.ran("kexec", "-l").empty());
  EXPECT_FALSE(t.ran("kexec", "-u").empty());
  EXPECT_FALSE(t.s.has(paths::kFastRebootLoaded));
  EXPECT_EQ(t.state().result, BootResult::Bad);
}

TEST(FastReboot, ExecOnlyOnRebootAndOnlyWhatSckLoaded) {
  Target t;
  ASSERT_TRUE(fast_reboot_exec(t.s, "reboot").ok());  // nothing loaded: the reboot goes on
  EXPECT_TRUE(t.ran("kexec", "-e").empty());
  t.s.put_file("/sys/kernel/kexec_loaded", "1\n");   // loaded by someone else
  ASSERT_TRUE(fast_reboot_exec(t.s, "reboot").ok());
  EXPECT_TRUE(t.ran("kexec", "-e").empty());
  ASSERT_TRUE(fast_reboot_load(t.s).ok());
  for (const char* action : {"poweroff", "halt", "kexec"}) {
    ASSERT_TRUE(fast_reboot_exec(t.s, action).ok());
    EXPECT_TRUE(t.ran("kexec", "-e").empty()) << action;
  }
  EXPECT_FALSE(fast_reboot_exec(t.s, "reboot").ok());  // the fake exec returns
  EXPECT_FALSE(t.ran("kexec", "-e").empty());
}

TEST(FastReboot, ArmForgetsALoadedKernel) {
  Target t;
  ASSERT_TRUE(fast_reboot_load(t.s).ok());
  t.add_kernel("6.1.0-57-amd64");  // a kernel hook runs arm
  ASSERT_TRUE(arm(t.s).ok());
  EXPECT_FALSE(t.ran("kexec", "-u").empty());
  EXPECT_FALSE(t.s.has(paths::kFastRebootLoaded));
  auto loaded = fast_reboot_loaded(t.s);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded.value(), "");
}

}  // namespace
}  // namespace sckl
