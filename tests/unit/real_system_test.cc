// RealSystem against a temporary directory standing for the target root.
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "base/process.h"
#include "base/system.h"

namespace sckl {
namespace {

namespace fs = std::filesystem;

class TempRoot : public ::testing::Test {
 protected:
  fs::path root;
  void SetUp() override {
    char tmpl[] = "/tmp/sckl-test-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    root = tmpl;
    fs::create_directories(root / "etc");
  }
  void TearDown() override { fs::remove_all(root); }
  std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
};

// PATH lookup as execvp does it: the first executable regular file wins;
// directories, non-executables and missing entries are passed over.
TEST_F(TempRoot, FindProgramWalksPathInOrder) {
  fs::create_directories(root / "a" / "tool");  // a directory of that name
  fs::create_directories(root / "b");
  fs::create_directories(root / "c");
  std::ofstream(root / "b" / "tool") << "#!/bin/sh\n";  // not executable
  std::ofstream(root / "c" / "tool") << "#!/bin/sh\n";
  fs::permissions(root / "c" / "tool", fs::perms::owner_all);
  const std::string path = (root / "missing").string() + ":" + (root / "a").string() + ":" +
                           (root / "b").string() + ":" + (root / "c").string();
  EXPECT_EQ(find_program("tool", path), (root / "c" / "tool").string());
  EXPECT_EQ(find_program("nothere", path), "");
  EXPECT_EQ(find_program("", path), "");
  EXPECT_EQ(find_program("/usr/bin/x", path), "/usr/bin/x");  // a path is taken as given
  EXPECT_EQ(find_program("tool", (root / "b").string()), "");
}

TEST_F(TempRoot, PathsAreMappedBelowTheRootAndShownThatWay) {
  RealSystem sys(root.string());
  ASSERT_TRUE(sys.write_file("/etc/x", "hello", 0640).ok());
  EXPECT_EQ(slurp(root / "etc/x"), "hello");
  struct ::stat st {};
  ASSERT_EQ(::stat((root / "etc/x").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0640u);
  EXPECT_EQ(sys.read_file("/etc/x").value(), "hello");
  EXPECT_EQ(sys.display("/etc/x"), (root / "etc/x").string());
  auto missing = sys.read_file("/etc/none");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find((root / "etc/none").string()), std::string::npos);
}

TEST_F(TempRoot, StatListRemoveAndDirectories) {
  RealSystem sys(root.string() + "/");
  ASSERT_TRUE(sys.make_dir("/etc/d", 0700).ok());
  ASSERT_TRUE(sys.make_dir("/etc/d", 0700).ok());  // existing is fine
  ASSERT_TRUE(sys.write_file("/etc/d/b", "", 0644).ok());
  ASSERT_TRUE(sys.write_file("/etc/d/a", "", 0644).ok());
  EXPECT_EQ(sys.list_dir("/etc/d").value(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(sys.stat("/etc/d").value().kind, FileKind::Directory);
  EXPECT_EQ(sys.stat("/etc/d").value().mode, 0700u);
  EXPECT_EQ(sys.stat("/etc/nothing/deeper").value().kind, FileKind::Missing);
  EXPECT_FALSE(sys.remove_dir("/etc/d").ok());  // not empty
  ASSERT_TRUE(sys.remove_file("/etc/d/a").ok());
  ASSERT_TRUE(sys.remove_file("/etc/d/a").ok());  // missing is fine
  ASSERT_TRUE(sys.remove_file("/etc/d/b").ok());
  ASSERT_TRUE(sys.remove_dir("/etc/d").ok());
  EXPECT_FALSE(fs::exists(root / "etc/d"));
}

TEST_F(TempRoot, WillNotWriteThroughASymlinkEvenADanglingOne) {
  fs::create_symlink("/etc/passwd-of-the-host", root / "etc/fstab");
  RealSystem sys(root.string());
  auto st = sys.write_file("/etc/fstab", "x", 0644);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("symbolic link"), std::string::npos);
  EXPECT_TRUE(fs::is_symlink(root / "etc/fstab"));
  EXPECT_EQ(sys.stat("/etc/fstab").value().kind, FileKind::Symlink);
  EXPECT_EQ(sys.read_link("/etc/fstab").value(), "/etc/passwd-of-the-host");
  EXPECT_FALSE(sys.read_file("/etc/fstab").ok());  // dangling
}

TEST_F(TempRoot, AStaleTempFileFromAKilledWriterIsReused) {
  std::ofstream(root / "etc/.f.sckl-new") << "half";
  RealSystem sys(root.string());
  ASSERT_TRUE(sys.write_file("/etc/f", "whole", 0644).ok());
  EXPECT_EQ(slurp(root / "etc/f"), "whole");
  EXPECT_FALSE(fs::exists(root / "etc/.f.sckl-new"));
}

TEST_F(TempRoot, UnwritablePlaceGivesAClearErrorAndNoFile) {
  // A regular file where a directory should be: open() fails (ENOTDIR) as
  // it would on a read-only /etc, and nothing is left behind.
  std::ofstream(root / "notadir") << "x";
  RealSystem sys(root.string());
  auto st = sys.write_file("/notadir/f", "x", 0644);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find((root / "notadir/f").string()), std::string::npos);
  EXPECT_EQ(st.error().errnum, ENOTDIR);
  EXPECT_EQ(slurp(root / "notadir"), "x");
}

// The writer is killed (SIGKILL, no clean-up) after each of its steps; the
// file is then either wholly the old content or wholly the new one.
TEST_F(TempRoot, KilledAtEveryStepTheFileIsWhollyOldOrWhollyNew) {
  const std::string old_content(100000, 'o');
  const std::string new_content(150000, 'n');
  static AtomicWriteStep kill_at;
  const AtomicWriteStep steps[] = {AtomicWriteStep::Opened, AtomicWriteStep::Written, AtomicWriteStep::Synced,
                                   AtomicWriteStep::Renamed, AtomicWriteStep::DirSynced};
  for (AtomicWriteStep step : steps) {
    {
      std::ofstream out(root / "etc/f", std::ios::binary | std::ios::trunc);
      out << old_content;
    }
    kill_at = step;
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      RealSystem sys(root.string());
      sys.set_write_step_hook([](AtomicWriteStep s) {
        if (s == kill_at) ::kill(::getpid(), SIGKILL);
      });
      (void)sys.write_file("/etc/f", new_content, 0644);
      ::_exit(0);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status)) << "writer was not killed at step " << static_cast<int>(step);
    std::string now = slurp(root / "etc/f");
    const bool renamed = step == AtomicWriteStep::Renamed || step == AtomicWriteStep::DirSynced;
    EXPECT_EQ(now, renamed ? new_content : old_content) << "step " << static_cast<int>(step);
    // The next write succeeds over whatever the killed one left.
    RealSystem sys(root.string());
    ASSERT_TRUE(sys.write_file("/etc/f", new_content, 0644).ok());
    EXPECT_EQ(slurp(root / "etc/f"), new_content);
    EXPECT_FALSE(fs::exists(root / "etc/.f.sckl-new"));
  }
}

// --- Hostile layouts: symlinks, hard links and FIFOs planted where sckl
// writes. Nothing outside the root may change, and nothing may hang.

class Planted : public TempRoot {
 protected:
  fs::path outside;  // stands for a file of the host an attacker aims at
  void SetUp() override {
    TempRoot::SetUp();
    char tmpl[] = "/tmp/sckl-outside-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    outside = tmpl;
    std::ofstream(outside / "victim") << "precious";
  }
  void TearDown() override {
    fs::remove_all(outside);
    TempRoot::TearDown();
  }
  // Everything below `outside`, for "nothing there changed".
  std::vector<std::string> outside_listing() {
    std::vector<std::string> out;
    for (auto& e : fs::recursive_directory_iterator(outside)) out.push_back(e.path().string());
    std::sort(out.begin(), out.end());
    return out;
  }
};

TEST_F(Planted, SymlinkAtTheTargetToAHostFileIsRefusedAndTheFileUntouched) {
  fs::create_symlink(outside / "victim", root / "etc/fstab");
  RealSystem sys(root.string());
  auto st = sys.write_file("/etc/fstab", "evil", 0644);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find((root / "etc/fstab").string()), std::string::npos) << st.error().message;
  EXPECT_NE(st.error().message.find("symbolic link"), std::string::npos);
  EXPECT_EQ(slurp(outside / "victim"), "precious");
  EXPECT_TRUE(fs::is_symlink(root / "etc/fstab"));
  EXPECT_FALSE(fs::exists(root / "etc/.fstab.sckl-new"));
}

TEST_F(Planted, SymlinkAtTheTempPathIsRefusedAndNothingOutsideIsWritten) {
  for (const fs::path& aim : {outside / "victim", outside / "new-file"}) {  // existing and dangling
    fs::remove(root / "etc/.fstab.sckl-new");
    fs::create_symlink(aim, root / "etc/.fstab.sckl-new");
    RealSystem sys(root.string());
    auto st = sys.write_file("/etc/fstab", "evil", 0644);
    ASSERT_FALSE(st.ok()) << aim;
    EXPECT_NE(st.error().message.find((root / "etc/.fstab.sckl-new").string()), std::string::npos)
        << st.error().message;
    EXPECT_EQ(slurp(outside / "victim"), "precious");
    EXPECT_FALSE(fs::exists(outside / "new-file"));
    EXPECT_FALSE(fs::exists(root / "etc/fstab"));
    EXPECT_TRUE(fs::is_symlink(root / "etc/.fstab.sckl-new"));  // left for the admin to look at
  }
}

TEST_F(Planted, HardLinkAtTheTempPathIsNeverWrittenThrough) {
  fs::create_hard_link(outside / "victim", root / "etc/.fstab.sckl-new");
  RealSystem sys(root.string());
  ASSERT_TRUE(sys.write_file("/etc/fstab", "new", 0644).ok());
  EXPECT_EQ(slurp(root / "etc/fstab"), "new");
  EXPECT_EQ(slurp(outside / "victim"), "precious");
  EXPECT_EQ(fs::hard_link_count(outside / "victim"), 1u);
}

TEST_F(Planted, FifoAtTheTempPathIsRefusedWithoutWaiting) {
  ASSERT_EQ(::mkfifo((root / "etc/.fstab.sckl-new").c_str(), 0600), 0);
  RealSystem sys(root.string());
  auto st = sys.write_file("/etc/fstab", "x", 0644);  // would block forever if it opened the FIFO
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("not a regular file"), std::string::npos) << st.error().message;
}

TEST_F(Planted, AbsoluteSymlinkInAParentDirectoryStaysInsideTheRoot) {
  // ROOT/etc/sckl -> OUTSIDE: followed as the host would, it would write the
  // host's file; resolved inside the root it names ROOT/OUTSIDE, absent here.
  fs::create_symlink(outside, root / "etc/sckl");
  RealSystem sys(root.string());
  EXPECT_FALSE(sys.write_file("/etc/sckl/victim", "evil", 0644).ok());
  EXPECT_FALSE(sys.make_dir("/etc/sckl/newdir", 0755).ok());
  auto lock = sys.lock_file("/etc/sckl/lock", std::chrono::milliseconds(0), "test");
  EXPECT_FALSE(lock.ok());
  EXPECT_EQ(slurp(outside / "victim"), "precious");
  EXPECT_EQ(outside_listing(), std::vector<std::string>{(outside / "victim").string()});
  // The same link inside an image that has that directory: the write lands
  // there, below the root.
  fs::create_directories(root / outside.relative_path());
  ASSERT_TRUE(sys.write_file("/etc/sckl/victim", "inside", 0644).ok());
  EXPECT_EQ(slurp(root / outside.relative_path() / "victim"), "inside");
  EXPECT_EQ(slurp(outside / "victim"), "precious");
}

// Reads, stats, lists and removals resolve inside the root too: a purge of
// an image with ROOT/etc/sckl -> OUTSIDE must not remove OUTSIDE's files,
// and what sckl reads there must not come from OUTSIDE.
TEST_F(Planted, ReadsAndRemovalsThroughAnAbsoluteSymlinkStayInsideTheRoot) {
  fs::create_directories(outside / "sub");
  std::ofstream(outside / "sub" / "f") << "host";
  fs::create_symlink(outside, root / "etc/sckl");
  RealSystem sys(root.string());
  EXPECT_FALSE(sys.read_file("/etc/sckl/victim").ok());
  auto info = sys.stat("/etc/sckl/victim");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info.value().kind, FileKind::Missing);
  EXPECT_FALSE(sys.list_dir("/etc/sckl").ok());
  EXPECT_FALSE(sys.read_link("/etc/sckl/victim").ok());
  EXPECT_TRUE(sys.remove_file("/etc/sckl/victim").ok());  // absent below the root: nothing to do
  EXPECT_TRUE(sys.remove_dir("/etc/sckl/sub").ok());
  EXPECT_EQ(slurp(outside / "victim"), "precious");
  EXPECT_EQ(slurp(outside / "sub" / "f"), "host");
  // The link itself is still seen as a link (lstat), and can be removed.
  ASSERT_TRUE(sys.stat("/etc/sckl").ok());
  EXPECT_EQ(sys.stat("/etc/sckl").value().kind, FileKind::Symlink);
  auto target = sys.read_link("/etc/sckl");
  ASSERT_TRUE(target.ok());
  EXPECT_EQ(target.value(), outside.string());
  // The same path inside an image that has that directory: read there.
  fs::create_directories(root / outside.relative_path());
  std::ofstream(root / outside.relative_path() / "victim") << "image";
  auto inside = sys.read_file("/etc/sckl/victim");
  ASSERT_TRUE(inside.ok());
  EXPECT_EQ(inside.value(), "image");
  auto names = sys.list_dir("/etc/sckl");
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(names.value(), std::vector<std::string>{"victim"});
  ASSERT_TRUE(sys.remove_file("/etc/sckl/victim").ok());
  EXPECT_FALSE(fs::exists(root / outside.relative_path() / "victim"));
  EXPECT_EQ(slurp(outside / "victim"), "precious");
}

TEST_F(Planted, MakeDirRefusesASymlinkAndLeavesItsTargetAlone) {
  fs::create_directories(outside / "dir");
  fs::permissions(outside / "dir", fs::perms(0700));
  fs::create_symlink(outside / "dir", root / "etc/sckl");
  RealSystem sys(root.string());
  auto st = sys.make_dir("/etc/sckl", 0755);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("symbolic link"), std::string::npos) << st.error().message;
  EXPECT_EQ(static_cast<unsigned>(fs::status(outside / "dir").permissions()), 0700u);
}

// Files root-owned (the caller's uid) 0644, directories 0755, whatever the
// umask of whoever runs sckl.
TEST_F(TempRoot, ModesAndOwnerAreExactlyWhatWasAskedWhateverTheUmask) {
  for (mode_t mask : {mode_t{0}, mode_t{022}, mode_t{077}, mode_t{0777}}) {
    const mode_t old = ::umask(mask);
    RealSystem sys(root.string());
    const std::string dir = "/var/lib/sckl-" + std::to_string(mask);
    ASSERT_TRUE(make_parents(sys, dir + "/x").ok());  // /var, /var/lib, dir
    ASSERT_TRUE(sys.write_file(dir + "/state", "s", 0644).ok());
    ASSERT_TRUE(sys.write_file(dir + "/state", "t", 0644).ok());  // replacing keeps it so
    ::umask(old);
    for (const std::string& d : {std::string("/var"), std::string("/var/lib"), dir}) {
      struct ::stat st {};
      ASSERT_EQ(::stat((root.string() + d).c_str(), &st), 0) << d;
      EXPECT_EQ(st.st_mode & 07777, 0755u) << d << " umask " << std::oct << mask;
      EXPECT_EQ(st.st_uid, ::geteuid());
    }
    struct ::stat st {};
    ASSERT_EQ(::stat((root.string() + dir + "/state").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0644u) << "umask " << std::oct << mask;
    EXPECT_EQ(st.st_uid, ::geteuid());
    EXPECT_EQ(st.st_gid, ::getegid());
  }
}

TEST(RealSystemRun, CapturesOutputErrorAndExitCodeWithoutAShell) {
  RealSystem sys;
  auto r = sys.run(Command{{"sh", "-c", "echo out; echo err >&2; exit 3"}, std::chrono::seconds(10), {}});
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ(r.value().exit_code, 3);
  EXPECT_EQ(r.value().out, "out\n");
  EXPECT_EQ(r.value().err, "err\n");
  // Arguments are passed as they are: no word splitting, no globbing.
  auto echo = sys.run(Command{{"echo", "a b", "*", "$HOME"}, std::chrono::seconds(10), {}});
  ASSERT_TRUE(echo.ok());
  EXPECT_EQ(echo.value().out, "a b * $HOME\n");
}

TEST(RealSystemRun, ExtraEnvironmentReachesTheChild) {
  RealSystem sys;
  auto r = sys.run(Command{{"printenv", "SCKL_PROBE"}, std::chrono::seconds(10), {{"SCKL_PROBE", "42"}}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().out, "42\n");
}

TEST(RealSystemRun, TimeoutStopsTheChildAndSaysSo) {
  RealSystem sys;
  auto start = std::chrono::steady_clock::now();
  auto r = sys.run(Command{{"sleep", "30"}, std::chrono::milliseconds(300), {}});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("did not finish"), std::string::npos);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

// A child that runs out of time goes with what it started: a grandchild
// left alive would hold sckl's lock (update-initramfs' helpers) or the boot.
TEST(RealSystemRun, TimeoutKillsTheChildsWholeProcessGroup) {
  char dir[] = "/tmp/sckl-pgroup.XXXXXX";
  ASSERT_NE(::mkdtemp(dir), nullptr);
  const std::string pidfile = std::string(dir) + "/grandchild";
  RealSystem sys;
  // The grandchild keeps no pipe open: only its process group ties it to
  // the child.
  auto r = sys.run(Command{{"sh", "-c", "sleep 300 >/dev/null 2>&1 & echo $! > " + pidfile + "; wait"},
                           std::chrono::milliseconds(500), {}});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("process group"), std::string::npos) << r.error().message;
  std::ifstream in(pidfile);
  pid_t grandchild = 0;
  in >> grandchild;
  ASSERT_GT(grandchild, 1) << "the fake child did not start its grandchild";
  // Killed at once; reaping by init may take a moment (a zombie is gone too).
  bool gone = false;
  for (int i = 0; i < 100 && !gone; ++i) {
    std::ifstream stat("/proc/" + std::to_string(grandchild) + "/stat");
    std::string pid, comm, state;
    gone = !(stat >> pid >> comm >> state) || state == "Z";
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (!gone) ::kill(grandchild, SIGKILL);
  EXPECT_TRUE(gone) << "grandchild " << grandchild << " outlived its timed-out parent";
  std::filesystem::remove_all(dir);
}

TEST(RealSystemRun, MissingProgramIsNamed) {
  RealSystem sys;
  auto r = sys.run(Command{{"sckl-no-such-program"}, std::chrono::seconds(5), {}});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("sckl-no-such-program"), std::string::npos);
  EXPECT_NE(r.error().hint.find("install"), std::string::npos);
}

TEST(RealSystemRun, DeathBySignalIsAnError) {
  RealSystem sys;
  auto r = sys.run(Command{{"sh", "-c", "echo dying >&2; kill -9 $$"}, std::chrono::seconds(10), {}});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("signal 9"), std::string::npos);
  EXPECT_NE(r.error().message.find("dying"), std::string::npos);
}

// Below another root there is no mount or boot of the system's own: all
// are refused, and the message names what was asked.
TEST_F(TempRoot, RemountPriorityAndMountsAreRefusedBelowAnotherRoot) {
  RealSystem sys(root.string());
  Status r = sys.remount("/", true);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().errnum, ENOSYS);
  EXPECT_NE(r.error().message.find("read-only"), std::string::npos) << r.error().describe();
  Status n = sys.set_cpu_nice(-20);
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.error().errnum, ENOSYS);
  Status m = sys.mount_api(ApiMount{"/run", "tmpfs", true, true, false, "mode=0755"});
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().errnum, ENOSYS);
  EXPECT_NE(m.error().message.find("cannot mount tmpfs on " + root.string() + "/run"), std::string::npos)
      << m.error().describe();
}

// What the child of RealSystemMount reports through its exit code.
enum MountCheck {
  kMountOk = 0,
  kNoNamespace = 10,
  kNotReadOnly,
  kNotWritable,
  kFlagLost,
  kRemountFailed,
  kSetupFailed,
  kApiMountFailed,
  kApiMountFlags
};

// The remount on a real mount: a tmpfs with nosuid, nodev and noexec in a
// private mount namespace of a child process (nothing of this machine's
// mounts is touched), remounted read-only and back, keeps those flags; then
// mount_api puts a new tmpfs over it with the flags asked for.
TEST(RealSystemMount, RemountTogglesReadOnlyAndKeepsTheMountsFlags) {
  char tmpl[] = "/tmp/sckl-mount-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    if (::unshare(CLONE_NEWNS) != 0) ::_exit(kNoNamespace);
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) ::_exit(kSetupFailed);
    if (::mount("sckl-test", dir.c_str(), "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=64k") != 0)
      ::_exit(kSetupFailed);
    RealSystem sys;
    auto flags = [&] {
      struct statvfs v{};
      return ::statvfs(dir.c_str(), &v) == 0 ? v.f_flag : ~0UL;
    };
    const unsigned long kept = ST_NOSUID | ST_NODEV | ST_NOEXEC;
    if (!sys.remount(dir, true).ok()) ::_exit(kRemountFailed);
    if (!(flags() & ST_RDONLY)) ::_exit(kNotReadOnly);
    if ((flags() & kept) != kept) ::_exit(kFlagLost);
    if (!sys.remount(dir, false).ok()) ::_exit(kRemountFailed);
    if (flags() & ST_RDONLY) ::_exit(kNotWritable);
    if ((flags() & kept) != kept) ::_exit(kFlagLost);
    // sckl's init mounts a new file system instance with its flags and
    // options (init_shim.h: /run's kind), here on top of the test's tmpfs.
    if (!sys.mount_api(ApiMount{dir, "tmpfs", true, true, false, "mode=0755,size=64k"}).ok())
      ::_exit(kApiMountFailed);
    if ((flags() & (ST_NOSUID | ST_NODEV | ST_NOEXEC)) != (ST_NOSUID | ST_NODEV)) ::_exit(kApiMountFlags);
    ::_exit(kMountOk);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ::rmdir(dir.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  const int code = WEXITSTATUS(status);
  if (code == kNoNamespace || code == kSetupFailed) {
    if (const char* r = std::getenv("SCKL_REQUIRE_SYS"); r && std::string(r) == "1")
      GTEST_FAIL() << "no private mount namespace with a tmpfs here (SCKL_REQUIRE_SYS=1): cannot test remount";
    GTEST_SKIP() << "no private mount namespace here (not root): remount is tested by tests/run-all's host run";
  }
  EXPECT_EQ(code, kMountOk) << "see MountCheck for the code";
}

TEST(RealSystemPriority, NiceIsSetForThisProcessAndItsChildren) {
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    RealSystem sys;
    // Lowering the priority needs no privilege.
    if (!sys.set_cpu_nice(7).ok()) ::_exit(1);
    errno = 0;
    ::_exit(::getpriority(PRIO_PROCESS, 0) == 7 && errno == 0 ? 0 : 2);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

}  // namespace
}  // namespace sckl
