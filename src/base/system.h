// The one interface to the outside world: every file access and every child
// process of sckl goes through System. Paths given to it are absolute paths
// *inside the target root* ("/etc/fstab"); RealSystem maps them below the
// root (DPKG_ROOT, --root), FakeSystem keeps an in-memory tree for tests and
// can be told to fail the N-th call.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"

namespace sckl {

enum class FileKind { Missing, Regular, Directory, Symlink, Other };

struct FileInfo {
  FileKind kind = FileKind::Missing;
  mode_t mode = 0;  // permission bits only
  unsigned long long size = 0;  // bytes, for regular files
};

// Which file system object a path names (st_dev, st_ino): two paths name the
// same object exactly when their ids are equal.
struct FileId {
  unsigned long long dev = 0;
  unsigned long long ino = 0;
  bool operator==(const FileId&) const = default;
};

// A kernel file system that PID 1 mounts (System::mount_api): no device,
// the per-mount flags, the file system's own options ("mode=0755").
struct ApiMount {
  std::string path;
  std::string fstype;
  bool nosuid = true;
  bool nodev = true;
  bool noexec = true;
  std::string options;
  bool operator==(const ApiMount&) const = default;
};

// What a file is besides its bytes: owner, group, permission bits and
// extended attributes (POSIX ACLs are the system.posix_acl_* attributes,
// SELinux labels security.selinux). sckl keeps them when it edits an admin's
// file and gives them back on purge.
struct FileAttrs {
  uid_t uid = 0;
  gid_t gid = 0;
  mode_t mode = 0644;                          // permission bits only
  std::map<std::string, std::string> xattrs;  // name -> value
  bool operator==(const FileAttrs&) const = default;
};

struct Command {
  Command() = default;
  Command(std::vector<std::string> args, std::chrono::milliseconds limit = std::chrono::seconds(60),
          std::map<std::string, std::string> env = {})
      : argv(std::move(args)), timeout(limit), extra_env(std::move(env)) {}

  std::vector<std::string> argv;                   // argv[0] is a program name or path
  std::chrono::milliseconds timeout{std::chrono::seconds(60)};
  std::map<std::string, std::string> extra_env;    // added to the inherited environment
  // The child may act under this process's state lock (see System::lock_file):
  // for programs that run sckl's own hooks again (update-initramfs runs
  // /etc/initramfs/post-update.d/sckl), which would otherwise wait for the
  // lock their parent holds until they time out.
  bool share_state_lock = false;
};

// A lock taken with System::lock_file; destroying it releases the lock.
class HeldLock {
 public:
  virtual ~HeldLock() = default;
};

// Name=value pairs a library reports about a device: libblkid's tags (UUID,
// TYPE, ...) or udev's properties (ID_PATH, ...).
using DeviceTags = std::map<std::string, std::string>;

struct ProcessResult {
  int exit_code = 0;
  std::string out;
  std::string err;
};

class System {
 public:
  virtual ~System() = default;

  // Reads a whole file (following symlinks).
  virtual Result<std::string> read_file(const std::string& path) = 0;
  // lstat(): Missing when the path does not exist; errors only for other failures.
  virtual Result<FileInfo> stat(const std::string& path) = 0;
  virtual Result<std::string> read_link(const std::string& path) = 0;
  // stat() following symlinks, the kernel's magic links in /proc too
  // (/proc/1/root is PID 1's root directory): metadata only, so a link that
  // leads out of another root reads nothing there. ENOENT is an error here.
  virtual Result<FileId> file_id(const std::string& path) = 0;
  // Names in a directory, sorted, without "." and "..".
  virtual Result<std::vector<std::string>> list_dir(const std::string& path) = 0;

  // Atomically replaces (or creates) a regular file: temp file, fsync,
  // rename, fsync of the directory. Refuses to replace a symlink or a
  // directory, and refuses a temp path (".NAME.sckl-new") that is anything
  // but a regular file; the temp file is always a new inode (O_EXCL) owned
  // by the caller with exactly `mode`, whatever the umask. With a root other
  // than "/", a symlink in the directories above cannot lead out of the
  // root. After a crash the file is wholly old or wholly new.
  virtual Status write_file(const std::string& path, const std::string& content, mode_t mode) = 0;
  // write_file with the new file's owner, group, mode and extended
  // attributes set to `attrs` before it replaces the old one (so that no
  // moment shows the content with other attributes).
  virtual Status write_file_as(const std::string& path, const std::string& content, const FileAttrs& attrs) = 0;
  // The attributes of a regular file (symlinks not followed).
  virtual Result<FileAttrs> file_attrs(const std::string& path) = 0;
  // Removes a file or symlink; a missing path is not an error.
  virtual Status remove_file(const std::string& path) = 0;
  // Creates one directory (parent must exist) with exactly `mode`; an
  // existing directory is fine (its mode is left), a symlink is refused.
  virtual Status make_dir(const std::string& path, mode_t mode) = 0;
  // Removes an empty directory; ENOTEMPTY is reported as an error.
  virtual Status remove_dir(const std::string& path) = 0;

  // Runs a program (argv only, never a shell) with a timeout. A non-zero
  // exit is not an error here: callers look at exit_code.
  virtual Result<ProcessResult> run(const Command& command) = 0;

  // Takes an exclusive lock on `path` (a regular file, created 0600 when
  // missing; its parent must exist), waiting at most `timeout`. `holder`
  // ("sckl arm", "postinst configure") is written into the file with the pid
  // so that a process that times out can name who holds it. Symlinks are not
  // followed. Held until the returned object is destroyed or the process
  // ends. Not reentrant: take it once per process (state_lock.h).
  virtual Result<std::unique_ptr<HeldLock>> lock_file(const std::string& path, std::chrono::milliseconds timeout,
                                                      const std::string& holder) = 0;

  // Devices, asked in-process through libblkid and libudev instead of
  // parsing `blkid` and `udevadm` output. The path is the one the running
  // kernel names (a /dev node from mountinfo, a /sys path), not mapped below
  // root(): as the blkid and udevadm children did, these ask the machine sckl
  // runs on; inside a chroot that is the chroot's /dev.
  //
  // libblkid's low-level probe of a block device (or image) for a file system
  // signature: its tags (UUID, TYPE, LABEL, ...), empty when it finds none.
  // An error names the device: it cannot be opened, or holds several
  // signatures ("ambivalent", as `blkid -p` says).
  virtual Result<DeviceTags> probe_block_device(const std::string& device) = 0;
  // udev's properties of a /sys device (/sys/class/net/eth0): its uevent
  // values and, where udev has processed it, its database (ID_PATH, ...).
  virtual Result<DeviceTags> udev_properties(const std::string& syspath) = 0;

  virtual std::optional<std::string> env(const std::string& name) = 0;

  // A hardware watchdog (watchdog.h). Writes `value` into an existing kernel
  // attribute file in place (sysfs: no temp file, no rename).
  virtual Status write_kernel_attr(const std::string& path, const std::string& value);
  // Opens the watchdog `device` (which starts it), asks for `seconds`
  // (WDIOC_SETTIMEOUT; the driver may round or refuse), reads back the
  // timeout in force (WDIOC_GETTIMEOUT) and closes it without the magic
  // close character, so that it keeps counting. The timeout in force.
  virtual Result<int> arm_watchdog(const std::string& device, int seconds);
  // Both default to an ENOSYS error: a System that cannot reach devices.

  // The running system's mounts and scheduling (system_kernel.cc); all three
  // default to an ENOSYS error, and RealSystem below another root too:
  // there is no mount of its own to change and no boot to hurry.
  // Remounts the mount at `path` read-only or read-write in place
  // (mount(2) MS_REMOUNT: no `mount` child to start; the mount's nosuid,
  // nodev, noexec and atime flags are kept, its file system options too).
  virtual Status remount(const std::string& path, bool read_only);
  // This process's CPU priority (setpriority(2); children inherit it).
  virtual Status set_cpu_nice(int nice);
  // Mounts a new instance of a kernel file system (proc, sysfs, devtmpfs,
  // tmpfs) at `mount.path`, as PID 1 does at the start of a boot (the init
  // shim, boot/init_shim.h).
  virtual Status mount_api(const ApiMount& mount);

  // The first `bytes` bytes of a file (all of it when shorter): a header
  // check without reading a whole kernel image. Default: read_file, cut.
  virtual Result<std::string> read_head(const std::string& path, size_t bytes);
  // The kernel's clock now (CLOCK_MONOTONIC: what the kernel log's stamps
  // count from the kernel's start), for timelines (base/timeline.h).
  virtual std::chrono::milliseconds kernel_clock();
  // The kernel's log buffer as text, one "<6>[    7.720000] message" line
  // per record (klogctl READ_ALL: one call, no waiting). Default: ENOSYS.
  virtual Result<std::string> read_kernel_log();

  // "/" or the directory that stands for "/" (DPKG_ROOT, --root).
  virtual const std::string& root() const = 0;

  // The path as the admin can find it on this machine: the root prefix plus
  // the path, for messages.
  std::string display(const std::string& path) const;
};

// The error of a lock_file that timed out: names the lock file, the holder
// (the "PID WHO" line it wrote, may be empty) and how long it waited.
Error lock_busy_error(const std::string& shown_path, std::chrono::milliseconds waited, const std::string& holder_line);

// Creates path's missing parent directories (mode 0755).
Status make_parents(System& sys, const std::string& path);
// Whether the path exists (any kind, symlinks not followed).
Result<bool> path_exists(System& sys, const std::string& path);
// The file's content, or "" when it does not exist (a failing lstat or read
// is an error): sckl's one-line records and optional kernel files.
Result<std::string> read_if_present(System& sys, const std::string& path);
std::string parent_dir(const std::string& path);
std::string base_name(const std::string& path);

// RealSystem's device queries (src/device_queries.h). Not built into
// RealSystem so that a program that never asks (preinst and postrm must need
// libc alone) does not link libblkid and libudev: only the programs that pass
// library_device_queries() do.
class DeviceQueries {
 public:
  virtual ~DeviceQueries() = default;
  virtual Result<DeviceTags> probe_block_device(const std::string& device) const = 0;
  virtual Result<DeviceTags> udev_properties(const std::string& syspath) const = 0;
};

// The real machine below `root`. Test hooks let a test stop the atomic
// writer between its steps (see AtomicWriteStep).
enum class AtomicWriteStep { Opened, Written, Synced, Renamed, DirSynced };

class RealSystem : public System {
 public:
  // `devices` nullptr: the device queries are errors (a program that never
  // asks them; see DeviceQueries).
  explicit RealSystem(std::string root = "/", const DeviceQueries* devices = nullptr);
  // Root from $DPKG_ROOT (empty means "/").
  static std::unique_ptr<RealSystem> from_environment(const DeviceQueries* devices = nullptr);
  // The target root dpkg names ($DPKG_ROOT; "/" when unset or empty): the
  // one reading of it (maintainer scripts, hooks, the sckl command, debconf).
  static std::string root_from_environment();

  Result<std::string> read_file(const std::string& path) override;
  Result<FileInfo> stat(const std::string& path) override;
  Result<std::string> read_link(const std::string& path) override;
  Result<FileId> file_id(const std::string& path) override;
  Result<std::vector<std::string>> list_dir(const std::string& path) override;
  Status write_file(const std::string& path, const std::string& content, mode_t mode) override;
  Status write_file_as(const std::string& path, const std::string& content, const FileAttrs& attrs) override;
  Result<FileAttrs> file_attrs(const std::string& path) override;
  Status remove_file(const std::string& path) override;
  Status make_dir(const std::string& path, mode_t mode) override;
  Status remove_dir(const std::string& path) override;
  Result<ProcessResult> run(const Command& command) override;
  Result<std::unique_ptr<HeldLock>> lock_file(const std::string& path, std::chrono::milliseconds timeout,
                                              const std::string& holder) override;
  Result<DeviceTags> probe_block_device(const std::string& device) override;
  Result<DeviceTags> udev_properties(const std::string& syspath) override;
  std::optional<std::string> env(const std::string& name) override;
  Status write_kernel_attr(const std::string& path, const std::string& value) override;
  Result<int> arm_watchdog(const std::string& device, int seconds) override;
  Status remount(const std::string& path, bool read_only) override;
  Status set_cpu_nice(int nice) override;
  Status mount_api(const ApiMount& mount) override;
  Result<std::string> read_head(const std::string& path, size_t bytes) override;
  Result<std::string> read_kernel_log() override;
  const std::string& root() const override { return root_; }

  // For crash tests only: called after each step of write_file.
  void set_write_step_hook(void (*hook)(AtomicWriteStep)) { step_hook_ = hook; }

 private:
  std::string host_path(const std::string& path) const;
  // write_file and write_file_as: `attrs` nullptr keeps the caller's owner
  // and no extended attributes.
  Status write_atomically(const std::string& path, const std::string& content, mode_t mode, const FileAttrs* attrs);
  // open(2) of path with flags, resolved so that no symlink leads out of the
  // root (see system.cc); -1 and errno on failure.
  int open_in_root(const std::string& path, int flags) const;
  // A directory descriptor of path's parent, resolved the same way.
  int open_parent(const std::string& path) const;
  std::string root_;
  const DeviceQueries* devices_ = nullptr;
  void (*step_hook_)(AtomicWriteStep) = nullptr;
};

}  // namespace sckl
