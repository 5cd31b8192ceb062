// The PID 1 shim, /usr/lib/sckl/init: the switch before systemd starts.
//
// Where the admin can set the provider's kernel command line (a QEMU or
// Firecracker guest started with -kernel and -append), init=/usr/lib/sckl/init
// makes this program the first process. With init_shim = yes in sckl.conf it
// runs the same early switch as the generator (boot/switch.h: guards, boot
// counting, preflight, loop guard), 0.5-0.8 s sooner under qemu TCG: it does
// not wait for systemd to set itself up and start its generators. On every
// other path it becomes the init the kernel would have run without init=
// (kNextInits), so that the boot goes on as it would have:
//
// - PID 1 itself only forks, waits and execs. The switch runs in a child
//   process in a process group of its own: a crash, a throw or a hang there
//   (killed at kShimDeadline) cannot take PID 1 down, whose death would panic
//   the kernel.
// - The child mounts the kernel file systems systemd would mount (/proc, /sys,
//   /dev, /run: systemd keeps mounts it finds) and leaves the once-per-boot
//   mark in /run, so that the generator does not switch again in this boot.
// - The target's command line loses init=/usr/lib/sckl/init (switch.cc), so
//   the target boots straight into its own init.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/system.h"

namespace sckl {

// What the kernel runs when init= is not given (init/main.c), in its order:
// the shim ends in the first of these that it can exec, never in itself.
// Not the kernel's last resort, a shell: on a server's console that is a
// root shell for whoever reaches it, and sckl runs no shell (no_shell_test).
// When none of these runs, the kernel panics, as it would have.
inline constexpr const char* kNextInits[] = {"/sbin/init", "/etc/init", "/bin/init"};

// How long PID 1 waits for the switch child: the switch's own budget (the
// generator's) and a margin for its last kexec -e; then the child and its
// children are killed and the boot goes on.
inline constexpr std::chrono::seconds kShimDeadline{75};

// The kernel file systems, as systemd mounts them at its start
// (mount-setup.c: paths, flags, options); /proc first, which the others are
// checked through.
const std::vector<ApiMount>& shim_api_mounts();
// Those of shim_api_mounts() whose path is not a mount point yet: `mounted`
// holds the mount points of /proc/self/mountinfo (empty: /proc is not
// mounted, so nothing is known to be).
std::vector<ApiMount> missing_api_mounts(const std::set<std::string>& mounted);

// May the shim switch on this boot? A plain function of what it observed.
struct ShimFacts {
  std::optional<std::string> option;   // sckl.conf init_shim (nullopt: not set)
  std::string config_error;            // sckl.conf unreadable or damaged
  bool initrd_release = false;         // /etc/initrd-release exists (or cannot be told)
  std::optional<std::string> pid_namespace;  // readlink /proc/self/ns/pid
  std::string pid_namespace_error;
};
struct ShimVerdict {
  bool may_switch = false;
  std::string reason;  // why not (one line, names the fact); empty when allowed
};
ShimVerdict judge_init_shim_run(const ShimFacts& facts);

// How the switch child ended, for PID 1's one line.
struct ChildEnd {
  enum class Kind { Exited, Signalled, TimedOut, NotStarted };
  Kind kind = Kind::NotStarted;
  int code = 0;  // exit code, signal number or fork's errno
  std::string describe() const;
};

// Runs work() in a forked child (its own process group; its exit code is
// work()'s, a throw out of it exits 1) and waits for it at most `deadline`;
// then kills its process group. Returns how it ended; the caller goes on
// either way. Not for PID 1 alone: the tests run it in their own process.
ChildEnd run_switch_child(const std::function<int()>& work, std::chrono::milliseconds deadline);

// The child's work: read sckl.conf's init_shim, mount the kernel file
// systems, judge, and run the early switch (boot/switch.h) within the
// generator's time budget. Returns when it did not switch (0: for a reason
// of its own, 1: the switch failed); a switch does not return. `started`:
// the kernel clock at PID 1's start, the timeline's zero. Never throws.
int init_shim_switch(System& sys, std::chrono::milliseconds started);

// Execs the first of `candidates` (kNextInits) that exists and is not this
// program (argv[0], the path the kernel ran, or paths::kInitShim) with
// argv[1..]. Returns only when none could be executed: what each answered.
std::string exec_next_init(char** argv, const std::vector<std::string>& candidates);

// The main of /usr/lib/sckl/init. Run as anything but PID 1 it does nothing
// (exit 2). As PID 1 it returns only when no init could be executed (the
// kernel then panics, as it does when it finds no init).
int init_shim_main(int argc, char** argv);

}  // namespace sckl
