// The hardware watchdog layer (watchdog.h): which drivers to load, the
// timeout, when a switch arms it, and that it is armed last before kexec -e.
#include "boot/watchdog.h"

#include <gtest/gtest.h>

#include "boot/boot_state.h"
#include "fake_system.h"
#include "base/paths.h"
#include "boot/switch.h"

namespace sckl {
namespace {

using testing::FakeSystem;

WatchdogDevice esb() {
  WatchdogDevice d;
  d.name = "watchdog0";
  d.identity = "i6300ESB timer";
  d.timeout = 30;
  d.min_timeout = 1;
  d.max_timeout = 2046;
  return d;
}

TEST(WatchdogIndex, OnlyWatchdogN) {
  EXPECT_EQ(watchdog_index("watchdog0"), 0);
  EXPECT_EQ(watchdog_index("watchdog12"), 12);
  for (const char* bad : {"watchdog", "watchdogx", "watchdog-1", "wdt0", "watchdog123456"})
    EXPECT_FALSE(watchdog_index(bad)) << bad;
}

TEST(WatchdogModules, DriversOfPresentDevicesOnly) {
  const std::string alias =
      "alias pci:v00008086d000025ABsv*sd*bc*sc*i* i6300esb\n"
      "alias pci:v00008086d00002918sv*sd*bc*sc*i* lpc_ich\n"
      "alias pci:v0000104Cd0000AC50sv*sd*bc*sc*i* wdt_pci\n"
      "alias platform:softdog softdog\n"
      "alias pci:v00001AF4d00001000sv*sd*bc*sc*i* virtio_net\n";
  const std::string dep =
      "kernel/drivers/watchdog/i6300esb.ko.xz: kernel/drivers/watchdog/watchdog.ko.xz\n"
      "kernel/drivers/watchdog/wdt_pci.ko.xz: kernel/drivers/watchdog/watchdog.ko.xz\n"
      "kernel/drivers/watchdog/softdog.ko.xz: kernel/drivers/watchdog/watchdog.ko.xz\n"
      "kernel/drivers/watchdog/watchdog.ko.xz:\n"
      "kernel/drivers/mfd/lpc_ich.ko.xz:\n"
      "kernel/drivers/net/virtio_net.ko.xz: kernel/net/core/failover.ko.xz\n";
  const std::vector<std::string> present = {"pci:v00008086d000025ABsv00001AF4sd00001100bc08sc80i00",
                                            "pci:v00001AF4d00001000sv00001AF4sd00000001bc02sc00i00",
                                            "pci:v00008086d00002918sv00001AF4sd00001100bc06sc01i00",
                                            "platform:softdog"};
  EXPECT_EQ(watchdog_modules_for(present, alias, dep), (std::vector<std::string>{"i6300esb"}));
  EXPECT_TRUE(watchdog_modules_for({"pci:v00001AF4d00001000sv0sd0bc02sc00i00"}, alias, dep).empty());
}

TEST(WatchdogTimeout, ClampedToTheDevice) {
  EXPECT_EQ(clamp_watchdog_timeout(600, 1, 2046), 600);
  EXPECT_EQ(clamp_watchdog_timeout(86400, 1, 2046), 2046);
  EXPECT_EQ(clamp_watchdog_timeout(30, 60, 255), 60);
  EXPECT_EQ(clamp_watchdog_timeout(600, 0, 0), 600);  // limits unknown
}

TEST(WatchdogPlan, ArmsOnlyWithADeadlineAndAFreeDevice) {
  auto p = plan_watchdog(esb(), 600);
  EXPECT_TRUE(p.arm);
  EXPECT_EQ(p.device, "/dev/watchdog0");
  EXPECT_EQ(p.seconds, 600);
  EXPECT_EQ(watchdog_cmdline_word(p), "systemd.watchdog_sec=600");
  auto big = plan_watchdog(esb(), 86400);
  EXPECT_EQ(big.seconds, 2046);
  EXPECT_NE(big.reason.find("outside the device's 1-2046 s"), std::string::npos) << big.reason;
  // boot_timeout = 0 or a target confirmed good: boot_deadline is 0.
  EXPECT_FALSE(plan_watchdog(esb(), 0).arm);
  EXPECT_EQ(watchdog_cmdline_word(plan_watchdog(esb(), 0)), "");
  auto none = plan_watchdog(std::nullopt, 600);
  EXPECT_FALSE(none.arm);
  EXPECT_NE(none.reason.find("no hardware watchdog"), std::string::npos);
  WatchdogDevice busy = esb();
  busy.active = true;
  EXPECT_FALSE(plan_watchdog(busy, 600).arm);
}

void put_esb(FakeSystem& s, const std::string& name = "watchdog0") {
  const std::string d = std::string(paths::kWatchdogClassDir) + "/" + name + "/";
  s.put_file(d + "identity", "i6300ESB timer\n");
  s.put_file(d + "timeout", "30\n");
  s.put_file(d + "min_timeout", "1\n");
  s.put_file(d + "max_timeout", "2046\n");
  s.put_file(d + "nowayout", "0\n");
  s.put_file(d + "state", "inactive\n");
  s.put_file("/dev/" + name, "");
}

TEST(FindWatchdog, TheLowestNumberWithItsLimits) {
  FakeSystem s;
  EXPECT_FALSE(find_watchdog(s).value());  // no /sys/class/watchdog
  s.put_dir(paths::kWatchdogClassDir);
  EXPECT_FALSE(find_watchdog(s).value());
  put_esb(s, "watchdog10");
  put_esb(s, "watchdog2");
  auto w = find_watchdog(s);
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE(w.value());
  EXPECT_EQ(w.value()->name, "watchdog2");
  EXPECT_EQ(w.value()->max_timeout, 2046);
  EXPECT_FALSE(w.value()->active);
  EXPECT_NE(describe_watchdog(w.value()).find("/dev/watchdog2 (i6300ESB timer), timeout 1-2046 s"),
            std::string::npos);
  EXPECT_EQ(describe_watchdog(std::nullopt).rfind("hardware watchdog: none", 0), 0u);
  // A class entry without its device node is not usable.
  FakeSystem t;
  t.put_dir(std::string(paths::kWatchdogClassDir) + "/watchdog0");
  EXPECT_FALSE(find_watchdog(t).value());
}

TEST(ArmWatchdog, NowayoutFirstThenStartedWithTheTimeout) {
  FakeSystem s;
  put_esb(s);
  s.watchdog_granted = 600;
  auto plan = plan_watchdog(find_watchdog(s).value(), 600);
  auto armed = arm_watchdog_for_switch(s, plan);
  ASSERT_TRUE(armed.ok()) << armed.error().describe();
  EXPECT_EQ(armed.value(), 600);
  EXPECT_EQ(s.content("/sys/class/watchdog/watchdog0/nowayout"), "1");
  ASSERT_EQ(s.watchdogs_armed.size(), 1u);
  EXPECT_EQ(s.watchdogs_armed[0], (std::pair<std::string, int>{"/dev/watchdog0", 600}));
  // Without nowayout the kexec would stop it (watchdog.h): no start then.
  FakeSystem t;
  put_esb(t);
  t.nodes.erase("/sys/class/watchdog/watchdog0/nowayout");
  EXPECT_FALSE(arm_watchdog_for_switch(t, plan).ok());
  EXPECT_TRUE(t.watchdogs_armed.empty());
}

// The generator's switch with a watchdog (compare switch_test.cc).
struct KexecExecuted {};

struct Provider {
  FakeSystem s;
  bool exec_returns = false;
  size_t armed_before_exec = 0;
  Provider() {
    s.put_file("/proc/cmdline", "root=/dev/vda console=ttyS0\n");
    s.put_file("/proc/sys/kernel/osrelease", "6.1.0-47-amd64\n");
    s.put_file("/proc/sys/kernel/kexec_load_disabled", "0\n");
    s.put_file("/sys/kernel/kexec_loaded", "0\n");
    s.put_file("/proc/meminfo", "MemAvailable:     800000 kB\n");
    s.put_file("/proc/self/mountinfo", "22 1 254:0 / / ro,relatime - ext4 /dev/vda rw\n");
    s.put_file("/boot/vmlinuz-6.1.0-56-amd64", testing::fake_bzimage());
    s.put_file("/boot/initrd.img-6.1.0-56-amd64", "initrd");
    s.put_file("/var/lib/initramfs-tools/6.1.0-56-amd64", "sha");
    s.put_dir("/lib/modules/6.1.0-56-amd64");
    s.put_file("/lib/modules/6.1.0-47-amd64/modules.alias", "alias pci:v00008086d000025ABsv*sd*bc*sc*i* i6300esb\n");
    s.put_file("/lib/modules/6.1.0-47-amd64/modules.dep", "kernel/drivers/watchdog/i6300esb.ko:\n");
    s.put_file("/sys/bus/pci/devices/0000:00:04.0/modalias", "pci:v00008086d000025ABsv00001AF4sd00001100bc08sc80i00\n");
    s.put_dir("/run");
    s.put_dir("/var/lib");
    s.put_dir("/etc/sckl");
    s.runner = [this](const Command& c) -> Result<ProcessResult> {
      if (c.argv[0] == "modprobe") {
        put_esb(s);  // the driver creates the device
        return ProcessResult{0, "", ""};
      }
      if (c.argv[0] == "kexec" && c.argv[1] == "-e") {
        armed_before_exec = s.watchdogs_armed.size();
        if (exec_returns) return ProcessResult{1, "", "kexec: exec failed"};
        throw KexecExecuted{};
      }
      if (c.argv[0] == "kexec") return ProcessResult{0, "", ""};
      return ProcessResult{127, "", "not found"};
    };
  }
  bool boot() {
    try {
      (void)early_switch(s);
    } catch (const KexecExecuted&) {
      return true;
    }
    return false;
  }
  std::string loaded_line() const {
    for (const auto& c : s.commands_run)
      if (c[0] == "kexec" && c[1] == "-l") return c.back();
    return "";
  }
  bool ran(const std::string& prog) const {
    for (const auto& c : s.commands_run)
      if (c[0] == prog) return true;
    return false;
  }
};

TEST(SwitchWatchdog, UnconfirmedTargetArmsTheWatchdogLastAndSystemdTakesOver) {
  Provider p;
  EXPECT_TRUE(p.boot());
  EXPECT_TRUE(p.ran("modprobe"));
  EXPECT_EQ(p.loaded_line(),
            "--command-line=root=/dev/vda console=ttyS0 panic=10 sckl.boot_timeout=600 sckl.boot=1 "
            "systemd.watchdog_sec=600");
  EXPECT_EQ(p.armed_before_exec, 1u);
  EXPECT_EQ(p.s.content("/sys/class/watchdog/watchdog0/nowayout"), "1");
}

TEST(SwitchWatchdog, NeverWithBootTimeoutOffOrForAConfirmedTarget) {
  Provider off;
  off.s.put_file("/etc/sckl/sckl.conf", "boot_timeout = 0\n");
  EXPECT_TRUE(off.boot());
  EXPECT_FALSE(off.ran("modprobe"));
  EXPECT_TRUE(off.s.watchdogs_armed.empty());
  EXPECT_EQ(off.loaded_line().find("systemd.watchdog_sec"), std::string::npos);

  Provider good;
  ASSERT_TRUE(store_boot_state(good.s, BootState{"6.1.0-56-amd64", 0, BootResult::Good}).ok());
  EXPECT_TRUE(good.boot());
  EXPECT_FALSE(good.ran("modprobe"));
  EXPECT_TRUE(good.s.watchdogs_armed.empty());
  EXPECT_EQ(good.loaded_line().find("systemd.watchdog_sec"), std::string::npos);
}

TEST(SwitchWatchdog, WithoutADeviceTheSwitchIsAsBefore) {
  Provider p;
  p.s.nodes.erase("/sys/bus/pci/devices/0000:00:04.0/modalias");
  EXPECT_TRUE(p.boot());
  EXPECT_FALSE(p.ran("modprobe"));
  EXPECT_TRUE(p.s.watchdogs_armed.empty());
  EXPECT_EQ(p.loaded_line(), "--command-line=root=/dev/vda console=ttyS0 panic=10 sckl.boot_timeout=600 sckl.boot=1");
}

TEST(SwitchWatchdog, AFailedExecAfterArmingKeepsTheAttemptCounted) {
  Provider p;
  p.exec_returns = true;
  EXPECT_FALSE(p.boot());
  EXPECT_EQ(p.armed_before_exec, 1u);
  // The armed watchdog resets this boot: the attempt counts, so a kexec -e
  // that keeps failing ends after `tries` like a hang.
  auto st = load_boot_state(p.s);
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st.value(), (BootState{"6.1.0-56-amd64", 1, BootResult::Indeterminate}));
  EXPECT_NE(p.s.content(paths::kDecision).find("hardware watchdog"), std::string::npos) << p.s.content(paths::kDecision);
}

}  // namespace
}  // namespace sckl
