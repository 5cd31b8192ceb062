// How sckl loads a kernel: kexec_load(2) (`kexec -l -c -i`: kexec-tools
// places the segments itself; fastest, tests/vm/kexec-methods) or
// kexec_file_load(2) (`kexec -l -s`: the running kernel reads the files and,
// under lockdown, checks the image's signature). Lockdown (integrity or
// confidentiality) refuses kexec_load with EPERM; a kernel that enforces
// signatures without lockdown rejects an image it cannot verify through
// kexec_file_load ("Key was rejected by service") while kexec_load may still
// work. So: the methods the facts allow, kexec_load first, and when the
// kernel refuses the first, the other. Plain functions of data here; the
// one runner below goes through System.
#pragma once

#include <string>
#include <vector>

#include "base/error.h"
#include "base/system.h"

namespace sckl {

enum class KexecMethod { Load, FileLoad };

// "kexec_load" / "kexec_file_load": the names in sckl's messages, in
// `sckl status` and in paths::kKexecMethod.
const char* kexec_method_name(KexecMethod m);

// Whether the running kernel has kexec_file_load, from its build config
// (/boot/config-$(uname -r)): CONFIG_KEXEC_FILE.
enum class FileLoadSupport { Yes, No, Unknown };
FileLoadSupport file_load_support_from_config(const std::string& config_text, bool config_present);

struct KexecMethodFacts {
  bool kexec_supported = true;        // /sys/kernel/kexec_loaded exists
  std::string kexec_load_disabled;    // /proc/sys/kernel/kexec_load_disabled
  std::string lockdown;               // /sys/kernel/security/lockdown
  FileLoadSupport file_load = FileLoadSupport::Unknown;
  std::string config_name;            // "/boot/config-VERSION", for messages
  bool image_signed = false;          // the target image carries an Authenticode signature
  // The method of the last switch (paths::kKexecMethod): tried first when
  // still usable, so that a machine that needs kexec_file_load does not
  // pay a refused kexec_load each boot.
  std::string last_method;
};

struct MethodVerdict {
  KexecMethod method;
  bool usable = false;
  std::string verdict;  // "ok", "refused by lockdown (integrity)", ...
};

// Each method's verdict for `sckl check` (kexec_load first).
std::vector<MethodVerdict> judge_kexec_methods(const KexecMethodFacts& facts);
// The methods to try, in order: the usable ones, the last switch's method
// first, else kexec_load first.
std::vector<KexecMethod> kexec_method_order(const KexecMethodFacts& facts);

// Why a load failed, from kexec-tools' message (it prints strerror(errno)
// of the syscall).
enum class LoadFailure {
  Refused,      // EPERM "Operation not permitted" (lockdown, an LSM, sysctl)
  KeyRejected,  // EKEYREJECTED "Key was rejected by service", ENOKEY "Required key not available"
  Unsupported,  // ENOSYS, EOPNOTSUPP, kexec-tools' "syscall kexec_file_load not available"
  BadFormat,    // ENOEXEC "Exec format error"
  Other,        // anything else (ENOMEM, a missing file, ...)
};
LoadFailure classify_load_failure(const std::string& message);
// Whether a failure of one method is the kernel refusing that method (the
// other one may work) rather than a problem with the kernel files or the
// machine that the other would meet as well.
bool other_method_may_work(LoadFailure failure);

// What a load did: the method that loaded, and what the first one said when
// the second loaded ("" when the first loaded).
struct LoadOutcome {
  KexecMethod method = KexecMethod::Load;
  std::string fallback_note;
};

// Loads IMAGE with INITRD and CMDLINE through kexec_method_order(facts):
// the first method, and the next when the kernel refuses the first. A
// timeout or a child that could not run ends it (a second try would not fit
// the generator's budget and would meet the same cause). The error, and the
// note of a load by the second method, name every method's verdict or
// failure (a method the facts rule out is not run, but named).
Result<LoadOutcome> load_kernel(System& sys, const KexecMethodFacts& facts, const std::string& image,
                                const std::string& initrd, const std::string& cmdline);

// Unloads whatever kexec kernel is loaded (`kexec -u`; nothing loaded is
// not an error). The one way sckl unloads: a switch that gives up, a re-arm,
// a fast reboot forgotten, `sckl disarm`.
Status unload_kernel(System& sys);

// The method the last switch loaded the target with (paths::kKexecMethod),
// "" when none was recorded.
Result<std::string> recorded_kexec_method(System& sys);

// Whether an image starts with a PE/COFF header whose certificate table is
// not empty (a signed EFI-stub kernel, as Debian's linux-image-*-amd64).
bool pe_image_signed(const std::string& head);

}  // namespace sckl
