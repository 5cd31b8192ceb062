#include "system.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>

#include "process.h"

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

RealSystem::RealSystem(std::string root) : root_(std::move(root)) {
  if (root_.empty()) root_ = "/";
  while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
}

std::unique_ptr<RealSystem> RealSystem::from_environment() {
  const char* r = std::getenv("DPKG_ROOT");
  return std::make_unique<RealSystem>(r ? r : "/");
}

std::string RealSystem::host_path(const std::string& path) const {
  if (root_ == "/") return path;
  return root_ + path;
}

Result<std::string> RealSystem::read_file(const std::string& path) {
  int fd = ::open(host_path(path).c_str(), O_RDONLY | O_CLOEXEC);
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
  if (::lstat(host_path(path).c_str(), &st) != 0) {
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
  ssize_t n = ::readlink(host_path(path).c_str(), buf.data(), buf.size());
  if (n < 0) return system_error("cannot read the link " + display(path), errno);
  buf.resize(static_cast<size_t>(n));
  return buf;
}

Result<std::vector<std::string>> RealSystem::list_dir(const std::string& path) {
  DIR* d = ::opendir(host_path(path).c_str());
  if (!d) return system_error("cannot list " + display(path), errno);
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

Status fsync_dir(const std::string& host_dir, const std::string& shown) {
  int dfd = ::open(host_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return system_error("cannot open directory " + shown + " to sync it", errno);
  int rc = ::fsync(dfd);
  int e = errno;
  ::close(dfd);
  if (rc != 0) return system_error("cannot sync directory " + shown, e);
  return {};
}

}  // namespace

Status RealSystem::write_file(const std::string& path, const std::string& content, mode_t mode) {
  const std::string target = host_path(path);
  auto st = stat(path);
  if (!st.ok()) return st.error();
  if (st.value().kind == FileKind::Symlink)
    return Error{"will not replace " + display(path) + ": it is a symbolic link", ELOOP,
                 "sckl writes only regular files; replace the link with a file or remove it, then run again"};
  if (st.value().kind != FileKind::Missing && st.value().kind != FileKind::Regular)
    return Error{"will not replace " + display(path) + ": it is not a regular file", EISDIR,
                 "move it away, then run again"};

  // A fixed temp name beside the target: a writer killed half way leaves at
  // most this one file, which the next write truncates and reuses.
  const std::string dir = parent_dir(target);
  const std::string tmp = dir + "/." + base_name(target) + ".sckl-new";
  const std::string shown = display(path);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, mode & 07777);
  if (fd < 0) return system_error("cannot write " + shown + " (temporary file " + display(parent_dir(path)) + "/." + base_name(path) + ".sckl-new)", errno);
  auto fail = [&](Error e) -> Status {
    ::close(fd);
    ::unlink(tmp.c_str());
    return e;
  };
  if (step_hook_) step_hook_(AtomicWriteStep::Opened);
  // umask must not weaken or strengthen what the caller asked for.
  if (::fchmod(fd, mode & 07777) != 0) return fail(system_error("cannot set the mode of " + shown, errno));
  if (auto s = write_all(fd, content, "cannot write " + shown); !s.ok()) return fail(s.error());
  if (step_hook_) step_hook_(AtomicWriteStep::Written);
  if (::fsync(fd) != 0) return fail(system_error("cannot sync " + shown, errno));
  if (step_hook_) step_hook_(AtomicWriteStep::Synced);
  if (::close(fd) != 0) {
    int e = errno;
    ::unlink(tmp.c_str());
    return system_error("cannot write " + shown, e);
  }
  if (::rename(tmp.c_str(), target.c_str()) != 0) {
    int e = errno;
    ::unlink(tmp.c_str());
    return system_error("cannot replace " + shown, e);
  }
  if (step_hook_) step_hook_(AtomicWriteStep::Renamed);
  SCKL_TRY(fsync_dir(dir, display(parent_dir(path))));
  if (step_hook_) step_hook_(AtomicWriteStep::DirSynced);
  return {};
}

Status RealSystem::remove_file(const std::string& path) {
  if (::unlink(host_path(path).c_str()) != 0 && errno != ENOENT)
    return system_error("cannot remove " + display(path), errno);
  return {};
}

Status RealSystem::make_dir(const std::string& path, mode_t mode) {
  if (::mkdir(host_path(path).c_str(), mode) != 0) {
    if (errno == EEXIST) {
      auto st = stat(path);
      if (st.ok() && st.value().kind == FileKind::Directory) return {};
      return Error{"cannot create directory " + display(path) + ": something else is in the way", EEXIST,
                   "move it away, then run again"};
    }
    return system_error("cannot create directory " + display(path), errno);
  }
  // mkdir's mode is filtered by umask; set exactly what was asked.
  if (::chmod(host_path(path).c_str(), mode) != 0)
    return system_error("cannot set the mode of " + display(path), errno);
  return {};
}

Status RealSystem::remove_dir(const std::string& path) {
  if (::rmdir(host_path(path).c_str()) != 0 && errno != ENOENT)
    return system_error("cannot remove directory " + display(path), errno);
  return {};
}

Result<ProcessResult> RealSystem::run(const Command& command) { return run_process(command); }

std::optional<std::string> RealSystem::env(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  if (!v) return std::nullopt;
  return std::string(v);
}

}  // namespace sckl
