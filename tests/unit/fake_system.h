// An in-memory System for unit tests: a tree of files, directories and
// symlinks, a scripted process runner, and fault injection ("fail the N-th
// call with errno E") to prove that every failure leaves files wholly old or
// wholly new and that a re-run converges.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

#include "base/system.h"

namespace sckl::testing {

class FakeSystem : public System {
 public:
  struct Node {
    Node(FileKind k = FileKind::Regular, std::string d = {}, mode_t m = 0644) : kind(k), data(std::move(d)), mode(m) {}
    FileKind kind = FileKind::Regular;
    std::string data;  // file content, or a symlink's target
    mode_t mode = 0644;
    uid_t uid = 0;  // new files belong to root, as the maintainer scripts' do
    gid_t gid = 0;
    std::map<std::string, std::string> xattrs;
  };

  FakeSystem();

  // Set-up helpers (not counted as calls, never failed).
  void put_file(const std::string& path, const std::string& content, mode_t mode = 0644);
  void put_dir(const std::string& path, mode_t mode = 0755);
  void put_link(const std::string& path, const std::string& target);
  bool has(const std::string& path) const { return nodes.count(path) != 0; }
  // Content of a regular file; "" when missing.
  std::string content(const std::string& path) const;

  // Fault injection: call number `n` (1-based, counting every System call
  // from now on) fails with `errnum`; run() then reports a killed child.
  void fail_call(int n, int errnum);
  // How a write_file hit by the fault fails. Atomic (the contract of
  // System::write_file, what RealSystem does): the file stays wholly old.
  // InPlace: what a writer that truncates and writes the file itself leaves
  // when it is cut off: the first half of the new content. The "torn file"
  // checks of the fault tests prove they can see a tear by finding one in
  // InPlace mode.
  enum class WriteMode { Atomic, InPlace };
  WriteMode write_mode = WriteMode::Atomic;
  int calls() const { return calls_; }
  bool fault_hit() const { return fault_hit_; }

  Result<std::string> read_file(const std::string& path) override;
  Result<FileInfo> stat(const std::string& path) override;
  Result<std::string> read_link(const std::string& path) override;
  // The id of the node a path resolves to (symlinks followed): two paths
  // that lead to the same node have the same id. put_link("/proc/1/root",
  // "/") makes PID 1's root ours; a link elsewhere makes it another.
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
  // Answered from block_devices / udev_devices; a device not there cannot be
  // opened (ENOENT), as the libraries say.
  Result<DeviceTags> probe_block_device(const std::string& device) override;
  Result<DeviceTags> udev_properties(const std::string& syspath) override;
  std::optional<std::string> env(const std::string& name) override;
  // Kernel attributes: the file must exist; its content becomes `value`.
  Status write_kernel_attr(const std::string& path, const std::string& value) override;
  // The device must exist; records the call; answers watchdog_granted (or
  // `seconds` when unset).
  Result<int> arm_watchdog(const std::string& device, int seconds) override;
  const std::string& root() const override { return root_; }

  std::vector<std::pair<std::string, int>> watchdogs_armed;
  std::optional<int> watchdog_granted;

  // Remounts: recorded as "ro PATH" / "rw PATH" in `remounts`; remount_fails
  // (when set) answers first, an error fails the call. A remount that works
  // turns the matching line of /proc/self/mountinfo (when there is one)
  // read-only or read-write, as the kernel's view would change.
  Status remount(const std::string& path, bool read_only) override;
  std::vector<std::string> remounts;
  std::function<Status(const std::string& path, bool read_only)> remount_fails;
  // set_cpu_nice: the last value set (unset: never called or refused);
  // nice_errno set: refused with that errno.
  Status set_cpu_nice(int nice) override;
  std::optional<int> cpu_nice;
  std::optional<int> nice_errno;
  // mount_api: recorded in `api_mounts`; mount_errno set: refused. A mount
  // that works adds its line to /proc/self/mountinfo (mounting /proc makes
  // that file), as the kernel's view would change.
  Status mount_api(const ApiMount& mount) override;
  std::vector<ApiMount> api_mounts;
  std::optional<int> mount_errno;
  // What /proc/self/mountinfo holds before the mount of /proc adds its own
  // line (mounts made before /proc was there: the root, a kernel devtmpfs).
  std::string mountinfo_before_proc;

  // The kernel's clock: each reading advances it by clock_step (never a
  // counted call, never failed), so that timelines are deterministic.
  std::chrono::milliseconds kernel_clock() override { return clock_now += clock_step; }
  std::chrono::milliseconds clock_now{5000};
  std::chrono::milliseconds clock_step{10};
  // read_kernel_log's answer; unset: no kernel log here (ENOSYS).
  std::optional<std::string> kernel_log;
  Result<std::string> read_kernel_log() override {
    if (kernel_log) return *kernel_log;
    return System::read_kernel_log();
  }

  std::map<std::string, Node> nodes;
  std::map<std::string, DeviceTags> block_devices;  // device -> libblkid's tags
  // Devices with several signatures: libblkid's "ambivalent result".
  std::vector<std::string> ambivalent_devices;
  std::map<std::string, DeviceTags> udev_devices;   // syspath -> udev properties
  // Every device query, in order: "blkid DEVICE" or "udev SYSPATH".
  std::vector<std::string> device_queries;
  std::map<std::string, std::string> environment;
  // Answers run(); default: exit 127 "not found".
  std::function<Result<ProcessResult>(const Command&)> runner;
  std::vector<std::vector<std::string>> commands_run;

  // Locks: when set, lock_file() finds the lock held by this "PID WHO" line
  // and times out at once, as the real one would after waiting.
  std::optional<std::string> lock_held_by_other;
  int locks_taken = 0;     // successful lock_file calls
  int locks_held = 0;      // locks not yet released
  int max_locks_held = 0;  // a second lock while one is held shows here
  std::vector<std::string> lock_holders;  // `holder` of each successful call
  // Commands run while a lock was held, with their share_state_lock flag.
  std::vector<bool> commands_shared_lock;

 private:
  // Counts the call; returns the injected error when this call must fail.
  std::optional<Error> tick(const std::string& what);
  const Node* resolve(const std::string& path, int depth = 0) const;
  bool parent_is_dir(const std::string& path) const;

  std::string root_ = "/";
  int calls_ = 0;
  int fail_at_ = 0;
  int fail_errno_ = 0;
  bool fault_hit_ = false;
};

// A System that throws from its reads: what a std::bad_alloc or a library
// throw deep inside looks like to a program's main (main_guard.h).
class ThrowingSystem : public FakeSystem {
 public:
  Result<std::string> read_file(const std::string&) override { throw std::runtime_error("injected throw"); }
  Result<FileInfo> stat(const std::string&) override { throw std::bad_alloc(); }
  Result<FileId> file_id(const std::string&) override { throw std::runtime_error("injected throw"); }
  Result<std::string> read_link(const std::string&) override { throw std::runtime_error("injected throw"); }
  Result<std::unique_ptr<HeldLock>> lock_file(const std::string&, std::chrono::milliseconds,
                                              const std::string&) override {
    throw std::runtime_error("injected throw");
  }
};

// The start of an x86 bzImage as preflight recognises it ("HdrS" at 0x202).
inline std::string fake_bzimage() {
  std::string head(0x400, '\0');
  head.replace(0x202, 4, "HdrS");
  return head;
}

// The same with the PE/COFF header of an EFI-stub kernel whose certificate
// table is not empty (a signed kernel such as Debian's linux-image-*-amd64).
inline std::string fake_signed_bzimage() {
  std::string head = fake_bzimage();
  head.replace(0, 2, "MZ");
  auto put32 = [&](size_t at, uint32_t v) {
    for (int i = 0; i < 4; ++i) head[at + i] = static_cast<char>((v >> (8 * i)) & 0xff);
  };
  put32(0x3c, 0x40);                        // e_lfanew
  head.replace(0x40, 4, std::string("PE\0\0", 4));
  const size_t opt = 0x40 + 24;
  head[opt] = 0x0b; head[opt + 1] = 0x02;  // PE32+
  put32(opt + 108, 6);                      // NumberOfRvaAndSizes
  put32(opt + 112 + 32, 0x7000);            // certificate table: offset
  put32(opt + 112 + 36, 0x900);             //                    size
  return head;
}

}  // namespace sckl::testing
