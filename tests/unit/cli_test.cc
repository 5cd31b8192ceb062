// The sckl command as a user runs it, against a temporary root (--root), so
// that nothing of this machine is read for decisions or written.
#include "cli/cli.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "base/log.h"
#include "base/paths.h"
#include "base/system.h"
#include "install/manifest.h"
#include "fake_system.h"
#include "log_capture.h"

namespace sckl {
namespace {

namespace fs = std::filesystem;

class Cli : public ::testing::Test {
 protected:
  fs::path root;
  void SetUp() override {
    char tmpl[] = "/tmp/sckl-cli-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    root = tmpl;
    put("proc/cmdline", "root=/dev/vda console=ttyS0\n");
    put("proc/sys/kernel/osrelease", "6.1.0-47-cloud-amd64\n");
    std::string image(0x400, '\0');
    image.replace(0x202, 4, "HdrS");
    put("boot/vmlinuz-6.1.0-56-amd64", image);
    put("boot/initrd.img-6.1.0-56-amd64", "initrd");
    fs::create_directories(root / "lib/modules/6.1.0-56-amd64");
    put("boot/vmlinuz-6.1.0-57-amd64", image);  // no initrd yet
  }
  void TearDown() override { fs::remove_all(root); }
  void put(const std::string& rel, const std::string& content) {
    fs::create_directories((root / rel).parent_path());
    std::ofstream(root / rel, std::ios::binary) << content;
  }
  ProcessResult sckl(std::vector<std::string> args) {
    std::vector<std::string> argv = {std::string(SCKL_BINARY_DIR) + "/hooks/sckl", "--root", root.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    RealSystem host;
    auto r = host.run(Command(argv, std::chrono::seconds(30), {{"DPKG_ROOT", ""}}));
    EXPECT_TRUE(r.ok());
    return r.ok() ? r.value() : ProcessResult{-1, "", ""};
  }
};

TEST_F(Cli, StatusJsonNamesRunningKernelTargetAndCount) {
  auto r = sckl({"status", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"running_kernel\":\"6.1.0-47-cloud-amd64\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"phase\":\"provider\""), std::string::npos);
  EXPECT_NE(r.out.find("\"target\":\"6.1.0-56-amd64\""), std::string::npos);
  EXPECT_NE(r.out.find("\"last_result\":\"none\""), std::string::npos);
  EXPECT_NE(r.out.find("\"disabled\":false"), std::string::npos);
}

TEST_F(Cli, StatusShowsFastReboot) {
  auto r = sckl({"status", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"fast_reboot\":false"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"fast_reboot_armed\":false"), std::string::npos);
  // On the target with fast_reboot = yes: armed (nothing loaded until a reboot).
  put("proc/cmdline", "root=/dev/vda console=ttyS0 panic=10 sckl.boot=1\n");
  put("proc/sys/kernel/osrelease", "6.1.0-56-amd64\n");
  put("etc/sckl/sckl.conf", "fast_reboot = yes\n");
  r = sckl({"status", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"fast_reboot\":true"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"fast_reboot_armed\":true"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"fast_reboot_loaded\":\"\""), std::string::npos) << r.out;
  r = sckl({"status"});
  EXPECT_NE(r.out.find("fast reboot:    on: a reboot goes straight into 6.1.0-56-amd64"), std::string::npos) << r.out;
}

TEST_F(Cli, ListShowsEveryKernelAndWhatIsMissing) {
  auto r = sckl({"list"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("* 6.1.0-56-amd64"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("6.1.0-57-amd64"), std::string::npos);
  EXPECT_NE(r.out.find("no-initrd"), std::string::npos);
}

TEST_F(Cli, DisableEnableBadRetryGood) {
  ASSERT_EQ(sckl({"disable"}).exit_code, 0);
  EXPECT_TRUE(fs::exists(root / "etc/sckl/disabled"));
  EXPECT_NE(sckl({"status", "--json"}).out.find("\"disabled\":true"), std::string::npos);
  ASSERT_EQ(sckl({"enable"}).exit_code, 0);
  EXPECT_FALSE(fs::exists(root / "etc/sckl/disabled"));
  ASSERT_EQ(sckl({"bad"}).exit_code, 0);
  EXPECT_NE(sckl({"status", "--json"}).out.find("\"last_result\":\"bad\""), std::string::npos);
  EXPECT_NE(sckl({"status", "--json"}).out.find("\"armed\":false"), std::string::npos);
  ASSERT_EQ(sckl({"retry"}).exit_code, 0);
  EXPECT_NE(sckl({"status", "--json"}).out.find("\"last_result\":\"none\""), std::string::npos);
  ASSERT_EQ(sckl({"good"}).exit_code, 0);
  EXPECT_NE(sckl({"status", "--json"}).out.find("\"last_result\":\"good\""), std::string::npos);
  // --boot is only for switched boots.
  auto boot = sckl({"good", "--boot"});
  EXPECT_EQ(boot.exit_code, 1);
  EXPECT_NE(boot.err.find("sckl.boot="), std::string::npos);
}

TEST_F(Cli, SetTargetValidatesAndKeepsTheConfigFile) {
  put("etc/sckl/sckl.conf", "# mine\ntarget_kernel = newest\n");
  auto bad = sckl({"set-target", "6.1.0-57-amd64"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("initrd"), std::string::npos) << bad.err;
  auto missing = sckl({"set-target", "9.9.9"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("not installed"), std::string::npos);
  ASSERT_EQ(sckl({"set-target", "6.1.0-56-amd64"}).exit_code, 0);
  std::ifstream in(root / "etc/sckl/sckl.conf");
  std::string text((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(text, "# mine\ntarget_kernel = 6.1.0-56-amd64\n");
}

TEST_F(Cli, WrongUsageExitsTwoAndSaysWhat) {
  for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
           {"frobnicate"}, {"status", "--frob"}, {"set-target"}, {"check", "--json"}, {"status", "extra"}, {},
           {"status", "--initrds"}, {"setup", "--first-boot", "--initrds"}}) {
    auto r = sckl(args);
    EXPECT_EQ(r.exit_code, 2) << (args.empty() ? "" : args[0]);
    EXPECT_NE(r.err.find("sckl"), std::string::npos);
  }
  // Verbs that act on the running machine refuse another root.
  EXPECT_EQ(sckl({"boot"}).exit_code, 2);
  EXPECT_EQ(sckl({"setup"}).exit_code, 2);
  auto help = sckl({"set-target", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("Usage: sckl set-target VERSION|newest"), std::string::npos);
}

TEST_F(Cli, DamagedConfigIsNamed) {
  put("etc/sckl/sckl.conf", std::string("\x7f" "ELF\x02\x01 binary junk\n", 20));
  auto r = sckl({"status"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("sckl.conf line 1"), std::string::npos) << r.err;
}

// --- The verb table on a FakeSystem: the lock, wrong usage and damaged
// files, with fault injection where the real system cannot be made to fail.

using testing::FakeSystem;
using testing::LogCapture;

struct FakeMachine {
  FakeSystem s;
  FakeMachine() {
    std::string image(0x400, '\0');
    image.replace(0x202, 4, "HdrS");
    s.put_file("/proc/cmdline", "root=/dev/vda console=ttyS0\n");
    s.put_file("/proc/sys/kernel/osrelease", "6.1.0-47-cloud-amd64\n");
    s.put_file("/boot/vmlinuz-6.1.0-56-amd64", image);
    s.put_file("/boot/initrd.img-6.1.0-56-amd64", "initrd");
    s.put_dir("/lib/modules/6.1.0-56-amd64");
    s.put_dir("/etc/sckl");
    s.put_dir("/var/lib");
    s.put_dir("/run");
    s.runner = [](const Command&) { return Result<ProcessResult>(ProcessResult{0, "", ""}); };
  }
  struct Outcome {
    int code;
    std::string out;
    std::vector<std::string> log;
    bool logged(const std::string& part) const {
      for (const auto& l : log)
        if (l.find(part) != std::string::npos) return true;
      return false;
    }
  };
  Outcome run(std::vector<std::string> args) {
    args.insert(args.begin(), "sckl");
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    LogCapture log;
    ::testing::internal::CaptureStdout();
    int code = cli_main(static_cast<int>(args.size()), argv.data(), &s);
    std::string out = ::testing::internal::GetCapturedStdout();
    return {code, out, log.lines};
  }
  // Every node but the lock and /run/sckl, for "nothing changed".
  std::map<std::string, std::string> tree() const {
    std::map<std::string, std::string> t;
    for (const auto& [p, n] : s.nodes)
      if (!p.starts_with("/run/sckl")) t[p] = n.data;
    return t;
  }
};

const std::vector<std::vector<std::string>> kStateChanging = {
    {"arm"}, {"disarm"}, {"enable"}, {"disable"}, {"set-target", "newest"}, {"good"}, {"bad"}, {"retry"},
    {"boot"}, {"setup"}};
const std::vector<std::vector<std::string>> kReadOnly = {
    {"status"}, {"status", "--json"}, {"list"}, {"list", "--json"}, {"check"}, {"help"}, {"version"}, {"--help"},
    {"--version"}, {"arm", "--help"}};

// `sckl status` and `sckl check` go by one decision: status never promises
// a switch that check refuses, on the provider's kernel or on the target.
TEST(CliStatusAndCheck, StatusNeverPromisesWhatCheckRefuses) {
  FakeMachine m;
  // A provider kernel built without kexec: no /sys/kernel/kexec_loaded.
  m.s.put_file("/proc/sys/kernel/kexec_load_disabled", "0\n");
  m.s.put_file("/proc/meminfo", "MemAvailable:     800000 kB\n");
  auto check = m.run({"check"});
  EXPECT_EQ(check.code, 1) << check.out;
  EXPECT_NE(check.out.find("FAIL kexec support"), std::string::npos) << check.out;
  auto json = m.run({"status", "--json"});
  EXPECT_NE(json.out.find("\"armed\":false"), std::string::npos) << json.out;
  EXPECT_EQ(json.out.find("switches into"), std::string::npos) << json.out;
  auto status = m.run({"status"});
  EXPECT_EQ(status.out.find("switches into"), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("next boot:      6.1.0-56-amd64 is not ready to boot: kexec support"), std::string::npos)
      << status.out;

  // With kexec: both say yes.
  m.s.put_file("/sys/kernel/kexec_loaded", "0\n");
  check = m.run({"check"});
  EXPECT_EQ(check.code, 0) << check.out;
  json = m.run({"status", "--json"});
  EXPECT_NE(json.out.find("\"armed\":true"), std::string::npos) << json.out;
  EXPECT_NE(json.out.find("the next boot on the provider's kernel switches into 6.1.0-56-amd64"), std::string::npos);

  // On the target, a running kernel without kexec describes the target, not
  // the provider's next boot: a note in check, and both still agree.
  m.s.nodes.erase("/sys/kernel/kexec_loaded");
  m.s.put_file("/proc/cmdline", "root=/dev/vda console=ttyS0 panic=10 sckl.boot=1\n");
  m.s.put_file("/proc/sys/kernel/osrelease", "6.1.0-56-amd64\n");
  check = m.run({"check"});
  EXPECT_EQ(check.code, 0) << check.out;
  EXPECT_NE(check.out.find("note kexec support"), std::string::npos) << check.out;
  json = m.run({"status", "--json"});
  EXPECT_NE(json.out.find("\"armed\":true"), std::string::npos) << json.out;
}

// `sckl check` gives each kexec method's verdict from facts alone (it runs
// nothing: no load on a live machine); `sckl status` names the method of
// the last switch.
TEST(CliStatusAndCheck, CheckShowsEachKexecMethodAndStatusTheMethodUsed) {
  FakeMachine m;
  m.s.put_file("/proc/sys/kernel/kexec_load_disabled", "0\n");
  m.s.put_file("/sys/kernel/kexec_loaded", "0\n");
  m.s.put_file("/proc/meminfo", "MemAvailable:     800000 kB\n");
  m.s.put_file("/boot/config-6.1.0-47-cloud-amd64", "CONFIG_KEXEC=y\nCONFIG_KEXEC_FILE=y\n");
  auto check = m.run({"check"});
  EXPECT_EQ(check.code, 0) << check.out;
  EXPECT_NE(check.out.find("ok   kexec_load: ok\n"), std::string::npos) << check.out;
  EXPECT_NE(check.out.find("ok   kexec_file_load: ok\n"), std::string::npos) << check.out;
  EXPECT_NE(check.out.find("ok   kexec method: kexec_load first, kexec_file_load when the kernel refuses it"),
            std::string::npos)
      << check.out;
  EXPECT_TRUE(m.s.commands_run.empty());
  // Lockdown with an unsigned target: no method left; check and status agree.
  m.s.put_file("/sys/kernel/security/lockdown", "none [integrity] confidentiality\n");
  check = m.run({"check"});
  EXPECT_EQ(check.code, 1) << check.out;
  EXPECT_NE(check.out.find("warn kexec_load: refused by lockdown (integrity)"), std::string::npos) << check.out;
  EXPECT_NE(check.out.find("warn kexec_file_load: refused: lockdown (integrity) needs a signed kernel"),
            std::string::npos)
      << check.out;
  EXPECT_NE(check.out.find("FAIL kexec method: no method is left"), std::string::npos) << check.out;
  EXPECT_NE(m.run({"status", "--json"}).out.find("\"armed\":false"), std::string::npos);
  // Signed: kexec_file_load is left.
  m.s.put_file("/boot/vmlinuz-6.1.0-56-amd64", testing::fake_signed_bzimage());
  check = m.run({"check"});
  EXPECT_EQ(check.code, 0) << check.out;
  EXPECT_NE(check.out.find("ok   kexec method: kexec_file_load first (kexec_load is not usable)"), std::string::npos)
      << check.out;
  EXPECT_TRUE(m.s.commands_run.empty());
  // The method of the last switch.
  EXPECT_NE(m.run({"status", "--json"}).out.find("\"kexec_method\":\"\""), std::string::npos);
  m.s.put_file(paths::kKexecMethod, "kexec_file_load\n");
  EXPECT_NE(m.run({"status", "--json"}).out.find("\"kexec_method\":\"kexec_file_load\""), std::string::npos);
  EXPECT_NE(m.run({"status"}).out.find("kexec method:   kexec_file_load (how the last switch loaded its target)"),
            std::string::npos);
}

TEST(CliLock, ReadOnlyVerbsTakeNoLock) {
  for (const auto& args : kReadOnly) {
    FakeMachine m;
    m.s.lock_held_by_other = "4711 postinst configure";  // they must not even try
    auto r = m.run(args);
    EXPECT_NE(r.code, 2) << args[0];
    EXPECT_FALSE(r.logged("lock")) << args[0];
    EXPECT_EQ(m.s.locks_taken, 0) << args[0];
  }
}

TEST(CliLock, StateChangingVerbsTakeTheLockOnceAndLetGo) {
  for (const auto& args : kStateChanging) {
    FakeMachine m;
    (void)m.run(args);
    EXPECT_EQ(m.s.locks_taken, 1) << args[0];
    EXPECT_EQ(m.s.max_locks_held, 1) << args[0];
    EXPECT_EQ(m.s.locks_held, 0) << args[0];
    ASSERT_EQ(m.s.lock_holders.size(), 1u);
    EXPECT_EQ(m.s.lock_holders[0], "sckl " + args[0]);
  }
}

TEST(CliLock, ABusyLockFailsNamingLockAndHolderAndChangesNothing) {
  for (const auto& args : kStateChanging) {
    FakeMachine m;
    m.s.put_file(paths::kDisabledFlag, "x");  // so that `enable` would change something
    const auto before = m.tree();
    m.s.lock_held_by_other = "4711 /etc/kernel/postinst.d/zz-sckl 6.1.0-57-amd64";
    auto r = m.run(args);
    EXPECT_EQ(r.code, 1) << args[0];
    EXPECT_TRUE(r.logged(paths::kStateLock)) << args[0];
    EXPECT_TRUE(r.logged("pid 4711 (/etc/kernel/postinst.d/zz-sckl 6.1.0-57-amd64)")) << args[0];
    EXPECT_TRUE(m.s.commands_run.empty()) << args[0];
    EXPECT_EQ(m.tree(), before) << args[0];
  }
}

TEST(CliLock, AFailureToTakeTheLockIsAFailureNotAUsageError) {
  // /run/sckl missing: stat /run/sckl, mkdir /run/sckl, then the lock itself.
  for (int n = 1; n <= 3; ++n) {
    FakeMachine m;
    m.s.fail_call(n, EIO);
    auto r = m.run({"disable"});
    ASSERT_TRUE(m.s.fault_hit()) << n;
    EXPECT_EQ(r.code, 1) << n;
    EXPECT_TRUE(r.logged("injected fault")) << n;
    EXPECT_FALSE(m.s.has(paths::kDisabledFlag)) << n;
  }
}

TEST(CliLock, WrongUsageTakesNoLockAndExitsTwo) {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"disable", "extra"}, {"set-target"}, {"arm", "--json"}, {"--root"}, {"--root", "relative", "arm"},
           {"frobnicate"}, {"--frob", "arm"}, {}, {"--root", "/srv/image", "boot"},
           {"--root", "/srv/image", "setup"}, {"--root", "/srv/image", "disarm"}}) {
    FakeMachine m;
    auto r = m.run(args);
    EXPECT_EQ(r.code, 2) << (args.empty() ? "(none)" : args[0]);
    EXPECT_EQ(m.s.locks_taken, 0);
    EXPECT_FALSE(r.log.empty());
  }
}

TEST(CliBadInput, OddBytesInArgumentsAreShownEscapedAndBounded) {
  FakeMachine m;
  auto r = m.run({std::string("\x1b[2Jverb\xff", 10)});
  EXPECT_EQ(r.code, 2);
  ASSERT_FALSE(r.log.empty());
  EXPECT_TRUE(r.logged("unknown verb '\\x1b[2Jverb\\xff'")) << r.log[0];
  auto huge = m.run({std::string(10 * 1024 * 1024, 'v')});
  EXPECT_EQ(huge.code, 2);
  ASSERT_FALSE(huge.log.empty());
  EXPECT_LT(huge.log[0].size(), kMaxMessageBytes + 200);
  EXPECT_TRUE(huge.logged("more bytes not shown"));
}

// A damaged /etc/sckl/sckl.conf: every verb that reads it fails with 1 and
// names the file and line; nothing crashes, no control byte reaches the
// terminal, and no message floods it.
TEST(CliBadInput, DamagedConfigFileIsNamedNeverCrashes) {
  const std::vector<std::pair<std::string, std::string>> damaged = {
      {"NUL bytes", std::string("autostart = yes\0\0\0evil\n", 24)},
      {"binary junk", std::string("\x7f" "ELF\x02\x01\x01\0\0\0\0\x1b[31m\xc3\x28\xff\xfe\n", 21)},
      {"a 10 MB single line", std::string(10 * 1024 * 1024, 'x')},
      {"invalid UTF-8", "tries \xc3\x28 = \xed\xa0\x80\n"},
  };
  const std::vector<std::vector<std::string>> verbs = {{"status"}, {"set-target", "newest"}, {"list"}, {"arm"},
                                                       {"good"},   {"boot"}};
  for (const auto& [what, text] : damaged) {
    // The 10 MB file costs ~1 s per verb (copies): two verbs show it.
    const size_t n = text.size() > 1000000 ? 2 : verbs.size();
    for (size_t v = 0; v < n; ++v) {
      const auto& args = verbs[v];
      FakeMachine m;
      m.s.put_file(paths::kConfigFile, text);
      auto r = m.run(args);
      EXPECT_EQ(r.code, 1) << what << ": " << args[0];
      EXPECT_TRUE(r.logged(std::string(paths::kConfigFile) + " line ")) << what << ": " << args[0];
      for (const auto& l : r.log) {
        EXPECT_LT(l.size(), kMaxMessageBytes + 200) << what;
        for (unsigned char c : l) EXPECT_TRUE(c >= 0x20 || c == '\n') << what << ": control byte " << int(c);
      }
      EXPECT_EQ(m.s.content(paths::kConfigFile), text) << what << ": the admin's file is left as it is";
    }
  }
}

TEST(CliBadInput, DamagedBootStateIsShownAndRewrittenByGoodOrRetry) {
  for (const std::string& junk : {std::string("\0\0\0\0", 4), std::string("target=../../etc\n"),
                                  std::string("attempts=99999999999999\n"), std::string("\xff\xfe=\x01\n")}) {
    FakeMachine m;
    m.s.put_file(paths::kBootState, junk);
    auto status = m.run({"status"});
    EXPECT_EQ(status.code, 0);
    EXPECT_NE(status.out.find(paths::kBootState), std::string::npos) << status.out;
    auto list = m.run({"list"});
    EXPECT_EQ(list.code, 0);
    auto good = m.run({"good"});
    EXPECT_EQ(good.code, 0);
    EXPECT_NE(m.s.content(paths::kBootState).find("result=good"), std::string::npos);
  }
}

TEST(CliBadInput, DamagedManifestIsNamed) {
  FakeMachine m;
  m.s.put_file(paths::kManifest, std::string("\x89PNG\r\n\x1a\n\0\0", 10));
  auto r = m.run({"status"});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(r.logged(paths::kManifest));
}

TEST(CliBadInput, ConfigThatIsADirectoryOrUnreadableIsNamed) {
  FakeMachine m;
  m.s.put_dir(paths::kConfigFile);
  auto r = m.run({"status"});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(r.logged(paths::kConfigFile));
  auto set = m.run({"set-target", "newest"});
  EXPECT_EQ(set.code, 1);
  EXPECT_TRUE(set.logged(paths::kConfigFile));
}

}  // namespace
}  // namespace sckl

namespace sckl {
namespace {

// The --json schema (doc/sckl.8, JSON OUTPUT): every key that exists, with its
// type. A key added, dropped, renamed or retyped fails here: scripts read it.
using Json = nlohmann::json;
const std::vector<std::pair<std::string, Json::value_t>> kStatusSchema = {
    {"version", Json::value_t::string},
    {"schema_version", Json::value_t::number_integer},
    {"running_kernel", Json::value_t::string},
    {"phase", Json::value_t::string},
    {"target", Json::value_t::string},
    {"target_problem", Json::value_t::string},
    {"armed", Json::value_t::boolean},
    {"next_boot", Json::value_t::string},
    {"attempts", Json::value_t::number_integer},
    {"tries", Json::value_t::number_integer},
    {"last_result", Json::value_t::string},
    {"counted_kernel", Json::value_t::string},
    {"last_attempt_hung_after", Json::value_t::number_integer},
    {"disabled", Json::value_t::boolean},
    {"disabled_why", Json::value_t::string},
    {"this_boot", Json::value_t::string},
    {"kexec_method", Json::value_t::string},
    {"fast_reboot", Json::value_t::boolean},
    {"fast_reboot_armed", Json::value_t::boolean},
    {"fast_reboot_next", Json::value_t::string},
    {"fast_reboot_loaded", Json::value_t::string},
    {"first_boot_pending", Json::value_t::boolean},
    {"last_switch", Json::value_t::object},
    {"changes", Json::value_t::array}};
const std::vector<std::pair<std::string, Json::value_t>> kLastSwitchSchema = {
    {"target", Json::value_t::string},
    {"started_by", Json::value_t::string},
    {"provider_to_systemd_ms", Json::value_t::number_integer},
    {"systemd_to_handover_ms", Json::value_t::number_integer},
    {"provider_to_start_ms", Json::value_t::number_integer},
    {"start_to_handover_ms", Json::value_t::number_integer},
    {"target_to_boot_ok_ms", Json::value_t::number_integer},
    {"steps", Json::value_t::string}};
const std::vector<std::pair<std::string, Json::value_t>> kChangeSchema = {
    {"path", Json::value_t::string}, {"created", Json::value_t::boolean}, {"state", Json::value_t::string}};
const std::vector<std::pair<std::string, Json::value_t>> kListSchema = {
    {"version", Json::value_t::string}, {"bootable", Json::value_t::boolean}, {"target", Json::value_t::boolean},
    {"running", Json::value_t::boolean}, {"boot_result", Json::value_t::string}};

// nlohmann reads non-negative integers as number_unsigned.
bool same_type(Json::value_t want, Json::value_t got) {
  if (want == Json::value_t::number_integer) return got == want || got == Json::value_t::number_unsigned;
  return got == want;
}

void expect_schema(const Json& object, const std::vector<std::pair<std::string, Json::value_t>>& schema,
                   const std::string& what) {
  ASSERT_TRUE(object.is_object()) << what << ": " << object.dump();
  std::vector<std::string> want, got;
  for (const auto& [key, type] : schema) {
    want.push_back(key);
    ASSERT_TRUE(object.contains(key)) << what << " has no " << key;
    EXPECT_TRUE(same_type(type, object.at(key).type())) << what << "." << key << " is " << object.at(key).type_name();
  }
  for (const auto& item : object.items()) got.push_back(item.key());
  std::sort(want.begin(), want.end());
  EXPECT_EQ(got, want) << what << ": keys other than the schema's";  // nlohmann::json sorts its keys
}

// Strict parse: nlohmann throws on invalid JSON or invalid UTF-8.
Json parse_output(const std::string& out) {
  EXPECT_FALSE(out.empty());
  EXPECT_EQ(out.back(), '\n');
  return Json::parse(out);
}

TEST(JsonSchema, StatusAndListKeepTheirSchema) {
  FakeMachine m;
  // Two recorded changes: a file sckl created, one it edited (a non-UTF-8 name).
  m.s.put_file("/etc/fstab\xff", "# base\n");
  {
    Manifest manifest;
    ChangeSet cs(m.s, manifest);
    ASSERT_TRUE(cs.put_file("/etc/sckl/made", "x\n").ok());
    ASSERT_TRUE(cs.put_file("/etc/fstab\xff", "# base\nUUID=x / ext4 defaults 0 1\n").ok());
  }
  auto status = m.run({"status", "--json"});
  ASSERT_EQ(status.code, 0);
  Json s = parse_output(status.out);
  expect_schema(s, kStatusSchema, "status");
  // The version sckl(8) documents; a change here must come with the man page's.
  EXPECT_EQ(s["schema_version"], 1);
  ASSERT_EQ(s["changes"].size(), 2u) << status.out;
  EXPECT_EQ(s["changes"][0]["path"], "/etc/sckl/made");
  EXPECT_EQ(s["changes"][1]["path"], "/etc/fstab\xef\xbf\xbd");
  for (const auto& c : s["changes"]) expect_schema(c, kChangeSchema, "status.changes[]");

  auto list = m.run({"list", "--json"});
  ASSERT_EQ(list.code, 0);
  Json l = parse_output(list.out);
  ASSERT_TRUE(l.is_array());
  ASSERT_FALSE(l.empty());
  for (const auto& k : l) expect_schema(k, kListSchema, "list[]");
}

// A kernel name (or path) read from the disk may be any bytes: the output
// stays valid UTF-8 JSON, the bad byte shown as U+FFFD.
TEST(JsonSchema, NonUtf8KernelNameStaysValidJson) {
  FakeMachine m;
  m.s.put_file("/proc/sys/kernel/osrelease", "6.1.0-47\xff-cloud-amd64\n");
  auto status = m.run({"status", "--json"});
  ASSERT_EQ(status.code, 0);
  Json s = parse_output(status.out);
  EXPECT_EQ(s["running_kernel"], "6.1.0-47\xef\xbf\xbd-cloud-amd64");
  expect_schema(s, kStatusSchema, "status");
}

// The last switch's timeline (switch_timeline.h) in `sckl status`: the
// figures, in text and JSON (milliseconds; null when unknown), for a switch
// from the generator and from sckl's init.
TEST(JsonSchema, StatusShowsTheLastSwitchsTimeline) {
  FakeMachine m;
  // No switch recorded: the object is there, empty; the text says nothing.
  Json s = parse_output(m.run({"status", "--json"}).out);
  ASSERT_TRUE(s["last_switch"].is_object());
  EXPECT_EQ(s["last_switch"]["target"], "");
  EXPECT_TRUE(s["last_switch"]["provider_to_systemd_ms"].is_null());
  EXPECT_EQ(m.run({"status"}).out.find("last switch:"), std::string::npos);

  m.s.put_file(paths::kSwitchTimes,
               "target=6.1.0-56-amd64\nprovider_systemd_ms=7720\nprovider_start_ms=7950\n"
               "provider_handover_ms=8720\nprovider_steps=lock +5 ms, load +600\nsome_newer_key=1\n");
  s = parse_output(m.run({"status", "--json"}).out);
  expect_schema(s, kStatusSchema, "status");
  const Json& l = s["last_switch"];
  EXPECT_EQ(l["target"], "6.1.0-56-amd64");
  EXPECT_EQ(l["provider_to_systemd_ms"], 7720);
  EXPECT_EQ(l["systemd_to_handover_ms"], 1000);
  EXPECT_TRUE(l["target_to_boot_ok_ms"].is_null());
  EXPECT_EQ(l["steps"], "lock +5 ms, load +600");
  auto text = m.run({"status"}).out;
  EXPECT_NE(text.find("last switch:    into 6.1.0-56-amd64: provider 7.720 s to systemd, 1.000 s systemd to "
                      "hand-over, target unknown to sckl-boot-ok\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("switch steps:   lock +5 ms, load +600 (ms since the generator's start)"), std::string::npos)
      << text;

  m.s.put_file(paths::kSwitchTimes, m.s.content(paths::kSwitchTimes) + "target_ok_ms=20100\n");
  s = parse_output(m.run({"status", "--json"}).out);
  expect_schema(s["last_switch"], kLastSwitchSchema, "status.last_switch");
  EXPECT_EQ(s["last_switch"]["target_to_boot_ok_ms"], 20100);
  EXPECT_NE(m.run({"status"}).out.find("target 20.100 s to sckl-boot-ok"), std::string::npos);

  // A record without started_by (an older sckl's) and one of the generator's
  // say so; the generator's start and its time to the hand-over are there.
  EXPECT_EQ(s["last_switch"]["started_by"], "");
  EXPECT_EQ(s["last_switch"]["provider_to_start_ms"], 7950);
  EXPECT_EQ(s["last_switch"]["start_to_handover_ms"], 770);
  m.s.put_file(paths::kSwitchTimes, m.s.content(paths::kSwitchTimes) + "started_by=generator\n");
  EXPECT_EQ(parse_output(m.run({"status", "--json"}).out)["last_switch"]["started_by"], "generator");

  // A switch from sckl's init: no systemd before it; its own figures instead.
  m.s.put_file(paths::kSwitchTimes,
               "target=6.1.0-56-amd64\nstarted_by=init\nprovider_start_ms=6300\nprovider_handover_ms=7449\n"
               "provider_steps=lock +62 ms, load +973\n");
  s = parse_output(m.run({"status", "--json"}).out);
  EXPECT_EQ(s["last_switch"]["started_by"], "init");
  EXPECT_TRUE(s["last_switch"]["provider_to_systemd_ms"].is_null());
  EXPECT_TRUE(s["last_switch"]["systemd_to_handover_ms"].is_null());
  EXPECT_EQ(s["last_switch"]["provider_to_start_ms"], 6300);
  EXPECT_EQ(s["last_switch"]["start_to_handover_ms"], 1149);
  text = m.run({"status"}).out;
  EXPECT_NE(text.find("last switch:    into 6.1.0-56-amd64: provider 6.300 s to sckl's init, 1.149 s sckl's init "
                      "to hand-over, target unknown to sckl-boot-ok\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("switch steps:   lock +62 ms, load +973 (ms since sckl's init started)"), std::string::npos)
      << text;

  // A damaged record costs its figures, never the command.
  m.s.put_file(paths::kSwitchTimes, "\xff\x01garbage\nprovider_systemd_ms=abc\n");
  auto r = m.run({"status", "--json"});
  EXPECT_EQ(r.code, 0);
  EXPECT_TRUE(parse_output(r.out)["last_switch"]["provider_to_systemd_ms"].is_null());
}

}  // namespace
}  // namespace sckl
