// The root file system entry of /etc/fstab. Fresh debootstrap/mmdebstrap
// images ship "# UNCONFIGURED FSTAB FOR BASE SYSTEM": the provider's boot
// mounts / read-write on its own, but the disk's kernel, booted without `rw`
// on its command line, leaves / read-only unless fstab says otherwise
// (systemd-remount-fs applies the options of the / entry). sckl adds an entry
// for the mounted root when there is none, and never touches an existing one.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace sckl {

// The file system mounted on / of the running server (see rootfs.h).
struct RootFilesystem {
  std::string uuid;    // as blkid reports it; empty when unknown
  std::string fstype;  // "ext4"
  std::string source;  // the mount source, for messages ("/dev/vda1")
};

// One entry of an fstab as libmount reads it (comments and blank lines are
// not entries). `line` is 1-based.
struct FstabEntryView {
  int line = 0;
  std::string source, target, fstype, options;
};

// Parses fstab text with libmount. Any line libmount cannot read (or a NUL
// byte) is an Error naming `name_for_errors` and the line number, with a hint
// to fix that line and run `dpkg --configure -a`. A last line without a
// newline is fine.
Result<std::vector<FstabEntryView>> parse_fstab(const std::string& text, const std::string& name_for_errors);

// True when the entry's target is / in any spelling libmount treats as / ("/", "//", "/./"...).
bool is_root_target(const std::string& target);

// True when the mount options leave the file system read-only ("ro", "defaults,ro";
// "ro,rw" is read-write: the last word wins, as for mount(8)).
bool options_mount_read_only(const std::string& options);

// What may be written into fstab: a UUID is hex digits and '-'; a type is
// letters, digits, '.', '_' and '-'.
bool is_valid_fs_uuid(std::string_view uuid);
bool is_valid_fs_type(std::string_view fstype);

// The fsck pass number for the root entry: 1 where a boot-time fsck helper
// really checks the type (ext2/3/4 from e2fsprogs), 0 otherwise (xfs and
// btrfs ship no-op fsck helpers; unknown types must not make boot wait for a
// missing fsck.TYPE).
int root_fsck_pass(std::string_view fstype);

inline constexpr const char* kFstabRootComment =
    "# / added by sckl: the disk's kernel mounts the root file system read-write";

struct FstabDecision {
  std::optional<std::string> new_text;  // nullopt: leave the file unchanged
  std::vector<std::string> warnings;    // for the admin, each names the file
};

// Decides the new fstab. With an entry for / the text stays as it is (a
// warning if that entry is read-only). Without one, appends kFstabRootComment
// and "UUID=<uuid> / <type> defaults 0 <pass>" (after a newline if the text
// does not end in one); every existing byte is kept. `root` nullopt or with an
// empty uuid means unknown: unchanged, with a warning saying what to add by
// hand. A uuid or type that could inject anything into fstab is an Error.
Result<FstabDecision> plan_root_entry(const std::string& text, const std::string& name_for_errors,
                                      const std::optional<RootFilesystem>& root);

}  // namespace sckl
