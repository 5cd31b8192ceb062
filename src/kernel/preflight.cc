#include "kernel/preflight.h"

#include <sstream>

#include "base/paths.h"
#include "base/text.h"

namespace sckl {

bool lockdown_forbids_kexec_load(const std::string& lockdown) {
  return lockdown.find("[integrity]") != std::string::npos ||
         lockdown.find("[confidentiality]") != std::string::npos;
}

bool is_bzimage(const std::string& head) { return head.size() >= 0x206 && head.compare(0x202, 4, "HdrS") == 0; }

std::vector<PreflightCheck> run_preflight(const PreflightFacts& f) {
  std::vector<PreflightCheck> out;
  enum Kind { OfTarget, OfRunningKernel, Advisory, AdvisoryOfRunningKernel };
  auto add = [&](std::string name, bool ok, std::string detail, Kind kind = OfTarget) {
    out.push_back({std::move(name), ok, std::move(detail), kind == Advisory || kind == AdvisoryOfRunningKernel,
                   kind == OfRunningKernel || kind == AdvisoryOfRunningKernel});
  };
  add("kexec support", f.kexec_supported,
      f.kexec_supported ? "the running kernel has kexec"
                        : "the running kernel was built without kexec (no /sys/kernel/kexec_loaded); sckl cannot "
                          "switch on this provider kernel",
      OfRunningKernel);
  const bool disabled = f.kexec_load_disabled.starts_with("1");
  add("kexec_load_disabled", !disabled,
      disabled ? "/proc/sys/kernel/kexec_load_disabled is 1: kexec is switched off until the next boot; find what "
                 "sets it (sysctl.d) and remove that"
               : "kexec is allowed",
      OfRunningKernel);
  // Lockdown no longer stops a switch by itself: kexec_file_load of a signed
  // kernel may still work (kexec_method.h). One check says whether any
  // method is left and which is tried first; one advisory line per method
  // gives its verdict.
  const auto verdicts = judge_kexec_methods(kexec_method_facts(f));
  const auto order = kexec_method_order(kexec_method_facts(f));
  std::string plan;
  if (order.empty()) {
    plan = "no method is left: kexec_load " + verdicts[0].verdict + "; kexec_file_load " + verdicts[1].verdict;
  } else {
    plan = std::string(kexec_method_name(order[0])) + " first";
    if (order.size() > 1) plan += ", " + std::string(kexec_method_name(order[1])) + " when the kernel refuses it";
    else plan += " (" + std::string(kexec_method_name(order[0] == KexecMethod::Load ? KexecMethod::FileLoad
                                                                                       : KexecMethod::Load)) +
                 " is not usable)";
  }
  add("kexec method", !order.empty(), plan, OfRunningKernel);
  for (const auto& v : verdicts) add(kexec_method_name(v.method), v.usable, v.verdict, AdvisoryOfRunningKernel);
  add("image format", is_bzimage(f.image_head),
      is_bzimage(f.image_head) ? "x86 bzImage" : "the kernel image is not an x86 bzImage; reinstall the kernel package");
  add("initrd", f.initrd_present && f.initrd_size > 0,
      !f.initrd_present ? "the initrd is missing; run 'update-initramfs -c -k VERSION'"
      : f.initrd_size == 0 ? "the initrd is empty; run 'update-initramfs -u -k VERSION'"
                           : "present");
  // Advisory: images built by debootstrap/mmdebstrap have a good initrd but
  // no such record (seen in the VM suite), so its absence only warns.
  add("initrd built for this version", f.initrd_recorded,
      f.initrd_recorded ? "initramfs-tools built it"
                        : "initramfs-tools has no record of building it (/var/lib/initramfs-tools/VERSION); if the "
                          "initrd is old, run 'update-initramfs -u -k VERSION'",
      Advisory);
  // The new kernel and initrd are copied into memory while the old kernel
  // still runs; keep a margin for the decompressed kernel and the kernel's
  // own needs.
  const unsigned long long need_kib = (f.image_size + f.initrd_size) * 2 / 1024 + 64 * 1024;
  const bool mem_ok = f.mem_available_kib >= need_kib;
  add("memory", mem_ok,
      std::to_string(f.mem_available_kib / 1024) + " MiB available, " + std::to_string(need_kib / 1024) +
          " MiB needed" + (mem_ok ? "" : "; free memory or use a smaller initrd (MODULES=dep in initramfs.conf)"),
      OfRunningKernel);
  const bool len_ok = f.cmdline_length + 1 <= 2048;
  add("command line length", len_ok,
      std::to_string(f.cmdline_length) + " bytes" + (len_ok ? "" : ", over 2047; shorten extra_cmdline"));
  return out;
}

bool preflight_passed(const std::vector<PreflightCheck>& checks) {
  for (const auto& c : checks)
    if (!c.ok && !c.advisory) return false;
  return true;
}

std::string preflight_detail(const PreflightCheck& check, const std::string& version) {
  std::string detail = check.detail;
  for (auto pos = detail.find("VERSION"); pos != std::string::npos; pos = detail.find("VERSION", pos + version.size()))
    detail.replace(pos, 7, version);
  return detail;
}

bool check_counts_for_next_boot(const PreflightCheck& check, bool on_provider_kernel) {
  if (check.advisory) return false;
  if (on_provider_kernel) return true;
  return !check.of_running_kernel;
}

std::vector<std::string> next_boot_blockers(const std::vector<PreflightCheck>& checks, const std::string& version,
                                            bool on_provider_kernel) {
  std::vector<std::string> out;
  for (const auto& c : checks)
    if (!c.ok && check_counts_for_next_boot(c, on_provider_kernel))
      out.push_back(c.name + ": " + preflight_detail(c, version));
  return out;
}

Status preflight_status(const std::vector<PreflightCheck>& checks, const std::string& version) {
  for (const auto& c : checks) {
    if (c.ok || c.advisory) continue;
    return Error{"cannot switch into " + version + ": " + c.name + " check failed", EINVAL,
                 preflight_detail(c, version)};
  }
  return {};
}

namespace {

unsigned long long meminfo_kib(const std::string& meminfo, const std::string& key) {
  std::istringstream in(meminfo);
  std::string k;
  unsigned long long v = 0;
  std::string unit;
  while (in >> k >> v >> unit)
    if (k == key + ":") return v;
  return 0;
}

}  // namespace

KexecMethodFacts kexec_method_facts(const PreflightFacts& f) {
  KexecMethodFacts k;
  k.kexec_supported = f.kexec_supported;
  k.kexec_load_disabled = f.kexec_load_disabled;
  k.lockdown = f.lockdown;
  k.file_load = f.file_load;
  k.config_name = f.running_config;
  k.image_signed = pe_image_signed(f.image_head);
  k.last_method = f.last_method;
  return k;
}

Result<PreflightFacts> gather_preflight_facts(System& sys, const InstalledKernel& kernel, size_t cmdline_length) {
  PreflightFacts f;
  auto disabled = read_if_present(sys, paths::kKexecLoadDisabled);
  if (!disabled.ok()) return disabled.error();
  f.kexec_load_disabled = disabled.value();
  auto loaded = path_exists(sys, paths::kKexecLoaded);
  if (!loaded.ok()) return loaded.error();
  f.kexec_supported = loaded.value();
  auto lockdown = read_if_present(sys, paths::kLockdown);
  if (!lockdown.ok()) return lockdown.error();
  f.lockdown = lockdown.value();
  while (!f.lockdown.empty() && f.lockdown.back() == '\n') f.lockdown.pop_back();
  // kexec_file_load is a build option of the running kernel; its config
  // file is the one place that says so without trying.
  auto release = read_if_present(sys, paths::kOsRelease);
  if (!release.ok()) return release.error();
  f.running_config = paths::kKernelConfigPrefix + std::string(trim(release.value()));
  auto config_present = path_exists(sys, f.running_config);
  if (!config_present.ok()) return config_present.error();
  std::string config_text;
  if (config_present.value()) {
    auto c = sys.read_file(f.running_config);
    if (!c.ok()) return c.error();
    config_text = c.value();
  }
  f.file_load = file_load_support_from_config(config_text, config_present.value());
  auto last = recorded_kexec_method(sys);
  if (!last.ok()) return last.error();
  f.last_method = last.value();
  // The header and the size only: the whole image is read once, by kexec
  // (reading it here too cost the generator its own pass over ~8 MiB).
  auto image = sys.stat(kernel.image);
  if (!image.ok()) return image.error();
  if (image.value().kind == FileKind::Regular) {
    auto head = sys.read_head(kernel.image, kImageHeadBytes);
    if (!head.ok()) return head.error();
    f.image_size = image.value().size;
    f.image_head = head.value();
  } else {
    // A symlink (lstat has not its target's size) or a missing file (the
    // read names the error): read it whole, as before.
    auto whole = sys.read_file(kernel.image);
    if (!whole.ok()) return whole.error();
    f.image_size = whole.value().size();
    f.image_head = whole.value().substr(0, kImageHeadBytes);
  }
  f.initrd_present = kernel.has_initrd;
  if (kernel.has_initrd) {
    auto initrd = sys.stat(kernel.initrd);
    if (!initrd.ok()) return initrd.error();
    f.initrd_size = initrd.value().size;
  }
  auto recorded = path_exists(sys, paths::kInitramfsToolsState + kernel.version);
  if (!recorded.ok()) return recorded.error();
  f.initrd_recorded = recorded.value();
  auto meminfo = sys.read_file(paths::kMeminfo);
  if (!meminfo.ok()) return meminfo.error();
  f.mem_available_kib = meminfo_kib(meminfo.value(), "MemAvailable");
  f.cmdline_length = cmdline_length;
  return f;
}

}  // namespace sckl
