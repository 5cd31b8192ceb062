// System's device primitives for the hardware watchdog (watchdog.h), apart
// from system.cc so that the file access code stays as it was.
#include <fcntl.h>
#include <linux/watchdog.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>

#include "base/system.h"

namespace sckl {

Status System::write_kernel_attr(const std::string& path, const std::string&) {
  return Error{"cannot write " + display(path) + ": no device access here", ENOSYS, {}};
}

Result<int> System::arm_watchdog(const std::string& device, int) {
  return Error{"cannot arm " + display(device) + ": no device access here", ENOSYS, {}};
}

Status RealSystem::write_kernel_attr(const std::string& path, const std::string& value) {
  // Kernel files of the running system only: below another root there is no
  // device to write to.
  if (root_ != "/") return System::write_kernel_attr(path, value);
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return system_error("cannot open " + path, errno);
  ssize_t n = ::write(fd, value.data(), value.size());
  int e = errno;
  ::close(fd);
  if (n < 0) return system_error("cannot write '" + value + "' to " + path, e);
  if (static_cast<size_t>(n) != value.size()) return Error{"short write to " + path, EIO, {}};
  return {};
}

Result<int> RealSystem::arm_watchdog(const std::string& device, int seconds) {
  if (root_ != "/") return System::arm_watchdog(device, seconds);
  // Opening starts the watchdog (with the driver's current timeout).
  int fd = ::open(device.c_str(), O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return system_error("cannot open " + device, errno);
  // Open means started: from here on it counts, whatever fails below, so
  // the answer is the timeout in force, not an error (a driver that
  // refuses `seconds` keeps its own, which WDIOC_GETTIMEOUT tells).
  int want = seconds;
  (void)::ioctl(fd, WDIOC_SETTIMEOUT, &want);
  int now = 0;
  if (::ioctl(fd, WDIOC_GETTIMEOUT, &now) != 0 || now <= 0) now = want;
  // A ping, so that the count starts from here with the new timeout.
  (void)::ioctl(fd, WDIOC_KEEPALIVE, 0);
  // Closed without the magic 'V': the watchdog keeps counting (the kernel
  // logs "watchdog did not stop!"); that is the point.
  ::close(fd);
  return now;
}

}  // namespace sckl
