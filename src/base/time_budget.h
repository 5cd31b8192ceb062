// A total time budget for a program's children. systemd kills a generator
// that runs longer than 90 s (DEFAULT_TIMEOUT_USEC, compiled in, the same in
// systemd 252 and 257; all generators of a boot share it) and the boot then
// goes on without what it was doing. The generator's own limits (kexec -l
// 120 s, sync 60 s, each remount 30 s) add up to far more, so every child and
// lock wait of the generator is cut to what is left of one budget.
#pragma once

#include <chrono>
#include <functional>

#include "base/system.h"

namespace sckl {

// The generator's budget: 30 s margin below systemd's 90 s for the file
// writes between children and the other generators running beside it.
inline constexpr std::chrono::seconds kGeneratorBudget{60};
// What a child still gets once the budget is spent: the clean-up after a
// failure (remount rw, undo the attempt's record, kexec -u: at most five
// children) must still be tried, and stays bounded (5 x 2 s).
inline constexpr std::chrono::seconds kBudgetGrace{2};

// A System whose run() and lock_file() timeouts are cut to the budget left
// (never below kBudgetGrace); everything else is passed through.
class BudgetedSystem : public System {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  // `clock` is for tests; empty means steady_clock::now.
  BudgetedSystem(System& inner, std::chrono::milliseconds budget, Clock clock = {});

  // Budget left now (may be negative once spent).
  std::chrono::milliseconds remaining() const;
  // `own` cut to the budget left, at least kBudgetGrace (or `own` when smaller).
  std::chrono::milliseconds cut(std::chrono::milliseconds own) const;

  Result<std::string> read_file(const std::string& path) override { return inner_.read_file(path); }
  Result<FileInfo> stat(const std::string& path) override { return inner_.stat(path); }
  Result<std::string> read_link(const std::string& path) override { return inner_.read_link(path); }
  Result<FileId> file_id(const std::string& path) override { return inner_.file_id(path); }
  Result<std::vector<std::string>> list_dir(const std::string& path) override { return inner_.list_dir(path); }
  Status write_file(const std::string& path, const std::string& content, mode_t mode) override {
    return inner_.write_file(path, content, mode);
  }
  Status write_file_as(const std::string& path, const std::string& content, const FileAttrs& attrs) override {
    return inner_.write_file_as(path, content, attrs);
  }
  Result<FileAttrs> file_attrs(const std::string& path) override { return inner_.file_attrs(path); }
  Status remove_file(const std::string& path) override { return inner_.remove_file(path); }
  Status make_dir(const std::string& path, mode_t mode) override { return inner_.make_dir(path, mode); }
  Status remove_dir(const std::string& path) override { return inner_.remove_dir(path); }
  Result<ProcessResult> run(const Command& command) override;
  Result<std::unique_ptr<HeldLock>> lock_file(const std::string& path, std::chrono::milliseconds timeout,
                                              const std::string& holder) override {
    return inner_.lock_file(path, cut(timeout), holder);
  }
  // In-process and quick (no child to time out): passed through.
  Result<DeviceTags> probe_block_device(const std::string& device) override {
    return inner_.probe_block_device(device);
  }
  Result<DeviceTags> udev_properties(const std::string& syspath) override { return inner_.udev_properties(syspath); }
  std::optional<std::string> env(const std::string& name) override { return inner_.env(name); }
  Status write_kernel_attr(const std::string& path, const std::string& value) override {
    return inner_.write_kernel_attr(path, value);
  }
  Result<int> arm_watchdog(const std::string& device, int seconds) override {
    return inner_.arm_watchdog(device, seconds);
  }
  Status remount(const std::string& path, bool read_only) override { return inner_.remount(path, read_only); }
  Status set_cpu_nice(int nice) override { return inner_.set_cpu_nice(nice); }
  Status mount_api(const ApiMount& mount) override { return inner_.mount_api(mount); }
  Result<std::string> read_head(const std::string& path, size_t bytes) override {
    return inner_.read_head(path, bytes);
  }
  std::chrono::milliseconds kernel_clock() override { return inner_.kernel_clock(); }
  Result<std::string> read_kernel_log() override { return inner_.read_kernel_log(); }
  const std::string& root() const override { return inner_.root(); }

 private:
  System& inner_;
  Clock clock_;
  std::chrono::steady_clock::time_point deadline_;
};

}  // namespace sckl
