// System's reads for timelines and header checks: a file's head, the
// kernel's clock and its log buffer.
#include <fcntl.h>
#include <sys/klog.h>
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

}  // namespace sckl
