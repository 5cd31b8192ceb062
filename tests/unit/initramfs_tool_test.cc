// sckl supports initramfs-tools only: an install on a system whose initrds
// are made by dracut is refused by preinst, before anything is unpacked.
#include <gtest/gtest.h>

#include "base/paths.h"
#include "fake_system.h"
#include "install/maint.h"
#include "install/maint_args.h"
#include "kernel/initramfs.h"
#include "log_capture.h"

namespace sckl {
namespace {

// A preinst call as dpkg would make it, through the one argument parser.
MaintCall preinst_call(const std::vector<std::string>& args) {
  Result<MaintCall> call = parse_maint_args(MaintScript::Preinst, args);
  EXPECT_TRUE(call.ok()) << (call.ok() ? "" : call.error().message);
  return call.ok() ? call.value() : MaintCall{};
}

using testing::FakeSystem;

TEST(RequireInitramfsTools, DracutWithoutInitramfsToolsIsRefusedWithTheReasonAndTheWayOut) {
  FakeSystem s;
  s.put_file("/usr/bin/dracut", "#!/bin/bash\n", 0755);
  Status st = require_initramfs_tools(s);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("dracut (/usr/bin/dracut)"), std::string::npos) << st.error().message;
  EXPECT_NE(st.error().message.find("initramfs-tools only"), std::string::npos) << st.error().message;
  EXPECT_NE(st.error().hint.find("apt install initramfs-tools"), std::string::npos) << st.error().hint;
}

TEST(RequireInitramfsTools, DracutInSbinCountsToo) {
  FakeSystem s;
  s.put_file("/usr/sbin/dracut", "#!/bin/bash\n", 0755);
  EXPECT_FALSE(require_initramfs_tools(s).ok());
}

TEST(RequireInitramfsTools, InitramfsToolsIsAccepted) {
  FakeSystem s;
  s.put_file("/usr/sbin/update-initramfs", "#!/bin/sh\n", 0755);
  EXPECT_TRUE(require_initramfs_tools(s).ok());
  // Leftover dracut files next to initramfs-tools: update-initramfs makes the initrds.
  s.put_file("/usr/bin/dracut", "#!/bin/bash\n", 0755);
  EXPECT_TRUE(require_initramfs_tools(s).ok());
}

TEST(RequireInitramfsTools, NoInitrdToolAtAllIsLeftToThePreflight) {
  FakeSystem s;
  EXPECT_TRUE(require_initramfs_tools(s).ok());
}

TEST(Preinst, InstallOnADracutSystemFailsAndChangesNothing) {
  FakeSystem s;
  s.put_file("/usr/bin/dracut", "#!/bin/bash\n", 0755);
  s.put_dir("/run/systemd/system");
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"install"}, std::vector<std::string>{"upgrade", "0.1.0", "0.2.0"}}) {
    const std::string& action = args.front();
    Status st = run_preinst(s, nullptr, preinst_call(args));
    ASSERT_FALSE(st.ok()) << action;
    EXPECT_NE(st.error().message.find("dracut"), std::string::npos);
    EXPECT_FALSE(s.has(paths::kSwitchRan)) << action;
  }
  // abort-upgrade puts the old version back: never refused.
  EXPECT_TRUE(run_preinst(s, nullptr, preinst_call({"abort-upgrade", "0.1.0"})).ok());
}

// What dpkg prints after the refusal: the refusal's own way out, then a
// line that fits a refused install. 'dpkg --configure -a' would be wrong
// advice here: nothing of sckl was unpacked, so there is nothing to
// configure, and the install is what must run again.
TEST(Preinst, ARefusedInstallAdvisesTheInstallAgainNotDpkgConfigure) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"preinst", "install"}, std::vector<std::string>{"preinst", "upgrade", "0.1.0", "0.2.0"}}) {
    FakeSystem s;
    s.put_file("/usr/bin/dracut", "#!/bin/bash\n", 0755);
    s.put_dir("/run/systemd/system");
    testing::LogCapture log;
    std::vector<std::string> argv_s = args;
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    EXPECT_EQ(maint_main(MaintScript::Preinst, static_cast<int>(argv.size()), argv.data(), run_preinst, &s), 1);
    EXPECT_TRUE(log.contains("apt install initramfs-tools")) << log.text();
    EXPECT_TRUE(log.contains("stopped the " + std::string(args[1] == "install" ? "install" : "upgrade") +
                             " before anything of this sckl was unpacked; nothing was changed"))
        << log.text();
    EXPECT_TRUE(log.contains("run the install of sckl (the apt or dpkg command) again")) << log.text();
    EXPECT_FALSE(log.contains("dpkg --configure -a")) << log.text();
    EXPECT_FALSE(log.contains("half-written")) << log.text();
  }
  EXPECT_NE(maint_failure_advice(preinst_call({"upgrade", "0.1.0", "0.2.0"})).find("the installed version stays"),
            std::string::npos);
}

// A failed postinst leaves sckl unpacked and not configured: dpkg
// --configure -a, or the apt command, finishes it.
TEST(Preinst, AFailedPostinstStillAdvisesDpkgConfigure) {
  for (auto [script, args] : std::vector<std::pair<MaintScript, std::vector<std::string>>>{
           {MaintScript::Postinst, {"configure", "0.1.0"}}, {MaintScript::Postinst, {"configure", ""}}}) {
    Result<MaintCall> call = parse_maint_args(script, args);
    ASSERT_TRUE(call.ok());
    EXPECT_NE(maint_failure_advice(call.value()).find("then run 'dpkg --configure -a' (or the apt command again)."),
              std::string::npos)
        << maint_failure_advice(call.value());
    EXPECT_EQ(maint_retry_advice(call.value()), "run 'dpkg --configure -a' (or the apt command again)");
  }
  EXPECT_EQ(maint_retry_advice(preinst_call({"install"})), "run the install of sckl (the apt or dpkg command) again");
}

TEST(Preinst, InstallWithInitramfsToolsMarksTheBootAsBefore) {
  FakeSystem s;
  s.put_file("/usr/sbin/update-initramfs", "#!/bin/sh\n", 0755);
  s.put_dir("/run/systemd/system");
  ASSERT_TRUE(run_preinst(s, nullptr, preinst_call({"install"})).ok());
  EXPECT_TRUE(s.has(paths::kSwitchRan));
}

}  // namespace
}  // namespace sckl
