// sckl's init (boot/init_shim.h): its verdicts, the kernel file systems it
// mounts, the switch it runs on a FakeSystem with a fault at every step, and
// PID 1's part (the child that may crash, throw or hang; the exec of the
// next init) in forked children of this test. Nothing here runs as PID 1,
// mounts anything or can switch this machine.
#include "boot/init_shim.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <iostream>
#include <thread>

#include "base/paths.h"
#include "boot/generator_guard.h"
#include "boot/switch_timeline.h"
#include "formats/config.h"
#include "log_capture.h"
#include "provider_machine.h"

namespace sckl {
namespace {

using testing::FakeSystem;
using testing::Machine;
using testing::LogCapture;

std::vector<std::string> paths_of(const std::vector<ApiMount>& mounts) {
  std::vector<std::string> p;
  for (const auto& m : mounts) p.push_back(m.path);
  return p;
}

TEST(InitShimMounts, MountsWhatSystemdWouldAndKeepsWhatIsThere) {
  EXPECT_EQ(paths_of(missing_api_mounts({})), (std::vector<std::string>{"/proc", "/sys", "/dev", "/run"}));
  // An initramfs moved its /proc, /sys, /dev and /run into the root.
  EXPECT_TRUE(missing_api_mounts({"/", "/proc", "/sys", "/dev", "/run"}).empty());
  // The kernel's own devtmpfs (CONFIG_DEVTMPFS_MOUNT) is kept.
  EXPECT_EQ(paths_of(missing_api_mounts({"/", "/dev"})), (std::vector<std::string>{"/proc", "/sys", "/run"}));
  // Options as systemd's mount-setup.c has them: /dev allows devices, /run
  // is no place for programs.
  for (const auto& m : shim_api_mounts()) {
    EXPECT_TRUE(m.nosuid) << m.path;
    if (m.path == "/dev") {
      EXPECT_FALSE(m.nodev);
    }
    if (m.path == "/run") {
      EXPECT_EQ(m.options, "mode=0755,size=20%,nr_inodes=800k");
    }
  }
}

ShimFacts switching_facts() {
  ShimFacts f;
  f.option = "yes";
  f.pid_namespace = kInitialPidNamespace;
  return f;
}

TEST(InitShimVerdict, SwitchesOnlyWhenAskedOnTheBootedSystem) {
  EXPECT_TRUE(judge_init_shim_run(switching_facts()).may_switch);

  ShimFacts off = switching_facts();
  off.option.reset();
  EXPECT_NE(judge_init_shim_run(off).reason.find("init_shim is not yes"), std::string::npos);
  off.option = "no";
  EXPECT_FALSE(judge_init_shim_run(off).may_switch);

  ShimFacts damaged = switching_facts();
  damaged.config_error = "/etc/sckl/sckl.conf:3: not 'key = value'";
  EXPECT_NE(judge_init_shim_run(damaged).reason.find("sckl.conf:3"), std::string::npos);

  ShimFacts initrd = switching_facts();
  initrd.initrd_release = true;
  EXPECT_NE(judge_init_shim_run(initrd).reason.find("initrd"), std::string::npos);

  ShimFacts unknown = switching_facts();
  unknown.pid_namespace.reset();
  unknown.pid_namespace_error = "cannot read /proc/self/ns/pid";
  EXPECT_NE(judge_init_shim_run(unknown).reason.find("cannot tell"), std::string::npos);

  ShimFacts container = switching_facts();
  container.pid_namespace = "pid:[4026532201]";
  EXPECT_NE(judge_init_shim_run(container).reason.find("container"), std::string::npos);
}

// A provider boot that reached sckl's init: the root only (the kernel
// mounted it), no /proc, /sys, /dev, /run mounts.
struct ShimBoot : Machine {
  explicit ShimBoot(const std::string& option = "yes") {
    s.put_file(paths::kConfigFile, ConfigFile::default_text() + "init_shim = " + option + "\n");
    s.nodes.erase("/proc/self/mountinfo");
    s.put_file("/proc/cmdline", "root=/dev/vda console=ttyS0 init=/usr/lib/sckl/init\n");
    s.put_link(paths::kOwnPidNamespace, kInitialPidNamespace);
  }
  // true when it reached kexec -e and the target ran. (The fake kexec -e
  // throws, and the child's barrier catches that like any throw.)
  bool shim(int* code = nullptr) {
    int c = init_shim_switch(s, std::chrono::milliseconds(2000));
    if (code) *code = c;
    return executed();
  }
};

TEST(InitShimSwitch, MountsThenSwitchesAndTheTargetBootsWithoutIt) {
  ShimBoot m;
  EXPECT_TRUE(m.shim());
  EXPECT_EQ(paths_of(m.s.api_mounts), (std::vector<std::string>{"/proc", "/sys", "/dev", "/run"}));
  auto load = m.kexec_load_argv();
  ASSERT_FALSE(load.empty());
  // The target runs its own init: init= of the provider's line is dropped.
  EXPECT_EQ(load[6], "--command-line=root=/dev/vda console=ttyS0 panic=10 sckl.boot_timeout=600 sckl.boot=1");
  EXPECT_EQ(m.state().attempts, 1);
  // The generator, later in this boot if the switch had not happened, finds
  // the once-per-boot mark in the /run the shim mounted.
  EXPECT_TRUE(m.s.has(paths::kSwitchRan));
  // The record says sckl's init ran it (sckl status shows its figures).
  EXPECT_EQ(SwitchTimes::parse(m.s.content(paths::kSwitchTimes)).started_by, SwitchStarter::Init);
}

TEST(InitShimSwitch, AnotherInitOnTheLineIsKept) {
  Machine m;
  m.s.put_file("/proc/cmdline", "root=/dev/vda init=/bin/bash\n");
  auto view = read_switch_view(m.s);
  ASSERT_TRUE(view.ok());
  auto line = target_cmdline(view.value(), 1);
  ASSERT_TRUE(line.ok());
  EXPECT_NE(line.value().find("init=/bin/bash"), std::string::npos);
}

TEST(InitShimSwitch, OffChangesNothingInTheBoot) {
  ShimBoot m("no");
  LogCapture log;
  int code = -1;
  EXPECT_FALSE(m.shim(&code));
  EXPECT_EQ(code, 0);
  EXPECT_TRUE(m.s.api_mounts.empty());
  EXPECT_TRUE(m.s.commands_run.empty());
  EXPECT_FALSE(m.s.has(paths::kSwitchRan));
  EXPECT_NE(log.text().find("init_shim is not yes"), std::string::npos);
}

TEST(InitShimSwitch, KeepsTheMountsItFinds) {
  ShimBoot m;
  m.s.put_file("/proc/self/mountinfo",
               "22 1 254:0 / / ro,relatime - ext4 /dev/vda rw\n"
               "23 22 0:5 / /dev rw,nosuid - devtmpfs udev rw\n"
               "24 22 0:22 / /proc rw - proc proc rw\n");
  EXPECT_TRUE(m.shim());
  EXPECT_EQ(paths_of(m.s.api_mounts), (std::vector<std::string>{"/sys", "/run"}));
}

TEST(InitShimSwitch, AKernelDevtmpfsFoundOnceProcIsMountedIsKept) {
  ShimBoot m;
  m.s.mountinfo_before_proc = "22 1 254:0 / / ro,relatime - ext4 /dev/vda rw\n"
                              "23 22 0:5 / /dev rw,nosuid - devtmpfs devtmpfs rw\n";
  EXPECT_TRUE(m.shim());
  EXPECT_EQ(paths_of(m.s.api_mounts), (std::vector<std::string>{"/proc", "/sys", "/run"}));
  // With the root's line there, the record made / writable and took it back.
  EXPECT_EQ(m.s.remounts, (std::vector<std::string>{"rw /", "ro /"}));
}

TEST(InitShimSwitch, AMountRefusedMeansNoSwitchAndTheGeneratorMayTry) {
  ShimBoot m;
  m.s.mount_errno = EPERM;
  LogCapture log;
  int code = -1;
  EXPECT_FALSE(m.shim(&code));
  EXPECT_EQ(code, 1);
  EXPECT_TRUE(m.s.commands_run.empty());
  EXPECT_EQ(m.state().attempts, 0);
  EXPECT_NE(log.text().find("cannot mount proc on /proc"), std::string::npos);
}

TEST(InitShimSwitch, NeverInAContainer) {
  ShimBoot m;
  m.s.put_link(paths::kOwnPidNamespace, "pid:[4026532201]");
  int code = -1;
  EXPECT_FALSE(m.shim(&code));
  EXPECT_EQ(code, 0);
  EXPECT_TRUE(m.s.commands_run.empty());
}

TEST(InitShimSwitch, OnTheTargetItDoesNotSwitchAgain) {
  ShimBoot m;
  ASSERT_TRUE(m.shim());
  // Had the admin kept init= for the target too: the loop guard holds.
  m.reboot("root=/dev/vda console=ttyS0 init=/usr/lib/sckl/init sckl.boot=1\n", "6.1.0-56-amd64");
  EXPECT_FALSE(m.shim());
  EXPECT_FALSE(m.executed());
}

// Fault injection at every System call of the shim's switch: whatever
// fails, the child returns (it never throws past its barrier), the count
// moves by at most one and never without a kexec -e, and PID 1 goes on
// with the next init (run_switch_child below).
TEST(InitShimSwitch, AFaultAtEveryStepEndsInTheNormalBoot) {
  int calls = 0;
  {
    ShimBoot clean;
    clean.s.fail_call(1000000, EIO);
    ASSERT_TRUE(clean.shim());
    calls = clean.s.calls();
  }
  ASSERT_GT(calls, 20);
  std::cout << "figure: init shim fault cases run: " << calls << "\n";
  for (int n = 1; n <= calls; ++n) {
    ShimBoot m;
    m.s.fail_call(n, EIO);
    LogCapture log;
    int code = -1;
    bool switched = false;
    EXPECT_NO_THROW(switched = m.shim(&code)) << "fault at call " << n;
    if (switched) continue;  // the fault hit something the switch may go on without
    EXPECT_TRUE(code == 0 || code == 1) << "fault at call " << n;
    auto st = load_boot_state(m.s);
    if (st.ok()) {
      EXPECT_EQ(st.value().attempts, 0) << "fault at call " << n << ": counted without a kexec -e";
    }
  }
}

TEST(InitShimChild, EveryEndOfTheChildLetsPid1GoOn) {
  using std::chrono::milliseconds;
  EXPECT_EQ(run_switch_child([] { return 0; }, milliseconds(5000)).kind, ChildEnd::Kind::Exited);
  ChildEnd failed = run_switch_child([] { return 3; }, milliseconds(5000));
  EXPECT_EQ(failed.kind, ChildEnd::Kind::Exited);
  EXPECT_EQ(failed.code, 3);
  ChildEnd thrown = run_switch_child([]() -> int { throw std::runtime_error("boom"); }, milliseconds(5000));
  EXPECT_EQ(thrown.kind, ChildEnd::Kind::Exited);
  EXPECT_EQ(thrown.code, 1);
  ChildEnd crashed = run_switch_child(
      [] {
        // A crash as PID 1's child meets it: the default action (a
        // sanitizer's own SIGSEGV handler would turn it into an exit).
        std::signal(SIGSEGV, SIG_DFL);
        ::raise(SIGSEGV);
        return 0;
      },
      milliseconds(5000));
  EXPECT_EQ(crashed.kind, ChildEnd::Kind::Signalled);
  EXPECT_EQ(crashed.code, SIGSEGV);
  EXPECT_NE(crashed.describe().find("signal 11"), std::string::npos);
}

TEST(InitShimChild, AHungChildAndItsChildrenAreKilledAtTheDeadline) {
  int pipefd[2];
  ASSERT_EQ(::pipe(pipefd), 0);
  const auto t0 = std::chrono::steady_clock::now();
  ChildEnd hung = run_switch_child(
      [&] {
        // A grandchild (a hung kexec) holds the pipe's write end open.
        if (::fork() == 0) {
          ::close(pipefd[0]);
          ::pause();
          ::_exit(0);
        }
        ::pause();
        return 0;
      },
      std::chrono::milliseconds(300));
  const auto waited = std::chrono::steady_clock::now() - t0;
  ::close(pipefd[1]);
  EXPECT_EQ(hung.kind, ChildEnd::Kind::TimedOut);
  EXPECT_LT(waited, std::chrono::seconds(10));
  // EOF only once every holder of the write end is gone: the grandchild too.
  char c;
  EXPECT_EQ(::read(pipefd[0], &c, 1), 0);
  ::close(pipefd[0]);
}

// exec_next_init in a forked child (it replaces the process when it works).
int exec_in_child(std::vector<std::string> candidates, const std::string& self) {
  pid_t pid = ::fork();
  if (pid == 0) {
    std::string arg0 = self;
    std::string arg1 = "-c";
    std::string arg2 = "exit 7";
    char* argv[] = {arg0.data(), arg1.data(), arg2.data(), nullptr};
    (void)exec_next_init(argv, candidates);
    ::_exit(99);  // none could be executed
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(InitShimExec, TheFirstInitThatRunsGetsTheKernelsArgumentsAndItselfIsSkipped) {
  // /bin/sh gets argv[1..] ("-c", "exit 7"): it ran.
  EXPECT_EQ(exec_in_child({"/nonexistent/init", "/bin/sh"}, "/usr/lib/sckl/init"), 7);
  // The program itself (argv[0]) is skipped, never exec'd again.
  EXPECT_EQ(exec_in_child({"/bin/sh"}, "/bin/sh"), 99);
  char a0[] = "/usr/lib/sckl/init";
  char* argv[] = {a0, nullptr};
  std::string why = exec_next_init(argv, {"/nonexistent/a", "/nonexistent/b"});
  EXPECT_NE(why.find("/nonexistent/a: No such file or directory"), std::string::npos);
  EXPECT_NE(why.find("/nonexistent/b"), std::string::npos);
}

}  // namespace
}  // namespace sckl
