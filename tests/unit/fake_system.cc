#include "fake_system.h"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <sstream>

namespace sckl::testing {

FakeSystem::FakeSystem() { nodes["/"] = Node{FileKind::Directory, {}, 0755}; }

void FakeSystem::put_dir(const std::string& path, mode_t mode) {
  if (path != "/" && !has(parent_dir(path))) put_dir(parent_dir(path));
  nodes[path] = Node{FileKind::Directory, {}, mode};
}

void FakeSystem::put_file(const std::string& path, const std::string& content, mode_t mode) {
  if (!has(parent_dir(path))) put_dir(parent_dir(path));
  nodes[path] = Node{FileKind::Regular, content, mode};
}

void FakeSystem::put_link(const std::string& path, const std::string& target) {
  if (!has(parent_dir(path))) put_dir(parent_dir(path));
  nodes[path] = Node{FileKind::Symlink, target, 0777};
}

std::string FakeSystem::content(const std::string& path) const {
  auto it = nodes.find(path);
  return (it == nodes.end() || it->second.kind != FileKind::Regular) ? std::string() : it->second.data;
}

void FakeSystem::fail_call(int n, int errnum) {
  fail_at_ = calls_ + n;
  fail_errno_ = errnum;
  fault_hit_ = false;
}

std::optional<Error> FakeSystem::tick(const std::string& what) {
  ++calls_;
  if (fail_at_ != 0 && calls_ == fail_at_) {
    fault_hit_ = true;
    return system_error("injected fault: " + what, fail_errno_);
  }
  return std::nullopt;
}

const FakeSystem::Node* FakeSystem::resolve(const std::string& path, int depth) const {
  auto it = nodes.find(path);
  if (it == nodes.end()) return nullptr;
  if (it->second.kind != FileKind::Symlink) return &it->second;
  if (depth > 8) return nullptr;
  const std::string& t = it->second.data;
  return resolve(t.starts_with("/") ? t : parent_dir(path) + "/" + t, depth + 1);
}

bool FakeSystem::parent_is_dir(const std::string& path) const {
  auto* p = resolve(parent_dir(path));
  return p && p->kind == FileKind::Directory;
}

Result<std::string> FakeSystem::read_file(const std::string& path) {
  if (auto e = tick("read " + path)) return *e;
  auto* n = resolve(path);
  if (!n) return system_error("cannot read " + path, ENOENT);
  if (n->kind == FileKind::Directory) return system_error("cannot read " + path, EISDIR);
  return n->data;
}

Result<FileInfo> FakeSystem::stat(const std::string& path) {
  if (auto e = tick("stat " + path)) return *e;
  auto it = nodes.find(path);
  if (it == nodes.end()) return FileInfo{};
  return FileInfo{it->second.kind, it->second.mode, it->second.data.size()};
}

Result<std::string> FakeSystem::read_link(const std::string& path) {
  if (auto e = tick("readlink " + path)) return *e;
  auto it = nodes.find(path);
  if (it == nodes.end()) return system_error("cannot read the link " + path, ENOENT);
  if (it->second.kind != FileKind::Symlink) return system_error("cannot read the link " + path, EINVAL);
  return it->second.data;
}

Result<FileId> FakeSystem::file_id(const std::string& path) {
  if (auto e = tick("file id " + path)) return *e;
  auto* n = resolve(path);
  if (!n) return system_error("cannot examine " + path, ENOENT);
  // A node's address is unique and stable while it exists: a fine inode.
  return FileId{1, static_cast<unsigned long long>(reinterpret_cast<std::uintptr_t>(n))};
}

Result<std::vector<std::string>> FakeSystem::list_dir(const std::string& path) {
  if (auto e = tick("list " + path)) return *e;
  auto* n = resolve(path);
  if (!n) return system_error("cannot list " + path, ENOENT);
  if (n->kind != FileKind::Directory) return system_error("cannot list " + path, ENOTDIR);
  std::string prefix = path == "/" ? "/" : path + "/";
  std::vector<std::string> out;
  for (auto it = nodes.lower_bound(prefix); it != nodes.end() && it->first.starts_with(prefix); ++it) {
    std::string rest = it->first.substr(prefix.size());
    if (!rest.empty() && rest.find('/') == std::string::npos) out.push_back(rest);
  }
  return out;
}

Status FakeSystem::write_file(const std::string& path, const std::string& content, mode_t mode) {
  if (auto e = tick("write " + path)) {
    auto old = nodes.find(path);
    if (write_mode == WriteMode::InPlace && parent_is_dir(path) &&
        (old == nodes.end() || old->second.kind == FileKind::Regular))
      nodes[path] = Node{FileKind::Regular, content.substr(0, content.size() / 2), mode};
    return *e;
  }
  auto it = nodes.find(path);
  if (it != nodes.end() && it->second.kind == FileKind::Symlink)
    return Error{"will not replace " + path + ": it is a symbolic link", ELOOP, {}};
  if (it != nodes.end() && it->second.kind != FileKind::Regular)
    return Error{"will not replace " + path + ": it is not a regular file", EISDIR, {}};
  if (!parent_is_dir(path)) return system_error("cannot write " + path, ENOENT);
  // Atomic: either this assignment happens or nothing does.
  nodes[path] = Node{FileKind::Regular, content, mode};
  return {};
}

Status FakeSystem::write_file_as(const std::string& path, const std::string& content, const FileAttrs& attrs) {
  SCKL_TRY(write_file(path, content, attrs.mode));
  Node& n = nodes[path];
  n.uid = attrs.uid;
  n.gid = attrs.gid;
  n.xattrs = attrs.xattrs;
  return {};
}

Result<FileAttrs> FakeSystem::file_attrs(const std::string& path) {
  if (auto e = tick("attrs " + path)) return *e;
  auto it = nodes.find(path);
  if (it == nodes.end()) return system_error("cannot examine " + path, ENOENT);
  if (it->second.kind != FileKind::Regular) return Error{"cannot examine " + path + ": not a regular file", EINVAL, {}};
  return FileAttrs{it->second.uid, it->second.gid, it->second.mode, it->second.xattrs};
}

Status FakeSystem::remove_file(const std::string& path) {
  if (auto e = tick("remove " + path)) return *e;
  auto it = nodes.find(path);
  if (it == nodes.end()) return {};
  if (it->second.kind == FileKind::Directory) return system_error("cannot remove " + path, EISDIR);
  nodes.erase(it);
  return {};
}

Status FakeSystem::make_dir(const std::string& path, mode_t mode) {
  if (auto e = tick("mkdir " + path)) return *e;
  auto it = nodes.find(path);
  if (it != nodes.end()) {
    if (it->second.kind == FileKind::Directory) return {};
    return system_error("cannot create directory " + path, EEXIST);
  }
  if (!parent_is_dir(path)) return system_error("cannot create directory " + path, ENOENT);
  nodes[path] = Node{FileKind::Directory, {}, mode};
  return {};
}

Status FakeSystem::remove_dir(const std::string& path) {
  if (auto e = tick("rmdir " + path)) return *e;
  auto it = nodes.find(path);
  if (it == nodes.end()) return {};
  if (it->second.kind != FileKind::Directory) return system_error("cannot remove directory " + path, ENOTDIR);
  auto next = std::next(it);
  if (next != nodes.end() && next->first.starts_with(path + "/"))
    return system_error("cannot remove directory " + path, ENOTEMPTY);
  nodes.erase(it);
  return {};
}

Result<DeviceTags> FakeSystem::probe_block_device(const std::string& device) {
  device_queries.push_back("blkid " + device);
  if (auto e = tick("probe " + device)) return *e;
  for (const auto& d : ambivalent_devices)
    if (d == device)
      return Error{device + " holds more than one file system signature (libblkid: ambivalent result)", 0, {}};
  auto it = block_devices.find(device);
  if (it == block_devices.end())
    return system_error("cannot open " + device + " to read its file system signature", ENOENT);
  return it->second;
}

Result<DeviceTags> FakeSystem::udev_properties(const std::string& syspath) {
  device_queries.push_back("udev " + syspath);
  if (auto e = tick("udev " + syspath)) return *e;
  auto it = udev_devices.find(syspath);
  if (it == udev_devices.end()) return system_error("cannot ask udev about " + syspath, ENOENT);
  return it->second;
}

Result<ProcessResult> FakeSystem::run(const Command& command) {
  commands_run.push_back(command.argv);
  commands_shared_lock.push_back(command.share_state_lock && locks_held > 0);
  if (auto e = tick("run " + (command.argv.empty() ? std::string() : command.argv[0]))) {
    return Error{"'" + command.argv[0] + "' was killed by signal 9 (injected fault)", EINTR, {}};
  }
  if (runner) return runner(command);
  return ProcessResult{127, "", command.argv[0] + ": not found"};
}

namespace {

class FakeLock : public HeldLock {
 public:
  explicit FakeLock(int* held) : held_(held) {}
  ~FakeLock() override { --*held_; }

 private:
  int* held_;
};

}  // namespace

Result<std::unique_ptr<HeldLock>> FakeSystem::lock_file(const std::string& path, std::chrono::milliseconds timeout,
                                                          const std::string& holder) {
  if (auto e = tick("lock " + path)) return *e;
  auto it = nodes.find(path);
  if (it != nodes.end() && it->second.kind != FileKind::Regular)
    return Error{"will not use the lock file " + path + ": it is not a regular file of this user", EPERM, {}};
  if (it == nodes.end() && !parent_is_dir(path)) return system_error("cannot open the lock file " + path, ENOENT);
  if (lock_held_by_other) return lock_busy_error(path, timeout, *lock_held_by_other);
  nodes[path] = Node{FileKind::Regular, "4242 " + holder + "\n", 0600};
  ++locks_taken;
  max_locks_held = std::max(max_locks_held, ++locks_held);
  lock_holders.push_back(holder);
  return std::unique_ptr<HeldLock>(std::make_unique<FakeLock>(&locks_held));
}

std::optional<std::string> FakeSystem::env(const std::string& name) {
  auto it = environment.find(name);
  if (it == environment.end()) return std::nullopt;
  return it->second;
}

Status FakeSystem::remount(const std::string& path, bool read_only) {
  if (auto e = tick("remount " + path)) return *e;
  if (remount_fails) SCKL_TRY(remount_fails(path, read_only));
  remounts.push_back(std::string(read_only ? "ro " : "rw ") + path);
  auto it = nodes.find("/proc/self/mountinfo");
  if (it == nodes.end()) return {};
  // Fields: ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS ...: the options of
  // the line whose mount point is `path` start with rw or ro.
  std::string out, line;
  std::istringstream in(it->second.data);
  while (std::getline(in, line)) {
    std::istringstream f(line);
    std::string id, parent, dev, root, point, opts;
    f >> id >> parent >> dev >> root >> point >> opts;
    if (point == path && (opts.starts_with("rw") || opts.starts_with("ro"))) {
      const auto at = line.find(" " + opts);
      line.replace(at + 1, 2, read_only ? "ro" : "rw");
    }
    out += line + "\n";
  }
  it->second.data = out;
  return {};
}

Status FakeSystem::set_cpu_nice(int nice) {
  if (auto e = tick("nice " + std::to_string(nice))) return *e;
  if (nice_errno) return system_error("cannot set the CPU priority", *nice_errno);
  cpu_nice = nice;
  return {};
}

Status FakeSystem::mount_api(const ApiMount& m) {
  if (auto e = tick("mount " + m.path)) return *e;
  if (mount_errno) return system_error("cannot mount " + m.fstype + " on " + m.path, *mount_errno);
  api_mounts.push_back(m);
  auto it = nodes.find("/proc/self/mountinfo");
  if (it == nodes.end() && m.path != "/proc") return {};
  if (it == nodes.end()) put_file("/proc/self/mountinfo", mountinfo_before_proc);
  std::string& info = nodes["/proc/self/mountinfo"].data;
  info += std::to_string(30 + api_mounts.size()) + " 1 0:" + std::to_string(api_mounts.size()) + " / " + m.path +
          " rw - " + m.fstype + " " + m.fstype + " rw\n";
  return {};
}

}  // namespace sckl::testing

namespace sckl::testing {

Status FakeSystem::write_kernel_attr(const std::string& path, const std::string& value) {
  if (auto e = tick("write attribute " + path)) return *e;
  auto it = nodes.find(path);
  if (it == nodes.end() || it->second.kind != FileKind::Regular) return system_error("cannot open " + path, ENOENT);
  it->second.data = value;
  return {};
}

Result<int> FakeSystem::arm_watchdog(const std::string& device, int seconds) {
  if (auto e = tick("arm " + device)) return *e;
  if (!nodes.count(device)) return system_error("cannot open " + device, ENOENT);
  watchdogs_armed.emplace_back(device, seconds);
  return watchdog_granted.value_or(seconds);
}

}  // namespace sckl::testing
