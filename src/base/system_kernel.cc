// System's reads for timelines and header checks (a file's head, the
// kernel's clock and its log buffer) and its calls on the running kernel's
// mounts and scheduler.
#include <fcntl.h>
#include <sys/klog.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>

#include "base/system.h"

namespace sckl {

Result<std::string> System::read_head(const std::string& path, size_t bytes) {
  auto all = read_file(path);
  if (!all.ok()) return all.error();
  return all.value().substr(0, bytes);
}

std::chrono::milliseconds System::kernel_clock() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return std::chrono::milliseconds{static_cast<long long>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000};
}

Result<std::string> System::read_kernel_log() {
  return Error{"cannot read the kernel log: no kernel access here", ENOSYS, {}};
}

Result<std::string> RealSystem::read_head(const std::string& path, size_t bytes) {
  int fd = open_in_root(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return system_error("cannot read " + display(path), errno);
  std::string out(bytes, '\0');
  size_t got = 0;
  while (got < bytes) {
    ssize_t n = ::read(fd, out.data() + got, bytes - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int e = errno;
      ::close(fd);
      return system_error("cannot read " + display(path), e);
    }
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  ::close(fd);
  out.resize(got);
  return out;
}

Result<std::string> RealSystem::read_kernel_log() {
  // The running kernel's log only: below another root there is none.
  if (root_ != "/") return System::read_kernel_log();
  int size = ::klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, nullptr, 0);
  if (size <= 0) return system_error("cannot read the kernel log size", size < 0 ? errno : EIO);
  std::string buf(static_cast<size_t>(size), '\0');
  int n = ::klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf.data(), size);
  if (n < 0) return system_error("cannot read the kernel log", errno);
  buf.resize(static_cast<size_t>(n));
  return buf;
}

Status System::remount(const std::string& path, bool read_only) {
  return Error{std::string("cannot remount ") + display(path) + (read_only ? " read-only" : " read-write") +
                   ": no mounts to change here",
               ENOSYS, {}};
}

Status System::set_cpu_nice(int) { return Error{"cannot change the CPU priority: not the running system", ENOSYS, {}}; }

Status RealSystem::remount(const std::string& path, bool read_only) {
  // The running system's mounts only: below another root (DPKG_ROOT, a
  // chroot directory) nothing is sckl's to remount.
  if (root_ != "/") return System::remount(path, read_only);
  const std::string what = std::string("cannot remount ") + path + (read_only ? " read-only" : " read-write");
  // MS_REMOUNT sets the mount's per-mount flags to exactly those passed
  // (only the atime ones are kept when none is given): pass on the ones in
  // force, as mount(8) does, so that remounting changes read-only alone.
  // The file system's own options are kept with no data string.
  struct statvfs vfs{};
  if (::statvfs(path.c_str(), &vfs) != 0) return system_error(what + " (its mount flags cannot be read)", errno);
  unsigned long flags = MS_REMOUNT;
  if (read_only) flags |= MS_RDONLY;
  const std::pair<unsigned long, unsigned long> kept[] = {
      {ST_NOSUID, MS_NOSUID},           {ST_NODEV, MS_NODEV},       {ST_NOEXEC, MS_NOEXEC},
      {ST_SYNCHRONOUS, MS_SYNCHRONOUS}, {ST_NOATIME, MS_NOATIME},   {ST_NODIRATIME, MS_NODIRATIME},
      {ST_RELATIME, MS_RELATIME},
  };
  for (const auto& [st, ms] : kept)
    if (vfs.f_flag & st) flags |= ms;
  if (::mount(nullptr, path.c_str(), nullptr, flags, nullptr) != 0) return system_error(what, errno);
  return {};
}

Status System::mount_api(const ApiMount& m) {
  return Error{"cannot mount " + m.fstype + " on " + display(m.path) + ": no mounts to change here", ENOSYS, {}};
}

Status RealSystem::mount_api(const ApiMount& m) {
  if (root_ != "/") return System::mount_api(m);
  unsigned long flags = 0;
  if (m.nosuid) flags |= MS_NOSUID;
  if (m.nodev) flags |= MS_NODEV;
  if (m.noexec) flags |= MS_NOEXEC;
  if (::mount(m.fstype.c_str(), m.path.c_str(), m.fstype.c_str(), flags,
              m.options.empty() ? nullptr : m.options.c_str()) != 0)
    return system_error("cannot mount " + m.fstype + " on " + m.path, errno);
  return {};
}

Status RealSystem::set_cpu_nice(int nice) {
  if (root_ != "/") return System::set_cpu_nice(nice);
  if (::setpriority(PRIO_PROCESS, 0, nice) != 0)
    return system_error("cannot set this process's CPU priority to nice " + std::to_string(nice), errno);
  return {};
}

}  // namespace sckl
