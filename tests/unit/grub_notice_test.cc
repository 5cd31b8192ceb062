// The JSON hook that names sckl in apt's output (grub_notice.h), fed apt's
// messages as apt 2.6 writes them (apt-private/private-json-hooks.cc).
#include "apt/grub_notice.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <thread>

#include "apt/apt_files.h"
#include "log_capture.h"

namespace sckl {
namespace {

using testing::LogCapture;

class FakeFacts : public AptPackageFacts {
 public:
  std::map<std::string, std::string> newest;
  std::map<std::string, std::vector<std::vector<std::string>>> recs;  // by "pkg=version"
  std::vector<std::string> present;
  std::string newest_version(const std::string& pkg) override { return newest.count(pkg) ? newest[pkg] : ""; }
  std::vector<std::vector<std::string>> recommends(const std::string& pkg, const std::string& version) override {
    return recs[pkg + "=" + version];
  }
  bool installed(const std::string& pkg) override {
    return std::find(present.begin(), present.end(), pkg) != present.end();
  }
};

JsonValue message(const std::string& text) {
  auto v = parse_json(text);
  EXPECT_TRUE(v.ok()) << v.error().describe();
  return v.ok() ? v.value() : JsonValue{};
}

// apt's install.fail after "Package grub-pc has no installation candidate"
// (the pin): grub-pc is a search term, not in the packages list.
const char* kNoCandidate =
    R"({"jsonrpc":"2.0","method":"org.debian.apt.hooks.install.fail","params":{"command":"install",)"
    R"("search-terms":["grub-pc"],"unknown-packages":[],"packages":[]}})";

TEST(GrubNotice, PackageOfTerm) {
  EXPECT_EQ(package_of_term("grub-pc"), "grub-pc");
  EXPECT_EQ(package_of_term("grub-pc=2.06-13+deb12u1"), "grub-pc");
  EXPECT_EQ(package_of_term("grub-pc/bookworm"), "grub-pc");
  EXPECT_EQ(package_of_term("grub-pc:amd64"), "grub-pc");
}

TEST(GrubNotice, RefusedInstallNamesScklTheReasonAndTheOverrideWithTheVersion) {
  FakeFacts f;
  f.newest["grub-pc"] = "2.06-13+deb12u1";
  auto lines = json_hook_notices(message(kNoCandidate), f);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].find("refused to install grub-pc: "), 0u);
  EXPECT_EQ(lines[0].find('.'), lines[0].size() - 1) << "one sentence: " << lines[0];
  EXPECT_EQ(lines[1], "to install it anyway: apt -o Sckl::Allow-Grub=true install grub-pc=2.06-13+deb12u1");
}

TEST(GrubNotice, WithoutAKnownVersionTheOverrideSaysVersion) {
  FakeFacts f;
  auto lines = json_hook_notices(message(kNoCandidate), f);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[1], "to install it anyway: apt -o Sckl::Allow-Grub=true install grub-pc=VERSION");
}

TEST(GrubNotice, OtherFailuresAndNotificationsSayNothing) {
  FakeFacts f;
  f.newest["grub-pc"] = "2";
  EXPECT_TRUE(json_hook_notices(message(R"({"method":"org.debian.apt.hooks.install.fail","params":)"
                                        R"({"command":"install","search-terms":["nginx"],"packages":[]}})"),
                                f)
                  .empty());
  EXPECT_TRUE(json_hook_notices(message(R"({"method":"org.debian.apt.hooks.install.pre-prompt","params":)"
                                        R"({"command":"install","search-terms":["grub-pc"],"packages":[]}})"),
                                f)
                  .empty());
  EXPECT_TRUE(json_hook_notices(message(R"({"method":"org.debian.apt.hooks.install.fail"})"), f).empty());
}

TEST(GrubNotice, AFailureAfterThePreInstallHookRefusedIsNotToldTwice) {
  // "apt install grub-pc=V" got past the pin; apt's install list has it and
  // the Pre-Install-Pkgs hook already said why.
  FakeFacts f;
  auto lines = json_hook_notices(
      message(R"({"method":"org.debian.apt.hooks.install.fail","params":{"command":"install",)"
              R"("search-terms":["grub-pc=2.06-13"],"packages":[{"name":"grub-pc","mode":"install",)"
              R"("versions":{"install":{"version":"2.06-13"}}}]}})"),
      f);
  EXPECT_TRUE(lines.empty());
}

// apt's package-list for "apt install linux-generic" on the Ubuntu-shaped
// fixture: the versioned image recommends grub-pc | ... | lilo.
const char* kKernelList =
    R"({"method":"org.debian.apt.hooks.install.package-list","params":{"command":"install",)"
    R"("search-terms":["linux-generic"],"packages":[)"
    R"({"name":"linux-generic","mode":"install","versions":{"install":{"version":"6.1.0.57.1"}}},)"
    R"({"name":"linux-image-6.1.0-57-generic","mode":"install","versions":{"install":{"version":"6.1.0-57.1"}}},)"
    R"({"name":"old","mode":"deinstall","versions":{}}]}})";

TEST(GrubNotice, ARecommendedBootloaderThatStaysOutGetsOneLine) {
  FakeFacts f;
  f.recs["linux-image-6.1.0-57-generic=6.1.0-57.1"] = {
      {"grub-pc", "grub-efi-amd64", "grub-efi-ia32", "grub", "lilo"}, {"firmware-linux"}};
  auto lines = json_hook_notices(message(kKernelList), f);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].find("declined grub-pc (recommended by linux-image-6.1.0-57-generic): "), 0u) << lines[0];
}

TEST(GrubNotice, AMetRecommendOrNoBootloaderSaysNothing) {
  FakeFacts f;
  f.recs["linux-image-6.1.0-57-generic=6.1.0-57.1"] = {{"grub-pc", "lilo"}, {"firmware-linux"}};
  f.present = {"grub-pc"};  // the admin installed one with the override
  EXPECT_TRUE(json_hook_notices(message(kKernelList), f).empty());
  FakeFacts none;
  none.recs["linux-image-6.1.0-57-generic=6.1.0-57.1"] = {{"firmware-linux"}};
  EXPECT_TRUE(json_hook_notices(message(kKernelList), none).empty());
}

// The whole exchange over a socket pair, as apt does it: hello, our answer,
// one notification, bye, apt closes its end.
TEST(GrubNotice, ServesAptsProtocolOverTheSocket) {
  int sv[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  FakeFacts f;
  f.newest["grub-pc"] = "2.06-13+deb12u1";
  LogCapture log;
  Status served;
  std::thread hook([&] { served = serve_json_hook(sv[0], f); });
  std::string hello =
      R"({"jsonrpc":"2.0","method":"org.debian.apt.hooks.hello","id":0,"params":{"versions":["0.1","0.2"]}})"
      "\n\n";
  ASSERT_EQ(write(sv[1], hello.data(), hello.size()), static_cast<ssize_t>(hello.size()));
  std::string reply;
  char c;
  while (reply.find("\n\n") == std::string::npos && read(sv[1], &c, 1) == 1) reply += c;
  EXPECT_EQ(reply, "{\"jsonrpc\":\"2.0\",\"id\":0,\"result\":{\"version\":\"0.2\"}}\n\n");
  std::string rest = std::string(kNoCandidate) + "\n\n" +
                     R"({"jsonrpc":"2.0","method":"org.debian.apt.hooks.bye","params":{}})" + "\n\n";
  ASSERT_EQ(write(sv[1], rest.data(), rest.size()), static_cast<ssize_t>(rest.size()));
  close(sv[1]);
  hook.join();
  close(sv[0]);
  EXPECT_TRUE(served.ok()) << served.error().describe();
  EXPECT_TRUE(log.contains("refused to install grub-pc"));
  EXPECT_TRUE(log.contains("apt -o Sckl::Allow-Grub=true install grub-pc=2.06-13+deb12u1"));
}

// In "apt remove sckl" apt runs the JSON hooks again after dpkg deleted the
// program: the configured command must then answer apt's hello itself and
// exit 0, or that remove fails.
TEST(GrubNotice, TheConfiguredCommandAnswersTheHelloWithoutTheProgram) {
  if (access("/usr/lib/sckl/apt-grub-notice", F_OK) == 0)
    GTEST_SKIP() << "sckl is installed on this machine: the command would run the program";
  int sv[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    close(sv[1]);
    setenv("APT_HOOK_SOCKET", std::to_string(sv[0]).c_str(), 1);
    execl("/bin/sh", "sh", "-c", json_hook_command().c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(sv[0]);
  std::string hello = R"({"jsonrpc":"2.0","method":"org.debian.apt.hooks.hello","id":0})" "\n\n";
  ASSERT_EQ(write(sv[1], hello.data(), hello.size()), static_cast<ssize_t>(hello.size()));
  std::string reply;
  char c;
  while (read(sv[1], &c, 1) == 1) reply += c;
  close(sv[1]);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_EQ(reply, "{\"jsonrpc\":\"2.0\",\"id\":0,\"result\":{\"version\":\"0.2\"}}\n\n");
}

TEST(GrubNotice, AGarbledMessageIsAnErrorValue) {
  int sv[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  std::string junk = "not json\n\n";
  ASSERT_EQ(write(sv[1], junk.data(), junk.size()), static_cast<ssize_t>(junk.size()));
  close(sv[1]);
  FakeFacts f;
  Status st = serve_json_hook(sv[0], f);
  close(sv[0]);
  EXPECT_FALSE(st.ok());
}

}  // namespace
}  // namespace sckl
