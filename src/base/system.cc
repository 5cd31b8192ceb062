#include "base/system.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <thread>

#include "base/process.h"

namespace sckl {

std::string System::display(const std::string& path) const {
  const std::string& r = root();
  if (r.empty() || r == "/") return path;
  return (r.back() == '/' ? r.substr(0, r.size() - 1) : r) + path;
}

std::string parent_dir(const std::string& path) {
  auto pos = path.find_last_of('/');
  if (pos == std::string::npos) return ".";
  if (pos == 0) return "/";
  return path.substr(0, pos);
}

std::string base_name(const std::string& path) {
  auto pos = path.find_last_of('/');
  return pos == std::string::npos ? path : path.substr(pos + 1);
}

Result<bool> path_exists(System& sys, const std::string& path) {
  auto st = sys.stat(path);
  if (!st.ok()) return st.error();
  return st.value().kind != FileKind::Missing;
}

Result<std::string> read_if_present(System& sys, const std::string& path) {
  auto e = path_exists(sys, path);
  if (!e.ok()) return e.error();
  if (!e.value()) return std::string();
  return sys.read_file(path);
}

Status make_parents(System& sys, const std::string& path) {
  std::string dir = parent_dir(path);
  if (dir == "/" || dir == ".") return {};
  auto st = sys.stat(dir);
  if (!st.ok()) return st.error();
  if (st.value().kind == FileKind::Directory) return {};
  if (st.value().kind != FileKind::Missing)
    return Error{"cannot create " + sys.display(dir) + ": a file that is not a directory is in the way", ENOTDIR,
                 "move it away and run the command again"};
  SCKL_TRY(make_parents(sys, dir));
  return sys.make_dir(dir, 0755);
}

RealSystem::RealSystem(std::string root, const DeviceQueries* devices) : root_(std::move(root)), devices_(devices) {
  if (root_.empty()) root_ = "/";
  while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
}

std::string RealSystem::root_from_environment() {
  const char* r = std::getenv("DPKG_ROOT");
  return r && *r ? r : "/";
}

std::unique_ptr<RealSystem> RealSystem::from_environment(const DeviceQueries* devices) {
  return std::make_unique<RealSystem>(root_from_environment(), devices);
}

Result<DeviceTags> RealSystem::probe_block_device(const std::string& device) {
  // A program bug, not the machine's: its main() did not pass the queries.
  if (!devices_) return Error{"cannot probe " + device + ": this program was built without device queries", ENOSYS, {}};
  return devices_->probe_block_device(device);
}

Result<DeviceTags> RealSystem::udev_properties(const std::string& syspath) {
  if (!devices_)
    return Error{"cannot ask udev about " + syspath + ": this program was built without device queries", ENOSYS, {}};
  return devices_->udev_properties(syspath);
}

std::string RealSystem::host_path(const std::string& path) const {
  if (root_ == "/") return path;
  return root_ + path;
}

namespace {

// Closes a descriptor when it goes out of scope.
struct Fd {
  int fd = -1;
  explicit Fd(int f) : fd(f) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

// Reads, stats, lists and removals go through open_in_root/open_parent like
// writes do: below another root, ROOT/etc/sckl -> /etc must not make a purge
// remove, or a read report, this machine's files.
Result<std::string> RealSystem::read_file(const std::string& path) {
  int fd = open_in_root(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return system_error("cannot read " + display(path), errno);
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      ::close(fd);
      return system_error("cannot read " + display(path), e);
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

Result<FileInfo> RealSystem::stat(const std::string& path) {
  struct ::stat st {};
  int rc;
  if (path == "/") {
    rc = ::lstat(root_.c_str(), &st);
  } else {
    Fd dir(open_parent(path));
    if (dir.fd < 0) {
      if (errno == ENOENT || errno == ENOTDIR) return FileInfo{};
      return system_error("cannot examine " + display(path), errno);
    }
    rc = ::fstatat(dir.fd, base_name(path).c_str(), &st, AT_SYMLINK_NOFOLLOW);
  }
  if (rc != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return FileInfo{};
    return system_error("cannot examine " + display(path), errno);
  }
  FileInfo info;
  info.mode = st.st_mode & 07777;
  info.size = static_cast<unsigned long long>(st.st_size);
  if (S_ISREG(st.st_mode)) info.kind = FileKind::Regular;
  else if (S_ISDIR(st.st_mode)) info.kind = FileKind::Directory;
  else if (S_ISLNK(st.st_mode)) info.kind = FileKind::Symlink;
  else info.kind = FileKind::Other;
  return info;
}

Result<std::string> RealSystem::read_link(const std::string& path) {
  std::string buf(4096, '\0');
  Fd dir(open_parent(path));
  if (dir.fd < 0) return system_error("cannot read the link " + display(path), errno);
  ssize_t n = ::readlinkat(dir.fd, base_name(path).c_str(), buf.data(), buf.size());
  if (n < 0) return system_error("cannot read the link " + display(path), errno);
  buf.resize(static_cast<size_t>(n));
  return buf;
}

Result<FileId> RealSystem::file_id(const std::string& path) {
  struct ::stat st {};
  if (::stat(host_path(path).c_str(), &st) != 0) return system_error("cannot examine " + display(path), errno);
  return FileId{static_cast<unsigned long long>(st.st_dev), static_cast<unsigned long long>(st.st_ino)};
}

Result<std::vector<std::string>> RealSystem::list_dir(const std::string& path) {
  int fd = open_in_root(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return system_error("cannot list " + display(path), errno);
  DIR* d = ::fdopendir(fd);
  if (!d) {
    int e = errno;
    ::close(fd);
    return system_error("cannot list " + display(path), e);
  }
  std::vector<std::string> names;
  while (auto* ent = ::readdir(d)) {
    std::string n = ent->d_name;
    if (n != "." && n != "..") names.push_back(std::move(n));
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

namespace {

Status write_all(int fd, const std::string& content, const std::string& what) {
  size_t off = 0;
  while (off < content.size()) {
    ssize_t n = ::write(fd, content.data() + off, content.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      return system_error(what, errno);
    }
    off += static_cast<size_t>(n);
  }
  return {};
}

// lstat() of `name` in the directory `dfd`, as a FileKind (Missing for ENOENT).
Result<FileKind> kind_at(int dfd, const std::string& name, const std::string& shown) {
  struct ::stat st {};
  if (::fstatat(dfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT) return FileKind::Missing;
    return system_error("cannot examine " + shown, errno);
  }
  if (S_ISREG(st.st_mode)) return FileKind::Regular;
  if (S_ISDIR(st.st_mode)) return FileKind::Directory;
  if (S_ISLNK(st.st_mode)) return FileKind::Symlink;
  return FileKind::Other;
}

}  // namespace

int RealSystem::open_in_root(const std::string& path, int flags) const {
  // On the running system the directories above sckl's files are root's
  // own (/etc, /var/lib, /run): follow them as the kernel does. Below
  // another root (DPKG_ROOT, --root), an absolute symlink such as
  // ROOT/etc/sckl -> /etc would lead into this machine's /etc: resolve
  // inside the root instead (openat2 RESOLVE_IN_ROOT, Linux >= 5.6).
  if (root_ == "/") return ::open(path.c_str(), flags);
  int rootfd = ::open(root_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0) return -1;
  struct open_how how {};
  how.flags = static_cast<unsigned long long>(flags);
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  const std::string rel = path == "/" ? "." : path.substr(1);
  int fd = static_cast<int>(::syscall(SYS_openat2, rootfd, rel.c_str(), &how, sizeof how));
  // Older kernels (a provider's kernel may be one) lack openat2, and some
  // seccomp filters refuse it: fall back to the plain path, which follows
  // symlinks as every other tool does there.
  if (fd < 0 && (errno == ENOSYS || errno == EPERM)) fd = ::open(host_path(path).c_str(), flags);
  int e = errno;
  ::close(rootfd);
  errno = e;
  return fd;
}

int RealSystem::open_parent(const std::string& path) const {
  return open_in_root(parent_dir(path), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

Status RealSystem::write_file(const std::string& path, const std::string& content, mode_t mode) {
  return write_atomically(path, content, mode, nullptr);
}

Status RealSystem::write_file_as(const std::string& path, const std::string& content, const FileAttrs& attrs) {
  return write_atomically(path, content, attrs.mode, &attrs);
}

Result<FileAttrs> RealSystem::file_attrs(const std::string& path) {
  const std::string shown = display(path);
  Fd dir(open_parent(path));
  if (dir.fd < 0) return system_error("cannot examine " + shown, errno);
  Fd file(::openat(dir.fd, base_name(path).c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
  if (file.fd < 0) return system_error("cannot examine " + shown, errno);
  struct ::stat st {};
  if (::fstat(file.fd, &st) != 0) return system_error("cannot examine " + shown, errno);
  if (!S_ISREG(st.st_mode)) return Error{"cannot examine " + shown + ": it is not a regular file", EINVAL, {}};
  FileAttrs attrs;
  attrs.uid = st.st_uid;
  attrs.gid = st.st_gid;
  attrs.mode = st.st_mode & 07777;
  std::string names(1024, '\0');
  ssize_t n;
  while ((n = ::flistxattr(file.fd, names.data(), names.size())) < 0 && errno == ERANGE) names.resize(names.size() * 4);
  if (n < 0) {
    if (errno == ENOTSUP) return attrs;  // a file system without extended attributes
    return system_error("cannot list the extended attributes of " + shown, errno);
  }
  for (size_t i = 0; i < static_cast<size_t>(n);) {
    const std::string name(names.c_str() + i);
    i += name.size() + 1;
    std::string value(256, '\0');
    ssize_t m;
    while ((m = ::fgetxattr(file.fd, name.c_str(), value.data(), value.size())) < 0 && errno == ERANGE)
      value.resize(value.size() * 4);
    if (m < 0) {
      if (errno == ENODATA) continue;  // removed meanwhile
      return system_error("cannot read the extended attribute " + name + " of " + shown, errno);
    }
    value.resize(static_cast<size_t>(m));
    attrs.xattrs[name] = std::move(value);
  }
  return attrs;
}

Status RealSystem::write_atomically(const std::string& path, const std::string& content, mode_t mode,
                                    const FileAttrs* attrs) {
  const std::string shown = display(path);
  const std::string name = base_name(path);
  const std::string tmp = "." + name + ".sckl-new";
  const std::string tmp_shown = display(parent_dir(path) + "/" + tmp);
  Fd dir(open_parent(path));
  if (dir.fd < 0) return system_error("cannot write " + shown, errno);

  auto kind = kind_at(dir.fd, name, shown);
  if (!kind.ok()) return kind.error();
  if (kind.value() == FileKind::Symlink)
    return Error{"will not replace " + shown + ": it is a symbolic link", ELOOP,
                 "sckl writes only regular files; replace the link with a file or remove it, then run again"};
  if (kind.value() != FileKind::Missing && kind.value() != FileKind::Regular)
    return Error{"will not replace " + shown + ": it is not a regular file", EISDIR, "move it away, then run again"};

  // A fixed temp name beside the target: a writer killed half way leaves at
  // most this one file, which the next write removes. Only a regular file is
  // removed; anything else there was not left by sckl.
  auto tmp_kind = kind_at(dir.fd, tmp, tmp_shown);
  if (!tmp_kind.ok()) return tmp_kind.error();
  if (tmp_kind.value() != FileKind::Missing && tmp_kind.value() != FileKind::Regular)
    return Error{"will not write " + shown + ": its temporary file " + tmp_shown + " is " +
                     (tmp_kind.value() == FileKind::Symlink ? "a symbolic link" : "not a regular file"),
                 EEXIST, "sckl did not create it; remove it, then run again"};
  if (tmp_kind.value() == FileKind::Regular && ::unlinkat(dir.fd, tmp.c_str(), 0) != 0 && errno != ENOENT)
    return system_error("cannot remove the stale temporary file " + tmp_shown, errno);
  // O_EXCL: a new inode, never one linked elsewhere (a hard link planted at
  // the temp path would otherwise be truncated and written).
  int fd = ::openat(dir.fd, tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode & 07777);
  if (fd < 0) return system_error("cannot write " + shown + " (temporary file " + tmp_shown + ")", errno);
  auto fail = [&](Error e) -> Status {
    ::close(fd);
    ::unlinkat(dir.fd, tmp.c_str(), 0);
    return e;
  };
  if (step_hook_) step_hook_(AtomicWriteStep::Opened);
  // umask must not weaken or strengthen what the caller asked for.
  // Owner first: chown clears set-id bits and file capabilities, which the
  // mode and the attributes set next bring back.
  if (attrs && ::fchown(fd, attrs->uid, attrs->gid) != 0)
    return fail(system_error("cannot set the owner of " + shown + " to " + std::to_string(attrs->uid) + ":" +
                                 std::to_string(attrs->gid),
                             errno));
  if (::fchmod(fd, mode & 07777) != 0) return fail(system_error("cannot set the mode of " + shown, errno));
  // An ACL's attribute sets the group bits to its mask, as it was on the
  // file these attributes were read from.
  if (attrs)
    for (const auto& [attr, value] : attrs->xattrs)
      if (::fsetxattr(fd, attr.c_str(), value.data(), value.size(), 0) != 0)
        return fail(system_error("cannot set the extended attribute " + attr + " of " + shown, errno));
  if (auto s = write_all(fd, content, "cannot write " + shown); !s.ok()) return fail(s.error());
  if (step_hook_) step_hook_(AtomicWriteStep::Written);
  if (::fsync(fd) != 0) return fail(system_error("cannot sync " + shown, errno));
  if (step_hook_) step_hook_(AtomicWriteStep::Synced);
  if (::close(fd) != 0) {
    int e = errno;
    ::unlinkat(dir.fd, tmp.c_str(), 0);
    return system_error("cannot write " + shown, e);
  }
  if (::renameat(dir.fd, tmp.c_str(), dir.fd, name.c_str()) != 0) {
    int e = errno;
    ::unlinkat(dir.fd, tmp.c_str(), 0);
    return system_error("cannot replace " + shown, e);
  }
  if (step_hook_) step_hook_(AtomicWriteStep::Renamed);
  if (::fsync(dir.fd) != 0) return system_error("cannot sync directory " + display(parent_dir(path)), errno);
  if (step_hook_) step_hook_(AtomicWriteStep::DirSynced);
  return {};
}

Status RealSystem::remove_file(const std::string& path) {
  Fd dir(open_parent(path));
  if (dir.fd < 0) {
    if (errno == ENOENT) return {};  // no parent, no file
    return system_error("cannot remove " + display(path), errno);
  }
  if (::unlinkat(dir.fd, base_name(path).c_str(), 0) != 0 && errno != ENOENT)
    return system_error("cannot remove " + display(path), errno);
  return {};
}

Status RealSystem::make_dir(const std::string& path, mode_t mode) {
  const std::string shown = display(path);
  if (path == "/") return {};
  const std::string name = base_name(path);
  Fd parent(open_parent(path));
  if (parent.fd < 0) return system_error("cannot create directory " + shown, errno);
  if (::mkdirat(parent.fd, name.c_str(), mode & 07777) != 0) {
    if (errno != EEXIST) return system_error("cannot create directory " + shown, errno);
    auto kind = kind_at(parent.fd, name, shown);
    if (kind.ok() && kind.value() == FileKind::Directory) return {};
    return Error{"cannot create directory " + shown + ": " +
                     (kind.ok() && kind.value() == FileKind::Symlink ? "a symbolic link" : "something else") +
                     " is in the way",
                 EEXIST, "move it away, then run again"};
  }
  // mkdir's mode is filtered by umask; set exactly what was asked, on the
  // directory just made (O_NOFOLLOW: never on what a link points to).
  Fd made(::openat(parent.fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (made.fd < 0 || ::fchmod(made.fd, mode & 07777) != 0)
    return system_error("cannot set the mode of " + shown, errno);
  return {};
}

Status RealSystem::remove_dir(const std::string& path) {
  if (path == "/") return Error{"will not remove the root directory " + display(path), EBUSY, {}};
  Fd dir(open_parent(path));
  if (dir.fd < 0) {
    if (errno == ENOENT) return {};
    return system_error("cannot remove directory " + display(path), errno);
  }
  if (::unlinkat(dir.fd, base_name(path).c_str(), AT_REMOVEDIR) != 0 && errno != ENOENT)
    return system_error("cannot remove directory " + display(path), errno);
  return {};
}

namespace {

// The lock this process holds (lock_file), for run() to share with a child
// that asks for it; -1 when none. One per process by design (state_lock.h).
int g_held_lock_fd = -1;
// Names the inherited descriptor in a child's environment.
constexpr const char* kSharedLockEnv = "SCKL_STATE_LOCK_FD";

class RealLock : public HeldLock {
 public:
  // shared_fd: the parent's descriptor when the lock came from it, else -1.
  RealLock(int fd, int shared_fd) : fd_(fd) { g_held_lock_fd = shared_fd >= 0 ? shared_fd : fd; }
  ~RealLock() override {
    g_held_lock_fd = -1;
    // Closing our own descriptor ends our hold. A lock shared by the parent
    // is the parent's: its descriptor stays open and is never unlocked here.
    ::close(fd_);
  }

 private:
  int fd_;
};

// The parent's lock handed down through run() (Command::share_state_lock):
// the descriptor named in the environment must be open on the very same
// file, and flock on it must succeed at once (it does when that open file
// holds the lock). Returns the descriptor, or -1.
int inherited_lock(int fd) {
  const char* v = std::getenv(kSharedLockEnv);
  if (!v || !*v) return -1;
  char* end = nullptr;
  long n = std::strtol(v, &end, 10);
  if (*end != '\0' || n < 0 || n > 65535 || n == fd) return -1;
  const int shared = static_cast<int>(n);
  struct ::stat a {}, b {};
  if (::fstat(fd, &a) != 0 || ::fstat(shared, &b) != 0) return -1;
  if (a.st_dev != b.st_dev || a.st_ino != b.st_ino) return -1;
  if (::flock(shared, LOCK_EX | LOCK_NB) != 0) return -1;
  // Ours now; our own children get it only when they ask (run()).
  ::fcntl(shared, F_SETFD, FD_CLOEXEC);
  return shared;
}

std::string read_holder(int fd) {
  char buf[512];
  ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  if (n <= 0) return {};
  std::string s(buf, static_cast<size_t>(n));
  while (!s.empty() && (s.back() == '\n' || s.back() == '\0')) s.pop_back();
  return s;
}

}  // namespace

Error lock_busy_error(const std::string& shown_path, std::chrono::milliseconds waited, const std::string& holder_line) {
  std::string who = "another sckl process";
  auto sp = holder_line.find(' ');
  if (!holder_line.empty())
    who = sp == std::string::npos ? "pid " + holder_line
                                  : "pid " + holder_line.substr(0, sp) + " (" + holder_line.substr(sp + 1) + ")";
  const auto secs = std::chrono::duration_cast<std::chrono::seconds>(waited).count();
  return Error{"sckl's state is locked by " + who + ": " + shown_path + " was not free after " +
                   (secs > 0 ? std::to_string(secs) + " s" : std::to_string(waited.count()) + " ms"),
               EWOULDBLOCK,
               "wait until that process (apt, a kernel hook or another 'sckl' command) has finished, then run again"};
}

Result<std::unique_ptr<HeldLock>> RealSystem::lock_file(const std::string& path, std::chrono::milliseconds timeout,
                                                          const std::string& holder) {
  const std::string shown = display(path);
  Fd dir(open_parent(path));
  if (dir.fd < 0) return system_error("cannot open the lock file " + shown, errno);
  // O_NOFOLLOW: a planted link cannot make us create or lock another file;
  // O_NONBLOCK: a planted FIFO cannot make open() wait.
  Fd file(::openat(dir.fd, base_name(path).c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600));
  if (file.fd < 0) return system_error("cannot open the lock file " + shown, errno);
  struct ::stat st {};
  if (::fstat(file.fd, &st) != 0) return system_error("cannot examine the lock file " + shown, errno);
  if (!S_ISREG(st.st_mode) || st.st_uid != ::geteuid())
    return Error{"will not use the lock file " + shown + ": it is not a regular file of this user", EPERM,
                 "remove it, then run again"};
  // 0600: flock needs only read access, so a lock file others could open
  // would let any local user stop sckl by holding it.
  if ((st.st_mode & 07777) != 0600 && ::fchmod(file.fd, 0600) != 0)
    return system_error("cannot set the mode of the lock file " + shown, errno);

  int shared = inherited_lock(file.fd);
  if (shared < 0) {
    // flock has no timeout: poll, starting fast (the usual holder is done
    // within milliseconds) and backing off.
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    auto pause = std::chrono::milliseconds(2);
    while (::flock(file.fd, LOCK_EX | LOCK_NB) != 0) {
      if (errno == EINTR) continue;
      if (errno != EWOULDBLOCK) return system_error("cannot lock " + shown, errno);
      if (std::chrono::steady_clock::now() >= deadline) return lock_busy_error(shown, timeout, read_holder(file.fd));
      std::this_thread::sleep_for(pause);
      pause = std::min(pause * 2, std::chrono::milliseconds(10));
    }
    // For whoever waits next: who holds it. Best effort (the lock is what counts).
    const std::string line = std::to_string(::getpid()) + " " + holder + "\n";
    if (::ftruncate(file.fd, 0) != 0 || ::pwrite(file.fd, line.data(), line.size(), 0) < 0) {
      // Nothing to do: the lock is held all the same.
    }
  }
  auto lock = std::make_unique<RealLock>(file.fd, shared);
  file.fd = -1;
  return std::unique_ptr<HeldLock>(std::move(lock));
}

Result<ProcessResult> RealSystem::run(const Command& command) {
  if (!command.share_state_lock || g_held_lock_fd < 0) return run_process(command);
  // An inheritable copy for this one child (the lock's own descriptor stays
  // close-on-exec, so no other child keeps the lock past our lifetime).
  int copy = ::fcntl(g_held_lock_fd, F_DUPFD, 3);
  if (copy < 0) return system_error("cannot pass the state lock to '" + describe_command(command.argv) + "'", errno);
  Command shared = command;
  shared.extra_env[kSharedLockEnv] = std::to_string(copy);
  auto r = run_process(shared);
  ::close(copy);
  return r;
}

std::optional<std::string> RealSystem::env(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  if (!v) return std::nullopt;
  return std::string(v);
}

}  // namespace sckl
