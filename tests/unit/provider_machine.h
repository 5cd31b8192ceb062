// A provider boot on a FakeSystem for the switch's tests (switch_test.cc,
// init_shim_test.cc): the provider's /proc and /sys, one installed kernel,
// and a scripted kexec. Nothing here can switch this machine.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "base/paths.h"
#include "boot/switch.h"
#include "fake_system.h"

namespace sckl::testing {

// What a real kexec -e does to the generator: it never returns. The fake
// throws this instead, so that nothing after it runs (boot() catches it).
struct KexecExecuted {};

struct Machine {
  FakeSystem s;
  int kexec_load_exit = 0;
  std::string kexec_load_err = "kexec: load failed";
  // `kexec -l -s` (kexec_file_load).
  int file_load_exit = 0;
  std::string file_load_err = "kexec_file_load failed: Key was rejected by service";
  // A kexec -e that returns (fails) instead of executing the target.
  bool exec_returns = false;
  std::string state_at_exec;  // boot-state's content when kexec -e ran

  Machine() {
    s.put_file("/proc/cmdline", "root=/dev/vda console=ttyS0\n");
    s.put_file("/proc/sys/kernel/osrelease", "6.1.0-47-cloud-amd64\n");
    s.put_file("/proc/sys/kernel/kexec_load_disabled", "0\n");
    s.put_file("/sys/kernel/kexec_loaded", "0\n");
    s.put_file("/proc/meminfo", "MemAvailable:     800000 kB\n");
    s.put_file("/proc/self/mountinfo", "22 1 254:0 / / ro,relatime - ext4 /dev/vda rw\n");
    add_kernel("6.1.0-56-amd64");
    s.put_dir("/run");
    s.put_dir("/var/lib");
    s.put_dir("/etc/sckl");
    s.runner = [this](const Command& c) -> Result<ProcessResult> {
      if (c.argv[0] == "kexec" && c.argv[1] == "-l")
        return c.argv[2] == "-s" ? ProcessResult{file_load_exit, "", file_load_err}
                                 : ProcessResult{kexec_load_exit, "", kexec_load_err};
      if (c.argv[0] == "kexec" && c.argv[1] == "-e") {
        state_at_exec = s.content(paths::kBootState);
        if (exec_returns) return ProcessResult{1, "", "kexec: exec failed"};
        throw KexecExecuted{};
      }
      if (c.argv[0] == "kexec" && c.argv[1] == "-u") return ProcessResult{0, "", ""};
      return ProcessResult{127, "", "not found"};
    };
  }
  // One provider boot's generator run: true when it reached kexec -e and
  // kexec executed the target (the run ends there, as on a real machine).
  bool boot() {
    try {
      (void)early_switch(s);
    } catch (const KexecExecuted&) {
      return true;
    }
    return false;
  }
  void add_kernel(const std::string& v) {
    s.put_file("/boot/vmlinuz-" + v, testing::fake_bzimage());
    s.put_file("/boot/initrd.img-" + v, "initrd");
    s.put_file("/var/lib/initramfs-tools/" + v, "sha");
    s.put_dir("/lib/modules/" + v);
  }
  // A new boot: /run is empty again, /proc/cmdline as given.
  void reboot(const std::string& cmdline = "root=/dev/vda console=ttyS0\n",
              const std::string& running = "6.1.0-47-cloud-amd64") {
    for (auto it = s.nodes.begin(); it != s.nodes.end();)
      it = it->first.starts_with("/run/") ? s.nodes.erase(it) : std::next(it);
    s.put_file("/proc/cmdline", cmdline);
    s.put_file("/proc/sys/kernel/osrelease", running + "\n");
    s.commands_run.clear();
    s.remounts.clear();
  }
  std::vector<std::string> kexec_load_argv() const {
    for (const auto& c : s.commands_run)
      if (c[0] == "kexec" && c[1] == "-l") return c;
    return {};
  }
  bool executed() const {
    for (const auto& c : s.commands_run)
      if (c[0] == "kexec" && c[1] == "-e") return true;
    return false;
  }
  BootState state() {
    auto st = load_boot_state(s);
    EXPECT_TRUE(st.ok());
    return st.ok() ? st.value() : BootState{};
  }
};

}  // namespace sckl::testing
