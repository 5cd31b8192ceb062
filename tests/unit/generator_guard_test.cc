// Where the generator may switch: only as systemd's system generator at the
// start of a real boot of this machine. One case per fact that says
// otherwise; the observation through a FakeSystem; the generator's main.
#include "boot/generator_guard.h"

#include <gtest/gtest.h>

#include "base/paths.h"
#include "boot/switch_generator.h"
#include "fake_system.h"
#include "log_capture.h"

namespace sckl {
namespace {

using testing::FakeSystem;

// What systemd 252 gives sckl-switch at a real boot of a VM.
GeneratorFacts real_boot() {
  GeneratorFacts f;
  f.args = {"/run/systemd/generator", "/run/systemd/generator.early", "/run/systemd/generator.late"};
  f.scope = "system";
  f.in_initrd = "0";
  f.virtualization = "vm:kvm";
  f.pid_namespace.value = "pid:[4026531836]";
  f.root.value = FileId{254, 2};
  f.pid1_root.value = FileId{254, 2};
  return f;
}

TEST(GeneratorGuard, ARealBootOfThisMachineMaySwitch) {
  EXPECT_TRUE(judge_generator_run(real_boot()).may_switch);
  GeneratorFacts bare_metal = real_boot();
  bare_metal.virtualization.reset();  // not set when nothing is detected
  EXPECT_TRUE(judge_generator_run(bare_metal).may_switch);
}

TEST(GeneratorGuard, ByHandOrByAnalyzeVerifyTheDirectoriesDiffer) {
  GeneratorFacts f = real_boot();
  f.args = {};
  auto v = judge_generator_run(f);
  EXPECT_FALSE(v.may_switch);
  EXPECT_NE(v.reason.find("no arguments"), std::string::npos) << v.reason;
  // systemd-analyze verify --generators=yes passes temporary directories.
  f.args = {"/tmp/systemd-temporary-a1/normal", "/tmp/systemd-temporary-a1/early", "/tmp/systemd-temporary-a1/late"};
  v = judge_generator_run(f);
  EXPECT_FALSE(v.may_switch);
  EXPECT_NE(v.reason.find("/tmp/systemd-temporary-a1/normal"), std::string::npos) << v.reason;
  f.args = {"/run/systemd/generator"};  // the one-directory form
  EXPECT_FALSE(judge_generator_run(f).may_switch);
}

TEST(GeneratorGuard, AUserManagerNever) {
  GeneratorFacts f = real_boot();
  f.scope = "user";
  auto v = judge_generator_run(f);
  EXPECT_FALSE(v.may_switch);
  EXPECT_NE(v.reason.find("SYSTEMD_SCOPE"), std::string::npos);
}

TEST(GeneratorGuard, NeverInTheInitrd) {
  GeneratorFacts f = real_boot();
  f.in_initrd = "1";
  auto v = judge_generator_run(f);
  EXPECT_FALSE(v.may_switch);
  EXPECT_NE(v.reason.find("initrd"), std::string::npos);
  // $SYSTEMD_IN_INITRD wins over the file when systemd sets it.
  f.in_initrd = "0";
  f.initrd_release = true;
  EXPECT_TRUE(judge_generator_run(f).may_switch);
}

TEST(GeneratorGuard, OlderSystemdWithoutTheVariablesTheOtherFactsDecide) {
  // systemd < 251 (Ubuntu 22.04's 249) sets none of the variables.
  GeneratorFacts f = real_boot();
  f.scope.reset();
  f.in_initrd.reset();
  f.virtualization.reset();
  EXPECT_TRUE(judge_generator_run(f).may_switch);
  f.initrd_release = true;
  auto v = judge_generator_run(f);
  EXPECT_FALSE(v.may_switch);
  EXPECT_NE(v.reason.find("/etc/initrd-release"), std::string::npos);
}

TEST(GeneratorGuard, NeverInAContainer) {
  GeneratorFacts f = real_boot();
  f.virtualization = "container:docker";
  auto v = judge_generator_run(f);
  EXPECT_FALSE(v.may_switch);
  EXPECT_NE(v.reason.find("container:docker"), std::string::npos);

  f = real_boot();
  f.container_file.value = "systemd-nspawn\n";
  v = judge_generator_run(f);
  EXPECT_FALSE(v.may_switch);
  EXPECT_NE(v.reason.find("systemd-nspawn"), std::string::npos);

  // unshare --pid: no container manager said anything, the namespace does.
  f = real_boot();
  f.pid_namespace.value = "pid:[4026532291]";
  v = judge_generator_run(f);
  EXPECT_FALSE(v.may_switch);
  EXPECT_NE(v.reason.find("PID namespace"), std::string::npos);
}

TEST(GeneratorGuard, NeverInAChroot) {
  GeneratorFacts f = real_boot();
  f.pid1_root.value = FileId{254, 1234};
  auto v = judge_generator_run(f);
  EXPECT_FALSE(v.may_switch);
  EXPECT_NE(v.reason.find("chroot"), std::string::npos);
  // The same inode number on another file system is another directory.
  f.pid1_root.value = FileId{8, 2};
  EXPECT_FALSE(judge_generator_run(f).may_switch);
}

TEST(GeneratorGuard, WhatCannotBeObservedCountsAgainst) {
  GeneratorFacts f = real_boot();
  f.pid1_root.value.reset();
  f.pid1_root.error = "cannot examine /proc/1/root: Permission denied";
  auto v = judge_generator_run(f);
  EXPECT_FALSE(v.may_switch);
  EXPECT_NE(v.reason.find("Permission denied"), std::string::npos);
  f = real_boot();
  f.pid_namespace.value.reset();
  f.pid_namespace.error = "cannot read the link /proc/self/ns/pid: No such file or directory";
  EXPECT_FALSE(judge_generator_run(f).may_switch);
  f = real_boot();
  f.root.value.reset();
  f.root.error = "x";
  EXPECT_FALSE(judge_generator_run(f).may_switch);
  f = real_boot();
  f.container_file.error = "cannot examine /run/systemd/container: Input/output error";
  EXPECT_FALSE(judge_generator_run(f).may_switch);
}

// A FakeSystem as a real boot's generator sees it.
void booted(FakeSystem& s) {
  s.put_dir("/run/systemd/system");
  s.put_link("/proc/1/root", "/");
  s.put_link("/proc/self/ns/pid", "pid:[4026531836]");
  s.environment = {{"SYSTEMD_SCOPE", "system"}, {"SYSTEMD_IN_INITRD", "0"}, {"SYSTEMD_VIRTUALIZATION", "vm:qemu"}};
}

const std::vector<std::string> kDirs = {"/run/systemd/generator", "/run/systemd/generator.early",
                                        "/run/systemd/generator.late"};

TEST(GeneratorGuard, ObservedThroughSystem) {
  FakeSystem s;
  booted(s);
  GeneratorFacts f = observe_generator_run(s, kDirs);
  EXPECT_EQ(f.scope, "system");
  EXPECT_EQ(f.in_initrd, "0");
  EXPECT_EQ(f.virtualization, "vm:qemu");
  EXPECT_FALSE(f.container_file.value);
  EXPECT_EQ(f.pid_namespace.value, "pid:[4026531836]");
  ASSERT_TRUE(f.root.value && f.pid1_root.value);
  EXPECT_TRUE(judge_generator_run(f).may_switch);

  // A chroot: PID 1's root is another directory.
  s.put_dir("/host");
  s.put_link("/proc/1/root", "/host");
  EXPECT_FALSE(judge_generator_run(observe_generator_run(s, kDirs)).may_switch);
  s.put_link("/proc/1/root", "/");
  s.put_file("/run/systemd/container", "lxc\n");
  EXPECT_FALSE(judge_generator_run(observe_generator_run(s, kDirs)).may_switch);
}

// The real observation on this machine (reads only): the PID namespace and
// the root's identity come through RealSystem as the guard expects them.
TEST(GeneratorGuard, ObservedOnThisMachineThroughRealSystem) {
  RealSystem sys("/");
  GeneratorFacts f = observe_generator_run(sys, {});
  ASSERT_TRUE(f.pid_namespace.value) << f.pid_namespace.error;
  EXPECT_TRUE(f.pid_namespace.value->starts_with("pid:[")) << *f.pid_namespace.value;
  ASSERT_TRUE(f.root.value) << f.root.error;
  // PID 1's root may be unreadable here (a container's sandbox): then the
  // error names it.
  if (!f.pid1_root.value) {
    EXPECT_NE(f.pid1_root.error.find("/proc/1/root"), std::string::npos);
  }
  // Our own process's root is readable and is /.
  auto self = sys.file_id("/proc/self/root");
  ASSERT_TRUE(self.ok()) << self.error().describe();
  EXPECT_EQ(self.value(), *f.root.value);
  EXPECT_FALSE(judge_generator_run(f).may_switch);  // no generator directories
}

// The generator's main: refused, it writes nothing and runs nothing, and
// says so in one line.
TEST(SwitchGeneratorMain, RefusedItWritesNothingAndRunsNothing) {
  FakeSystem s;
  booted(s);
  s.put_dir("/host");
  s.put_link("/proc/1/root", "/host");  // a chroot
  s.put_file("/proc/cmdline", "root=/dev/vda\n");
  s.put_file("/proc/sys/kernel/osrelease", "6.1.0-47-cloud-amd64\n");
  const auto before = s.nodes.size();
  testing::LogCapture log;
  std::vector<std::string> args = {"sckl-switch"};
  args.insert(args.end(), kDirs.begin(), kDirs.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  EXPECT_EQ(switch_generator_main(static_cast<int>(argv.size()), argv.data(), &s), 0);
  EXPECT_EQ(s.nodes.size(), before);
  EXPECT_FALSE(s.has(paths::kSwitchRan));
  EXPECT_TRUE(s.commands_run.empty());
  ASSERT_EQ(log.lines.size(), 1u) << log.text();
  EXPECT_NE(log.lines[0].find("not switching"), std::string::npos);
  EXPECT_NE(log.lines[0].find("chroot"), std::string::npos);
}

TEST(SwitchGeneratorMain, AThrowIsAWarningAndExitZero) {
  testing::ThrowingSystem s;
  testing::LogCapture log;
  std::vector<std::string> args = {"sckl-switch"};
  args.insert(args.end(), kDirs.begin(), kDirs.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  EXPECT_EQ(switch_generator_main(static_cast<int>(argv.size()), argv.data(), &s), 0);
  EXPECT_TRUE(log.contains("internal error")) << log.text();
}

}  // namespace
}  // namespace sckl
