// The hardware watchdog layer of the hang guard (sckl(8), "A target that
// hangs"; hang_guard.h has the layers above it). The deadline units live in
// the target's systemd, so a target kernel that stalls before systemd runs
// (a stuck driver, a stall before the console) is never reset by them. Where
// the machine has a hardware watchdog, the provider's switch arms it right
// before `kexec -e` of a target that is not confirmed good yet, and the
// target's systemd takes it over from its first second
// (systemd.watchdog_sec= on the target's command line, understood by
// systemd 252 and 257).
//
// Why nowayout: the kernel's watchdog core stops a running watchdog on the
// reboot notifier that kexec calls (kernel_restart_prepare, SYS_RESTART)
// for drivers that ask for it (i6300esb does: watchdog_stop_on_reboot).
// Set before the start, nowayout makes drivers with a hardware lock (i6300esb:
// ESB_WDT_LOCK) lock the enable bit, so the stop on reboot fails and the
// count goes on across kexec until the next hardware reset. Measured in the
// VM (qemu 7.2, i6300esb, Debian 6.1; sckl(8)): armed without nowayout it
// was stopped by the kexec; with it, the machine was reset 30 s and 302 s
// after the hand-over for timeouts of 30 s and 300 s.
// The price: nothing can stop that watchdog before the next reset, so the
// target's systemd keeps pinging it for the whole of that boot (the word is
// on its command line), confirmed or not. A driver without such a lock is
// stopped by the kexec: then the target's systemd arms it again once its
// driver loads, which covers hangs after that point only.
//
// Never on a provider boot, never when boot_timeout is 0, never for a target
// confirmed good before (boot_deadline() is 0 then), never by hand (`sckl
// boot` and the fast reboot go through systemctl kexec, not this path).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/system.h"

namespace sckl {

inline constexpr const char* kSystemdWatchdogWord = "systemd.watchdog_sec";

// What /sys/class/watchdog says about one device.
struct WatchdogDevice {
  std::string name;      // "watchdog0" (/dev/watchdog0)
  std::string identity;  // "i6300ESB timer"
  int timeout = 0;       // seconds now; 0 = unknown
  int min_timeout = 0;   // 0 = unknown
  int max_timeout = 0;   // 0 = unknown
  bool nowayout = false;
  bool active = false;   // state = active: someone runs it already
};

// "watchdog0" < "watchdog2" < "watchdog10"; other names are not devices.
std::optional<int> watchdog_index(const std::string& name);

// The kernel modules of drivers/watchdog that match one of the machine's
// device modaliases (/sys/bus/*/devices/*/modalias), from the running
// kernel's modules.alias and modules.dep: what to load before udev has run
// (the generator runs first). Sorted, no duplicates.
std::vector<std::string> watchdog_modules_for(const std::vector<std::string>& modaliases,
                                              const std::string& modules_alias, const std::string& modules_dep);

// `want` seconds within the device's limits (0 = unknown limit).
int clamp_watchdog_timeout(int want, int min_timeout, int max_timeout);

struct WatchdogPlan {
  bool arm = false;
  std::string device;  // "/dev/watchdog0"
  int seconds = 0;     // asked of the device
  std::string reason;  // why (not), for the kernel log
};

// The provider's decision for a switch whose target gets `boot_deadline`
// seconds (boot_deadline() in hang_guard.h: 0 when boot_timeout is 0 or the
// target was confirmed good).
WatchdogPlan plan_watchdog(const std::optional<WatchdogDevice>& device, int boot_deadline);

// The word for the target's command line when the plan arms ("" otherwise).
std::string watchdog_cmdline_word(const WatchdogPlan& plan);

// The first watchdog device (lowest number), nullopt when there is none.
Result<std::optional<WatchdogDevice>> find_watchdog(System& sys);

// Loads the drivers of the machine's watchdog devices (modprobe), for the
// generator, which runs before udev. Failures are not errors: no device.
void load_watchdog_drivers(System& sys);

// Arms the plan's device: nowayout, then start with plan.seconds and close
// without the magic character. The timeout in force.
Result<int> arm_watchdog_for_switch(System& sys, const WatchdogPlan& plan);

// The switch's steps (early_switch): the plan for a target with
// `boot_deadline` seconds (drivers loaded and the device looked at only
// when there is a deadline), logged; and the arming right before kexec -e,
// true when the device is armed (a failure is logged: the target's systemd
// still arms it once its driver loads).
WatchdogPlan plan_switch_watchdog(System& sys, int boot_deadline);
bool arm_switch_watchdog(System& sys, const WatchdogPlan& plan);

// One line for `sckl check` and `sckl status`.
std::string describe_watchdog(const std::optional<WatchdogDevice>& device);

}  // namespace sckl
