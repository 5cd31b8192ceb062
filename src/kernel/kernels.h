// The kernels installed on the disk and the choice of the one to switch
// into. /vmlinuz is only a hint (the last kernel package configured wins,
// not the newest, and the link may dangle): sckl looks at /boot itself and
// orders versions the way dpkg does, through libapt-pkg.
#pragma once

#include <string>
#include <vector>

#include "base/error.h"
#include "base/system.h"

namespace sckl {

struct InstalledKernel {
  std::string version;  // "6.1.0-28-amd64" (from /boot/vmlinuz-VERSION)
  std::string image;    // /boot/vmlinuz-VERSION
  std::string initrd;   // /boot/initrd.img-VERSION
  bool has_initrd = false;
  bool has_modules = false;  // /lib/modules/VERSION or /usr/lib/modules/VERSION
  // Ready to boot: an initrd and modules are there.
  bool bootable() const { return has_initrd && has_modules; }
};

// Debian version order (libapt-pkg): <0, 0, >0 like strcmp.
int compare_kernel_versions(const std::string& a, const std::string& b);

// A kernel version as it may appear in a file name: no '/', no spaces, not
// "." or "..", printable ASCII only.
bool is_valid_kernel_version(const std::string& version);

// Every /boot/vmlinuz-VERSION, sorted newest first.
Result<std::vector<InstalledKernel>> list_installed_kernels(System& sys);

// The kernel to switch into for the setting "newest" or a version. Newest =
// the newest bootable one. A pinned version that is not installed or not
// bootable is an Error naming it and what is missing.
Result<InstalledKernel> choose_target(const std::vector<InstalledKernel>& kernels, const std::string& setting);

}  // namespace sckl
