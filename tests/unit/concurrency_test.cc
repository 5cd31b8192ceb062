// Many sckl processes at once on one root, as in an apt run that installs two
// kernels while the admin runs `sckl set-target`: the built `sckl` and kernel
// hook binaries, started together round after round. The state lock
// (state_lock.h) must serialise them: every state file is always one whole
// valid version, no temp file is left, and no process fails.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

#include "base/paths.h"
#include "boot/boot_state.h"
#include "formats/config.h"

namespace sckl {
namespace {

namespace fs = std::filesystem;

constexpr int kProcesses = 8;
#ifdef __SANITIZE_ADDRESS__
// Sanitized binaries start ~5x slower; that run looks for memory errors, the
// plain builds for races (without the lock they fail within 5 rounds).
constexpr int kRounds = 16;
#else
constexpr int kRounds = 50;
#endif
const char* const kVersion = "6.1.0-56-amd64";

struct Op {
  std::string name;
  std::vector<std::string> argv;
  bool hook;  // a kernel hook: the root comes from DPKG_ROOT, not --root
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class Concurrency : public ::testing::Test {
 protected:
  fs::path base;  // holds the roots and the processes' output
  void SetUp() override {
    // tmpfs when there is one: this is about locking, not about the disk,
    // and fsync on a tmpfs costs nothing.
    std::string tmpl = (fs::is_directory("/dev/shm") ? "/dev/shm" : "/tmp") + std::string("/sckl-conc-XXXXXX");
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    base = tmpl;
  }
  void TearDown() override { fs::remove_all(base); }

  fs::path make_root(const std::string& name) {
    fs::path r = base / name;
    auto put = [&](const std::string& rel, const std::string& content) {
      fs::create_directories((r / rel).parent_path());
      std::ofstream(r / rel, std::ios::binary) << content;
    };
    put("proc/cmdline", "root=/dev/vda console=ttyS0\n");
    put("proc/sys/kernel/osrelease", "6.1.0-47-cloud-amd64\n");
    put("proc/meminfo", "MemAvailable:     800000 kB\n");
    std::string image(0x400, '\0');
    image.replace(0x202, 4, "HdrS");
    put(std::string("boot/vmlinuz-") + kVersion, image);
    put(std::string("boot/initrd.img-") + kVersion, "initrd");
    fs::create_directories(r / "lib/modules" / kVersion);
    return r;
  }

  std::vector<Op> ops(const fs::path& root) {
    const std::string bin = std::string(SCKL_BINARY_DIR) + "/hooks/";
    const std::string r = root.string();
    auto sckl = [&](std::vector<std::string> args) {
      std::vector<std::string> argv = {bin + "sckl", "--root", r};
      argv.insert(argv.end(), args.begin(), args.end());
      return argv;
    };
    const std::string v = kVersion;
    return {
        {"disable", sckl({"disable"}), false},
        {"enable", sckl({"enable"}), false},
        {"set-target newest", sckl({"set-target", "newest"}), false},
        {"set-target " + v, sckl({"set-target", v}), false},
        {"good", sckl({"good"}), false},
        {"bad", sckl({"bad"}), false},
        {"retry", sckl({"retry"}), false},
        {"arm", sckl({"arm"}), false},
        {"kernel postinst", {bin + "sckl-kernel-postinst", v, "/boot/vmlinuz-" + v}, true},
        {"kernel postrm", {bin + "sckl-kernel-postrm", "6.1.0-57-amd64", "/boot/vmlinuz-6.1.0-57-amd64"}, true},
        {"initramfs post-update", {bin + "sckl-initramfs-post-update", v, "/boot/initrd.img-" + v}, true},
        {"status (reader)", sckl({"status"}), false},
    };
  }

  // Starts the process with stdout and stderr in `out`.
  pid_t start(const Op& op, const fs::path& root, const fs::path& out) {
    pid_t pid = ::fork();
    if (pid == 0) {
      int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      if (fd < 0 || ::dup2(fd, 1) < 0 || ::dup2(fd, 2) < 0) ::_exit(126);
      if (op.hook) ::setenv("DPKG_ROOT", root.c_str(), 1);
      else ::unsetenv("DPKG_ROOT");
      std::vector<char*> argv;
      for (const auto& a : op.argv) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    return pid;
  }

  // Runs one op alone and waits for it; its output.
  std::string run_alone(const Op& op, const fs::path& root) {
    fs::path out = base / "alone.out";
    pid_t pid = start(op, root, out);
    int status = 0;
    ::waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << op.name << ": " << slurp(out);
    return slurp(out);
  }
};

TEST_F(Concurrency, ManyWritersAtOnceNeverTearAStateFile) {
  // The valid states, each written by one command alone on a reference root.
  fs::path ref = make_root("reference");
  auto ref_ops = ops(ref);
  auto by_name = [&](const std::string& n) {
    for (const auto& o : ref_ops)
      if (o.name == n) return o;
    ADD_FAILURE() << n;
    return ref_ops[0];
  };
  std::set<std::string> valid_config, valid_state;
  std::string valid_disabled;
  for (const std::string& n : {std::string("set-target newest"), std::string("set-target ") + kVersion}) {
    run_alone(by_name(n), ref);
    valid_config.insert(slurp(ref / "etc/sckl/sckl.conf"));
  }
  for (const char* n : {"good", "bad", "retry"}) {
    run_alone(by_name(n), ref);
    valid_state.insert(slurp(ref / "var/lib/sckl/boot-state"));
  }
  run_alone(by_name("disable"), ref);
  valid_disabled = slurp(ref / "etc/sckl/disabled");
  ASSERT_EQ(valid_config.size(), 2u);
  ASSERT_EQ(valid_state.size(), 3u);
  ASSERT_FALSE(valid_disabled.empty());

  fs::path root = make_root("shared");
  auto all = ops(root);
  const auto started = std::chrono::steady_clock::now();
  int processes = 0;
  for (int round = 0; round < kRounds; ++round) {
    std::vector<std::pair<pid_t, const Op*>> running;
    // Most rounds pit writers of one file against each other (the races
    // the lock prevents need two writers of the same file at the same
    // moment), with a reader of it; every fourth round mixes everything.
    static const std::vector<std::vector<size_t>> kGroups = {
        {2, 3, 2, 3, 2, 3, 2, 11},     // sckl.conf: set-target
        {4, 5, 6, 4, 5, 6, 4, 11},     // boot-state: good, bad, retry
        {0, 1, 0, 1, 0, 1, 0, 11},     // /etc/sckl/disabled: disable, enable
        {8, 9, 10, 7, 2, 4, 0, 11}};   // hooks, arm and writers of each
    const auto& group = kGroups[static_cast<size_t>(round) % kGroups.size()];
    for (int i = 0; i < kProcesses; ++i) {
      const Op& op = all[group[static_cast<size_t>(i) % group.size()]];
      running.emplace_back(start(op, root, base / ("p" + std::to_string(i) + ".out")), &op);
    }
    for (size_t i = 0; i < running.size(); ++i) {
      int status = 0;
      ASSERT_EQ(::waitpid(running[i].first, &status, 0), running[i].first);
      ++processes;
      const std::string out = slurp(base / ("p" + std::to_string(i) + ".out"));
      ASSERT_TRUE(WIFEXITED(status)) << running[i].second->name << " crashed (signal " << WTERMSIG(status)
                                     << ") in round " << round << ": " << out;
      EXPECT_EQ(WEXITSTATUS(status), 0) << running[i].second->name << " in round " << round << ": " << out;
      // Kernel hooks exit 0 whatever happens: their output says whether it went well.
      EXPECT_EQ(out.find("error"), std::string::npos) << running[i].second->name << " in round " << round << ": " << out;
      EXPECT_EQ(out.find("line "), std::string::npos) << running[i].second->name << " saw a damaged file: " << out;
    }
    // Every state file is one whole valid version; no temp file is left.
    const std::string config = slurp(root / "etc/sckl/sckl.conf");
    if (fs::exists(root / "etc/sckl/sckl.conf")) {
      EXPECT_TRUE(valid_config.count(config)) << "round " << round << ", sckl.conf:\n" << config;
      EXPECT_TRUE(ConfigFile::parse(config, "sckl.conf").ok());
    }
    if (fs::exists(root / "var/lib/sckl/boot-state")) {
      const std::string state = slurp(root / "var/lib/sckl/boot-state");
      EXPECT_TRUE(valid_state.count(state)) << "round " << round << ", boot-state:\n" << state;
      EXPECT_TRUE(BootState::parse(state, "boot-state").ok());
    }
    if (fs::exists(root / "etc/sckl/disabled")) {
      EXPECT_EQ(slurp(root / "etc/sckl/disabled"), valid_disabled) << "round " << round;
    }
    for (const auto& e : fs::recursive_directory_iterator(root))
      EXPECT_FALSE(e.path().filename().string().ends_with(".sckl-new")) << "left over: " << e.path();
    if (::testing::Test::HasFailure()) break;  // one broken round says it all
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("figure: concurrency: %d processes (%d rounds of %d) in %.1f s\n", processes, kRounds, kProcesses, secs);
  EXPECT_EQ(processes, kRounds * kProcesses);
}

}  // namespace
}  // namespace sckl
