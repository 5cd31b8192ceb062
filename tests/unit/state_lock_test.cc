// The state lock on the real system: flock(2) on a file below a temporary
// root, held by this process, by a forked child, or handed to a child
// program on purpose.
#include "base/state_lock.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "base/paths.h"
#include "base/system.h"

namespace sckl {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

class StateLock : public ::testing::Test {
 protected:
  fs::path root;
  std::string lock_path;  // on the host
  void SetUp() override {
    char tmpl[] = "/tmp/sckl-lock-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    root = tmpl;
    lock_path = root.string() + paths::kStateLock;
  }
  void TearDown() override { fs::remove_all(root); }

  // Forks a child that takes the lock as `holder`, tells us, and holds it
  // until killed or `hold` has passed. Returns its pid.
  pid_t child_holding(const std::string& holder, milliseconds hold) {
    int ready[2];
    EXPECT_EQ(::pipe(ready), 0);
    pid_t pid = ::fork();
    if (pid == 0) {
      ::close(ready[0]);
      RealSystem sys(root.string());
      auto lock = lock_state(sys, holder, milliseconds(5000));
      char ok = lock.ok() ? 'y' : 'n';
      if (::write(ready[1], &ok, 1) != 1) ::_exit(3);
      ::usleep(static_cast<useconds_t>(hold.count() * 1000));
      ::_exit(0);
    }
    ::close(ready[1]);
    char ok = 0;
    EXPECT_EQ(::read(ready[0], &ok, 1), 1);
    ::close(ready[0]);
    EXPECT_EQ(ok, 'y') << "the child could not take the lock";
    return pid;
  }
  static void reap(pid_t pid) {
    int status = 0;
    ::waitpid(pid, &status, 0);
  }
};

TEST_F(StateLock, CreatesRunScklAndAPrivateLockFile) {
  const mode_t old = ::umask(0);  // must not make the lock file world-writable
  RealSystem sys(root.string());
  auto lock = lock_state(sys, "sckl test");
  ::umask(old);
  ASSERT_TRUE(lock.ok()) << lock.error().describe();
  struct ::stat st {};
  ASSERT_EQ(::stat((root / "run/sckl").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0755u);
  ASSERT_EQ(::lstat(lock_path.c_str(), &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));
  // 0600: flock needs only read access, so anyone who can open it can hold it.
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  EXPECT_EQ(st.st_uid, ::geteuid());
  std::ifstream in(lock_path);
  std::string content((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(content, std::to_string(::getpid()) + " sckl test\n");
}

TEST_F(StateLock, SecondHolderTimesOutNamingTheFileAndTheHolder) {
  RealSystem sys(root.string());
  auto first = lock_state(sys, "sckl arm");
  ASSERT_TRUE(first.ok());
  // A second open file in the same process conflicts like another process.
  const auto start = Clock::now();
  auto second = lock_state(sys, "sckl good", milliseconds(300));
  const auto waited = Clock::now() - start;
  ASSERT_FALSE(second.ok());
  const std::string m = second.error().describe();
  EXPECT_NE(m.find(lock_path), std::string::npos) << m;
  EXPECT_NE(m.find("pid " + std::to_string(::getpid()) + " (sckl arm)"), std::string::npos) << m;
  EXPECT_NE(m.find("300 ms"), std::string::npos) << m;
  EXPECT_NE(m.find("then run again"), std::string::npos) << m;
  EXPECT_GE(waited, milliseconds(300));
  EXPECT_LT(waited, milliseconds(3000));
  first.value().reset();  // released: the next one gets it at once
  EXPECT_TRUE(lock_state(sys, "sckl good", milliseconds(0)).ok());
}

TEST_F(StateLock, AForkedHolderMakesUsWaitAndNamesItsPid) {
  pid_t child = child_holding("postinst configure", milliseconds(800));
  RealSystem sys(root.string());
  auto busy = lock_state(sys, "zz-sckl 6.1.0-56-amd64", milliseconds(200));
  ASSERT_FALSE(busy.ok());
  EXPECT_NE(busy.error().message.find("pid " + std::to_string(child) + " (postinst configure)"), std::string::npos)
      << busy.error().message;
  // Waiting long enough: the child lets go when it exits.
  const auto start = Clock::now();
  auto got = lock_state(sys, "zz-sckl 6.1.0-56-amd64", milliseconds(10000));
  ASSERT_TRUE(got.ok()) << got.error().describe();
  EXPECT_GE(Clock::now() - start, milliseconds(300));
  reap(child);
}

TEST_F(StateLock, AKilledHolderLeavesNoStaleLock) {
  pid_t child = child_holding("sckl set-target", milliseconds(60000));
  RealSystem sys(root.string());
  EXPECT_FALSE(lock_state(sys, "sckl arm", milliseconds(0)).ok());
  ::kill(child, SIGKILL);
  reap(child);
  auto got = lock_state(sys, "sckl arm", milliseconds(0));
  EXPECT_TRUE(got.ok()) << got.error().describe();
}

TEST_F(StateLock, PlantedSymlinkOrFifoAtTheLockPathIsRefused) {
  fs::create_directories(root / "run/sckl");
  const fs::path aim = root / "elsewhere";
  fs::create_symlink(aim, lock_path);
  RealSystem sys(root.string());
  auto l = lock_state(sys, "sckl arm", milliseconds(0));
  ASSERT_FALSE(l.ok());
  EXPECT_NE(l.error().message.find(lock_path), std::string::npos) << l.error().message;
  EXPECT_FALSE(fs::exists(aim));  // not created through the link
  fs::remove(lock_path);
  ASSERT_EQ(::mkfifo(lock_path.c_str(), 0600), 0);
  auto f = lock_state(sys, "sckl arm", milliseconds(0));  // must not block in open()
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.error().message.find("not a regular file"), std::string::npos) << f.error().message;
}

TEST_F(StateLock, AnOpenLockFileLeftByOthersIsMadePrivate) {
  fs::create_directories(root / "run/sckl");
  std::ofstream(lock_path) << "";
  ::chmod(lock_path.c_str(), 0666);
  RealSystem sys(root.string());
  ASSERT_TRUE(lock_state(sys, "sckl arm").ok());
  struct ::stat st {};
  ASSERT_EQ(::stat(lock_path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
}

// update-initramfs, run under the lock, runs /etc/initramfs/post-update.d/sckl:
// that child must act under its parent's lock instead of waiting 60 s for it.
TEST_F(StateLock, AChildThatAsksActsUnderTheParentsLockOthersStillWait) {
  RealSystem sys(root.string());
  auto lock = lock_state(sys, "postinst configure");
  ASSERT_TRUE(lock.ok());
  const std::string sckl = std::string(SCKL_BINARY_DIR) + "/hooks/sckl";
  Command disable({sckl, "--root", root.string(), "disable"}, std::chrono::seconds(30), {{"DPKG_ROOT", ""}});
  disable.share_state_lock = true;
  const auto start = Clock::now();
  auto r = sys.run(disable);
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ(r.value().exit_code, 0) << r.value().err;
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(10));
  EXPECT_TRUE(fs::exists(root / "etc/sckl/disabled"));

  // Sharing does not open the lock to anybody else, also while a child has it.
  Command other({"flock", "--nonblock", "--conflict-exit-code", "99", lock_path, "true"}, std::chrono::seconds(10));
  for (bool share : {false, true}) {
    other.share_state_lock = share;
    auto o = sys.run(other);
    ASSERT_TRUE(o.ok()) << o.error().describe();
    EXPECT_EQ(o.value().exit_code, 99) << "share=" << share;
  }

  // Only a child that asks gets the descriptor; the others do not inherit it.
  auto lock_fds = [&](bool share) {
    Command ls({"ls", "-l", "/proc/self/fd/"}, std::chrono::seconds(10));
    ls.share_state_lock = share;
    auto o = sys.run(ls);
    EXPECT_TRUE(o.ok());
    int n = 0;
    for (size_t at = 0; o.ok() && (at = o.value().out.find(lock_path, at)) != std::string::npos; ++at) ++n;
    return n;
  };
  EXPECT_EQ(lock_fds(false), 0);
  EXPECT_EQ(lock_fds(true), 1);
}

TEST_F(StateLock, ADescriptorOfAnotherFileInTheEnvironmentIsNotTakenForTheLock) {
  pid_t child = child_holding("sckl arm", milliseconds(60000));
  // Locked by us, but not the lock file: it must not count.
  const std::string other = (root / "other").string();
  int fd = ::open(other.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  ASSERT_GE(fd, 0);
  ::setenv("SCKL_STATE_LOCK_FD", std::to_string(fd).c_str(), 1);
  RealSystem sys(root.string());
  auto l = lock_state(sys, "zz-sckl", milliseconds(200));
  ::unsetenv("SCKL_STATE_LOCK_FD");
  ::close(fd);
  ::kill(child, SIGKILL);
  reap(child);
  EXPECT_FALSE(l.ok());
}

}  // namespace
}  // namespace sckl
