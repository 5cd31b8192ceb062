// Preflight: can this machine switch into that kernel? Run by `sckl check`,
// by every arm (kernel hooks, `sckl arm`) and by the switch itself. Each
// failed check names the thing and what to do; a kernel that fails one is
// never loaded.
#pragma once

#include <string>
#include <vector>

#include "base/error.h"
#include "base/system.h"
#include "kernel/kernels.h"
#include "kernel/kexec_method.h"

namespace sckl {

struct PreflightCheck {
  std::string name;    // "kexec_load_disabled", "image format", ...
  bool ok = false;
  std::string detail;  // what was found; for a failure, what to do
  // An advisory check only warns: its failure does not stop a switch.
  bool advisory = false;
  // A check of the running kernel (kexec support, kexec_load_disabled, the
  // method, memory) rather than of the target: check_counts_for_next_boot.
  bool of_running_kernel = false;
};

// What gather_preflight_facts reads of the kernel image: the bzImage header
// (0x202) and the PE header with its data directories (pe_image_signed).
inline constexpr size_t kImageHeadBytes = 1024;

struct PreflightFacts {
  std::string kexec_load_disabled;  // /proc/sys/kernel/kexec_load_disabled ("" when missing)
  bool kexec_supported = false;     // /sys/kernel/kexec_loaded exists (CONFIG_KEXEC)
  std::string lockdown;             // /sys/kernel/security/lockdown ("" when missing)
  // CONFIG_KEXEC_FILE of the running kernel (/boot/config-$(uname -r)).
  FileLoadSupport file_load = FileLoadSupport::Unknown;
  std::string running_config;       // that file's name, for messages
  std::string last_method;          // paths::kKexecMethod ("" when none)
  std::string image_head;           // the first kImageHeadBytes of the kernel image
  bool initrd_present = false;
  unsigned long long initrd_size = 0;
  unsigned long long image_size = 0;
  bool initrd_recorded = false;     // initramfs-tools' /var/lib/initramfs-tools/VERSION
  unsigned long long mem_available_kib = 0;  // /proc/meminfo MemAvailable
  size_t cmdline_length = 0;
};

// The checks as plain data decisions. All but the advisory ones must pass
// to switch.
std::vector<PreflightCheck> run_preflight(const PreflightFacts& facts);
bool preflight_passed(const std::vector<PreflightCheck>& checks);
// The check's detail with VERSION filled in.
std::string preflight_detail(const PreflightCheck& check, const std::string& version);
// Whether a failed check stops the next provider boot's switch. The checks
// of the running kernel (kexec support, kexec_load_disabled, lockdown,
// memory) describe the provider's kernel while it runs, and the switch runs
// them again at boot: there they count. On a boot sckl switched into (or
// below another root) they describe another kernel and say nothing about
// the next provider boot (arm.h running_provider_kernel).
bool check_counts_for_next_boot(const PreflightCheck& check, bool on_provider_kernel);
// The failed checks that stop the next provider boot's switch, each as
// "name: detail". The one decision behind `sckl check` (its FAIL lines and
// exit code) and `sckl status`/arm (the next-boot line and "armed"), so that
// status never promises a switch that check refuses.
std::vector<std::string> next_boot_blockers(const std::vector<PreflightCheck>& checks, const std::string& version,
                                            bool on_provider_kernel);
// The first failure as an Error (for arm and the switch).
Status preflight_status(const std::vector<PreflightCheck>& checks, const std::string& version);

// Whether `lockdown` (the sysfs text, "none [integrity] confidentiality")
// forbids kexec_load(2) (then only signed kexec_file_load works).
bool lockdown_forbids_kexec_load(const std::string& lockdown);
// An x86 bzImage: "HdrS" at offset 0x202.
bool is_bzimage(const std::string& head);

// The facts the choice of kexec method needs (kexec_method.h).
KexecMethodFacts kexec_method_facts(const PreflightFacts& facts);

// Reads the facts from the running machine for `kernel`.
Result<PreflightFacts> gather_preflight_facts(System& sys, const InstalledKernel& kernel, size_t cmdline_length);

}  // namespace sckl
