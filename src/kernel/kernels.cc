#include "kernel/kernels.h"

#include <apt-pkg/debversion.h>

#include <algorithm>

#include "base/paths.h"

namespace sckl {

int compare_kernel_versions(const std::string& a, const std::string& b) { return debVS.CmpVersion(a, b); }

bool is_valid_kernel_version(const std::string& v) {
  if (v.empty() || v.size() > 200 || v == "." || v == "..") return false;
  for (unsigned char c : v)
    if (c <= 0x20 || c >= 0x7f || c == '/') return false;
  return true;
}

Result<std::vector<InstalledKernel>> list_installed_kernels(System& sys) {
  auto names = sys.list_dir(paths::kBootDir);
  if (!names.ok()) return names.error();
  std::vector<InstalledKernel> out;
  for (const auto& n : names.value()) {
    if (!n.starts_with("vmlinuz-")) continue;
    std::string version = n.substr(8);
    // Skip what is not a kernel image: editor backups, dpkg leftovers.
    if (!is_valid_kernel_version(version) || version.ends_with(".dpkg-tmp") || version.ends_with(".dpkg-new") ||
        version.ends_with(".dpkg-old") || version.ends_with(".bak") || version.ends_with("~"))
      continue;
    InstalledKernel k;
    k.version = version;
    k.image = paths::kKernelImagePrefix + version;
    auto st = sys.stat(k.image);
    if (!st.ok()) return st.error();
    if (st.value().kind != FileKind::Regular) continue;
    k.initrd = paths::kInitrdPrefix + version;
    auto ir = sys.stat(k.initrd);
    if (!ir.ok()) return ir.error();
    k.has_initrd = ir.value().kind == FileKind::Regular;
    for (const char* dir : paths::kModulesDirs) {
      auto md = sys.stat(dir + version);
      if (!md.ok()) return md.error();
      k.has_modules = k.has_modules || md.value().kind == FileKind::Directory;
    }
    out.push_back(std::move(k));
  }
  std::sort(out.begin(), out.end(), [](const InstalledKernel& a, const InstalledKernel& b) {
    return compare_kernel_versions(a.version, b.version) > 0;
  });
  return out;
}

namespace {

std::string missing_parts(const InstalledKernel& k) {
  std::string m;
  if (!k.has_initrd) m += "its initrd " + k.initrd;
  if (!k.has_modules) m += std::string(m.empty() ? "" : " and ") + "its modules directory /lib/modules/" + k.version;
  return m;
}

}  // namespace

Result<InstalledKernel> choose_target(const std::vector<InstalledKernel>& kernels, const std::string& setting) {
  if (setting == "newest") {
    for (const auto& k : kernels)
      if (k.bootable()) return k;
    if (kernels.empty())
      return Error{"no kernel is installed in /boot", ENOENT,
                   "install one (apt install linux-image-amd64, or linux-generic on Ubuntu)"};
    return Error{"no installed kernel is ready to boot: " + kernels.front().version + " lacks " +
                     missing_parts(kernels.front()),
                 ENOENT, "run 'update-initramfs -c -k " + kernels.front().version + "' or reinstall the kernel package"};
  }
  for (const auto& k : kernels) {
    if (k.version != setting) continue;
    if (k.bootable()) return k;
    return Error{"the configured kernel " + setting + " lacks " + missing_parts(k), ENOENT,
                 "run 'update-initramfs -c -k " + setting + "', or choose another with 'sckl set-target'"};
  }
  return Error{"the configured kernel " + setting + " is not installed (no /boot/vmlinuz-" + setting + ")", ENOENT,
               "install it, or choose 'newest' or an installed version with 'sckl set-target'"};
}

}  // namespace sckl
