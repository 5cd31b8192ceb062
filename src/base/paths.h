// The one place that knows each path sckl reads or writes. All are paths
// inside the target root (see System).
#pragma once

namespace sckl::paths {

inline constexpr const char* kFstab = "/etc/fstab";
inline constexpr const char* kMountInfo = "/proc/self/mountinfo";
inline constexpr const char* kProcCmdline = "/proc/cmdline";
inline constexpr const char* kSysClassNet = "/sys/class/net";
inline constexpr const char* kKexecDefaults = "/etc/default/kexec";
inline constexpr const char* kNetworkLinkDir = "/etc/systemd/network";
inline constexpr const char* kSystemdSystemDir = "/etc/systemd/system";
inline constexpr const char* kUnitSearchPath[] = {"/etc/systemd/system", "/run/systemd/system",
                                                  "/usr/lib/systemd/system", "/lib/systemd/system"};
inline constexpr const char* kRunSystemd = "/run/systemd/system";  // exists when booted with systemd

inline constexpr const char* kConfigDir = "/etc/sckl";
inline constexpr const char* kConfigFile = "/etc/sckl/sckl.conf";
inline constexpr const char* kProviderUnits = "/usr/share/sckl/provider-units";
// One debconf template per grub question sckl presets (grub_preset.h). A path
// debconf opens itself, on the running system: never under another root.
inline constexpr const char* kGrubPresetTemplatesDir = "/usr/share/sckl/grub-presets";

inline constexpr const char* kStateDir = "/var/lib/sckl";
inline constexpr const char* kManifest = "/var/lib/sckl/manifest";
inline constexpr const char* kOriginalsDir = "/var/lib/sckl/orig";
// sckl.conf's values as postinst last wrote debconf's answers into it
// (read by the shell config script: a value that differs from this was
// edited in the file since, and the file wins over debconf).
inline constexpr const char* kDebconfSynced = "/var/lib/sckl/debconf-synced";
// Present while the machine-specific part of the setup (root fs, NICs) waits
// for the first boot of an image that sckl was installed into.
// grub stays off the disk (grub_guard.h): written by postinst, removed with
// the package (the hook program goes with it) and on purge.
inline constexpr const char* kAptPin = "/etc/apt/preferences.d/sckl-no-grub";
inline constexpr const char* kAptHookConf = "/etc/apt/apt.conf.d/50sckl-refuse-grub";
inline constexpr const char* kAptHookProgram = "/usr/lib/sckl/apt-refuse-grub";
// apt's JSON hook that explains the refusal in apt's output (grub_notice.h).
inline constexpr const char* kAptNoticeProgram = "/usr/lib/sckl/apt-grub-notice";

// Present while the initrds lack sckl's latest .link files.
inline constexpr const char* kInitramfsStale = "/var/lib/sckl/initramfs-stale";
inline constexpr const char* kFirstBootPending = "/var/lib/sckl/firstboot-pending";

// Boot counting (boot_state.h) and the switches the admin sets.
inline constexpr const char* kBootState = "/var/lib/sckl/boot-state";
inline constexpr const char* kDisabledFlag = "/etc/sckl/disabled";
inline constexpr const char* kOsRelease = "/proc/sys/kernel/osrelease";
// The provider's kernel command line of the last switch (written with the
// boot-state record): a fast reboot builds the target's line from it, so
// that a word the admin took out of extra_cmdline since does not linger.
inline constexpr const char* kProviderCmdline = "/var/lib/sckl/provider-cmdline";
// How the last switch loaded its target: "kexec_load" or "kexec_file_load"
// (kexec_method.h), written with the boot-state record; `sckl status` shows it.
inline constexpr const char* kKexecMethod = "/var/lib/sckl/kexec-method";
// The last switch's timeline (boot/switch_timeline.h), written with the
// boot-state record; the target's first boot adds its time to sckl-boot-ok.
inline constexpr const char* kSwitchTimes = "/var/lib/sckl/last-switch";
inline constexpr const char* kKexecLoaded = "/sys/kernel/kexec_loaded";

// Per boot (tmpfs): the switch ran (or must not run) in this boot, and what it decided.
inline constexpr const char* kRunDir = "/run/sckl";
inline constexpr const char* kSwitchRan = "/run/sckl/switch-ran";
// The state lock (state_lock.h explains why it lives in /run).
inline constexpr const char* kStateLock = "/run/sckl/lock";
inline constexpr const char* kDecision = "/run/sckl/decision";
// sckl-boot-ok confirmed this switched boot (hang_guard.h: the deadline no
// longer applies, also after a daemon-reload).
inline constexpr const char* kBootConfirmed = "/run/sckl/boot-confirmed";
// The kernel version sckl loaded for a fast reboot in this shutdown
// (fast_reboot.h); without it the shutdown hook never executes a kernel.
inline constexpr const char* kFastRebootLoaded = "/run/sckl/fast-reboot";
inline constexpr const char* kJournalSocket = "/run/systemd/journal/socket";
inline constexpr const char* kMotdDir = "/run/motd.d";
inline constexpr const char* kMotd = "/run/motd.d/50-sckl";

// The kernels on the disk (kernels.h) and what the preflight reads about
// them and the running kernel (preflight.h).
inline constexpr const char* kBootDir = "/boot";
inline constexpr const char* kKernelImagePrefix = "/boot/vmlinuz-";   // + VERSION
inline constexpr const char* kInitrdPrefix = "/boot/initrd.img-";     // + VERSION
inline constexpr const char* kKernelConfigPrefix = "/boot/config-";   // + VERSION
inline constexpr const char* kModulesDirs[] = {"/lib/modules/", "/usr/lib/modules/"};  // + VERSION
// initramfs-tools records each initrd it built here (one file per version).
inline constexpr const char* kInitramfsToolsState = "/var/lib/initramfs-tools/";  // + VERSION
inline constexpr const char* kUpdateInitramfs = "/usr/sbin/update-initramfs";
inline constexpr const char* kDracut[] = {"/usr/bin/dracut", "/usr/sbin/dracut"};
inline constexpr const char* kKexecLoadDisabled = "/proc/sys/kernel/kexec_load_disabled";
inline constexpr const char* kLockdown = "/sys/kernel/security/lockdown";
inline constexpr const char* kMeminfo = "/proc/meminfo";

// Where the generator learns that it runs in an initrd, in a container or
// outside PID 1's root (generator_guard.h): systemd's own markers.
inline constexpr const char* kInitrdRelease = "/etc/initrd-release";
inline constexpr const char* kSystemdContainer = "/run/systemd/container";
inline constexpr const char* kOwnPidNamespace = "/proc/self/ns/pid";
inline constexpr const char* kPid1Root = "/proc/1/root";

// The kernel hooks as run-parts and initramfs-tools find them (symlinks into
// /usr/lib/sckl that hooks/CMakeLists.txt installs; keep the two in step).
inline constexpr const char* kKernelPostinstHook = "/etc/kernel/postinst.d/zz-sckl";
inline constexpr const char* kKernelPostrmHook = "/etc/kernel/postrm.d/zz-sckl";
inline constexpr const char* kInitramfsPostUpdateHook = "/etc/initramfs/post-update.d/sckl";

// The PID 1 shim (boot/init_shim.h): the program that init= names on the
// provider's kernel command line (hooks/CMakeLists.txt installs it there).
inline constexpr const char* kInitShim = "/usr/lib/sckl/init";

// PATH for the generator and the shutdown hook, which systemd may start with
// none: kexec, mount and sync are looked up in it.
inline constexpr const char* kDefaultPath = "/usr/sbin:/usr/bin:/sbin:/bin";

// The hardware watchdog layer (watchdog.h): the devices, and what the
// generator reads to load their drivers before udev runs.
inline constexpr const char* kWatchdogClassDir = "/sys/class/watchdog";
inline constexpr const char* kDeviceBuses[] = {"/sys/bus/pci/devices", "/sys/bus/platform/devices",
                                               "/sys/bus/acpi/devices"};

}  // namespace sckl::paths
