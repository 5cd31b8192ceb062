// The file system mounted on / of the running server, for the fstab entry
// that makes the disk's kernel mount it read-write (see fstab.h). Only
// meaningful on the booted server itself: inside a chroot or below DPKG_ROOT,
// /proc/self/mountinfo describes the host's root, not the image's.
#pragma once

#include <string>

#include "base/error.h"
#include "base/system.h"
#include "formats/fstab.h"

namespace sckl {

// The mount on / as /proc/self/mountinfo shows it.
struct RootMount {
  std::string source;  // "/dev/vda1", "overlay", ...
  std::string fstype;  // "ext4"
  unsigned major = 0, minor = 0;
  bool read_only = false;  // the per-mount (VFS) options say ro
};

// Finds the mount whose target is / in mountinfo text (parsed with libmount);
// when several are stacked on /, the last one (the visible one). No such
// mount is an Error (errnum 0) naming `name_for_errors`.
Result<RootMount> find_root_mount(const std::string& mountinfo, const std::string& name_for_errors);

// Reads paths::kMountInfo, finds the root mount and probes DEVICE for its
// UUID and TYPE (System::probe_block_device, libblkid). DEVICE is the mount
// source when it is a /dev path that exists, else /dev/block/MAJ:MIN.
// Errors: a root without a UUID (overlay, tmpfs, nfs, 9p, ...; the hint says
// to add an fstab line for / by hand); the probe failing (names the device
// and why). The result's fstype is libblkid's TYPE (the mounted type when it
// reports none); source is the mount source.
// Error::errnum is 0 when the root simply has no UUID sckl can name (no root
// mount, a UUID-less type, several signatures on the device, no UUID): warn
// and go on. It is set when a system call failed (reading mountinfo, lstat,
// opening or reading the device): stop.
Result<RootFilesystem> detect_root_filesystem(System& sys);

}  // namespace sckl
