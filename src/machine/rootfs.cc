#include "machine/rootfs.h"

#include <libmount/libmount.h>
#include <sys/sysmacros.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <memory>

#include "base/paths.h"
#include "base/process.h"
#include "base/text.h"
#include "formats/mount_table.h"

namespace sckl {

namespace {

struct IterDeleter {
  void operator()(libmnt_iter* i) const { mnt_free_iter(i); }
};

// The kernel writes mountinfo; a line libmount cannot read (a newer format)
// is skipped rather than fatal: only the / entry matters.
int skip_bad_line(libmnt_table*, const char*, int) { return 1; }

// File systems that have no UUID blkid could report: virtual, network,
// layered. fstab cannot name them by UUID.
bool has_no_uuid(std::string_view fstype) {
  static constexpr std::array<std::string_view, 16> kTypes = {
      "overlay", "overlayfs", "aufs",    "tmpfs",    "ramfs", "rootfs", "nfs",   "nfs4",
      "9p",      "virtiofs",  "cifs",    "smb3",     "fuse",  "zfs",    "ceph",  "squashfs"};
  return std::find(kTypes.begin(), kTypes.end(), fstype) != kTypes.end() || fstype.starts_with("fuse.");
}

Error no_uuid(const RootMount& m, const std::string& why) {
  return Error{"the root file system (" + m.fstype + " '" + m.source + "' on /) has no UUID" + why +
                   ", so sckl cannot add an entry for / to " + paths::kFstab,
               0,
               "if the disk's kernel must mount / read-write, add a line for / to " + std::string(paths::kFstab) +
                   " by hand"};
}



}  // namespace

Result<RootMount> find_root_mount(const std::string& mountinfo, const std::string& name_for_errors) {
  const Error none{"no file system is mounted on / according to " + name_for_errors, 0,
                   "add a line for / to " + std::string(paths::kFstab) + " by hand"};
  if (mountinfo.empty()) return none;
  int rc = 0;
  auto parsed = parse_mount_text(mountinfo, name_for_errors, skip_bad_line, nullptr, &rc);
  if (!parsed.ok()) return parsed.error();
  if (rc < 0) return system_error("cannot parse " + name_for_errors, -rc);
  const MountTable& table = parsed.value();

  std::unique_ptr<libmnt_iter, IterDeleter> it(mnt_new_iter(MNT_ITER_BACKWARD));
  if (!it) return Error{"cannot parse " + name_for_errors + ": out of memory", ENOMEM, {}};
  libmnt_fs* fs = nullptr;
  while (mnt_table_next_fs(table.get(), it.get(), &fs) == 0) {
    // Only mountinfo lines count (libmount guesses the format from the text).
    if (!mnt_fs_is_kernel(fs) || !mnt_fs_streq_target(fs, "/")) continue;
    RootMount m;
    const char* src = mnt_fs_get_source(fs);
    const char* type = mnt_fs_get_fstype(fs);
    m.source = src ? src : "";
    m.fstype = type ? type : "";
    dev_t dev = mnt_fs_get_devno(fs);
    m.major = major(dev);
    m.minor = minor(dev);
    const char* vfs = mnt_fs_get_vfs_options(fs);
    m.read_only = vfs && options_mount_read_only(vfs);
    return m;
  }
  return none;
}

Result<RootFilesystem> detect_root_filesystem(System& sys) {
  auto text = sys.read_file(paths::kMountInfo);
  SCKL_TRY(text);
  auto found = find_root_mount(text.value(), paths::kMountInfo);
  SCKL_TRY(found);
  const RootMount& m = found.value();
  if (has_no_uuid(m.fstype)) return no_uuid(m, "");

  std::string device;
  bool source_present = false;
  if (m.source.starts_with("/dev/")) {
    auto p = path_exists(sys, m.source);
    SCKL_TRY(p);
    source_present = p.value();
  }
  if (source_present) {
    device = m.source;
  } else if (m.major != 0) {
    // Anonymous devices (major 0) are not block devices; btrfs subvolumes
    // have one but name their real device as the source.
    device = "/dev/block/" + std::to_string(m.major) + ":" + std::to_string(m.minor);
    auto p = path_exists(sys, device);
    SCKL_TRY(p);
    if (!p.value()) return no_uuid(m, ": neither " + m.source + " nor " + device + " exists to ask blkid");
  } else {
    return no_uuid(m, ": it is not on a block device");
  }

  // Several signatures (errnum 0): warn and go on. The device failing to
  // open or read is a system failure like a failing lstat: stop.
  auto tags = sys.probe_block_device(device);
  if (!tags.ok())
    return tags.error().with_hint("add a line for / to " + std::string(paths::kFstab) + " by hand");
  auto tag = [&](const char* name) {
    auto it = tags.value().find(name);
    return it == tags.value().end() ? std::string() : it->second;
  };

  RootFilesystem root;
  root.uuid = tag("UUID");
  root.fstype = tag("TYPE");
  if (root.fstype.empty()) root.fstype = m.fstype;
  root.source = m.source;
  if (root.uuid.empty()) return no_uuid(m, ": libblkid finds none on " + device);
  return root;
}

}  // namespace sckl
