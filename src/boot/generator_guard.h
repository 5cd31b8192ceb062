// Where the generator runs: the switch acts only when sckl-switch runs as
// systemd's system generator at the start of a real boot of this machine.
// Run by hand, by `systemd-analyze verify --generators=yes`, in a chroot, in
// a container (whose CAP_SYS_BOOT reaches the host's kernel) or in an initrd,
// it must neither kexec nor write a byte of state. The facts are observed
// through System; the verdict is a plain function of them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/system.h"

namespace sckl {

// What systemd tells a system generator (systemd.generator(7)): the three
// output directories of the system manager (a test run such as
// `systemd-analyze verify` passes temporary ones instead).
inline constexpr const char* kGeneratorDirs[] = {"/run/systemd/generator", "/run/systemd/generator.early",
                                                 "/run/systemd/generator.late"};
// /proc/self/ns/pid of the initial PID namespace (PROC_PID_INIT_INO, fixed
// since Linux 3.8): any other value is a container's namespace.
inline constexpr const char* kInitialPidNamespace = "pid:[4026531836]";

// An observed fact, or why it could not be observed.
template <class T>
struct Observed {
  std::optional<T> value;
  std::string error;  // set when the observation failed (value is empty)
};

struct GeneratorFacts {
  std::vector<std::string> args;              // argv[1..]
  std::optional<std::string> scope;           // $SYSTEMD_SCOPE (systemd >= 251)
  std::optional<std::string> in_initrd;       // $SYSTEMD_IN_INITRD (systemd >= 251)
  std::optional<std::string> virtualization;  // $SYSTEMD_VIRTUALIZATION ("vm:kvm", "container:docker")
  bool initrd_release = false;                // /etc/initrd-release exists
  // /run/systemd/container's content (nullopt: absent); a container manager
  // or systemd in a container writes it.
  Observed<std::string> container_file;
  Observed<FileId> root;       // "/"
  Observed<FileId> pid1_root;  // /proc/1/root (PID 1's root directory)
  Observed<std::string> pid_namespace;  // readlink /proc/self/ns/pid
};

struct GuardVerdict {
  bool may_switch = false;
  std::string reason;  // why not (one line, names the fact); empty when allowed
};

// The verdict. Anything unknown counts against the switch. Without
// $SYSTEMD_SCOPE and $SYSTEMD_IN_INITRD (systemd older than 251, e.g.
// Ubuntu 22.04's 249) the other facts decide and /etc/initrd-release stands
// for $SYSTEMD_IN_INITRD.
GuardVerdict judge_generator_run(const GeneratorFacts& facts);

// Reads the facts (args are argv[1..]). Never fails: what cannot be read is
// recorded as such.
GeneratorFacts observe_generator_run(System& sys, const std::vector<std::string>& args);

}  // namespace sckl
