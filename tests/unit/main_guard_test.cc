// The exception barrier of every main: a throw anywhere below is a message
// naming the program, and the exit code its caller must see (kernel hooks
// and the generator 0, maintainer scripts and the sckl command 1).
#include "base/main_guard.h"

#include <gtest/gtest.h>

#include "boot/arm.h"
#include "cli/cli.h"
#include "fake_system.h"
#include "install/maint.h"
#include "log_capture.h"

namespace sckl {
namespace {

using testing::LogCapture;
using testing::ThrowingSystem;

struct Argv {
  explicit Argv(std::vector<std::string> a) : args(std::move(a)) {
    for (auto& s : args) ptrs.push_back(s.data());
  }
  int argc() const { return static_cast<int>(ptrs.size()); }
  char** argv() { return ptrs.data(); }
  std::vector<std::string> args;
  std::vector<char*> ptrs;
};

TEST(MainGuard, AThrowIsNamedAndGivesThePolicysExitCode) {
  LogCapture log;
  EXPECT_EQ(guarded_main("prog", OnException::WarnAndSucceed, []() -> int { throw std::runtime_error("boom"); }), 0);
  EXPECT_TRUE(log.contains("warning: prog: internal error: boom")) << log.text();
  EXPECT_EQ(guarded_main("prog", OnException::Fail, []() -> int { throw std::bad_alloc(); }), 1);
  EXPECT_TRUE(log.contains("error: prog: internal error: std::bad_alloc")) << log.text();
  EXPECT_EQ(guarded_main("prog", OnException::Fail, []() -> int { throw 42; }), 1);
  EXPECT_TRUE(log.contains("an unknown exception")) << log.text();
  EXPECT_EQ(guarded_main("prog", OnException::Fail, [] { return 7; }), 7);  // no throw: the body's code
}

// run-parts --exit-on-error would fail the kernel package on a non-zero exit.
TEST(MainGuard, KernelHooksExitZeroWithAWarningWhateverThrows) {
  for (KernelHook hook : {KernelHook::PostInst, KernelHook::PostRm, KernelHook::InitramfsPostUpdate}) {
    ThrowingSystem s;
    LogCapture log;
    Argv a({"zz-sckl", "6.1.0-57-amd64", "/boot/vmlinuz-6.1.0-57-amd64"});
    EXPECT_EQ(kernel_hook_main(hook, a.argc(), a.argv(), &s), 0);
    EXPECT_TRUE(log.contains("internal error: ")) << log.text();
    EXPECT_TRUE(log.contains("warning:")) << log.text();
  }
}

TEST(MainGuard, MaintainerScriptsExitNonZeroWithAMessage) {
  {
    ThrowingSystem s;  // the lock throws
    LogCapture log;
    Argv a({"preinst", "install"});
    EXPECT_EQ(maint_main(MaintScript::Preinst, a.argc(), a.argv(), run_preinst, &s), 1);
    EXPECT_TRUE(log.contains("error: preinst: internal error: ")) << log.text();
  }
  {
    testing::FakeSystem s;  // the handler throws
    s.put_dir("/run");
    LogCapture log;
    Argv a({"postrm", "remove"});
    auto throwing = [](System&, Debconf*, const MaintCall&) -> Status { throw std::bad_alloc(); };
    EXPECT_EQ(maint_main(MaintScript::Postrm, a.argc(), a.argv(), throwing, &s), 1);
    EXPECT_TRUE(log.contains("postrm: internal error")) << log.text();
  }
}

TEST(MainGuard, TheScklCommandExitsOneWithAMessage) {
  ThrowingSystem s;
  LogCapture log;
  Argv a({"sckl", "status"});
  EXPECT_EQ(cli_main(a.argc(), a.argv(), &s), 1);
  EXPECT_TRUE(log.contains("sckl: internal error")) << log.text();
}

}  // namespace
}  // namespace sckl
