// The sckl command as a user runs it, against a temporary root (--root), so
// that nothing of this machine is read for decisions or written.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "system.h"

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
           {"frobnicate"}, {"status", "--frob"}, {"set-target"}, {"check", "--json"}, {"status", "extra"}, {}}) {
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

}  // namespace
}  // namespace sckl
