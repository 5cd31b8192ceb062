#include "kernel/kexec_method.h"

#include <cstdint>
#include <utility>

#include "base/paths.h"
#include "base/process.h"
#include "base/text.h"
#include "kernel/preflight.h"

namespace sckl {

const char* kexec_method_name(KexecMethod m) {
  return m == KexecMethod::Load ? "kexec_load" : "kexec_file_load";
}

FileLoadSupport file_load_support_from_config(const std::string& text, bool present) {
  if (!present) return FileLoadSupport::Unknown;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    std::string_view line(text.data() + pos, nl - pos);
    if (line == "CONFIG_KEXEC_FILE=y") return FileLoadSupport::Yes;
    pos = nl + 1;
  }
  // A kernel config lists a bool option it leaves off as "# ... is not set"
  // or not at all: either way the syscall is not there.
  return FileLoadSupport::No;
}

namespace {

// "integrity" of "none [integrity] confidentiality".
std::string lockdown_mode(const std::string& lockdown) {
  auto a = lockdown.find('['), b = lockdown.find(']');
  if (a == std::string::npos || b == std::string::npos || b < a) return lockdown;
  return lockdown.substr(a + 1, b - a - 1);
}

}  // namespace

std::vector<MethodVerdict> judge_kexec_methods(const KexecMethodFacts& f) {
  const bool disabled = f.kexec_load_disabled.starts_with("1");
  const bool locked = lockdown_forbids_kexec_load(f.lockdown);
  MethodVerdict load{KexecMethod::Load, false, ""};
  MethodVerdict file{KexecMethod::FileLoad, false, ""};
  if (!f.kexec_supported) {
    load.verdict = file.verdict = "unsupported: the running kernel was built without kexec";
  } else if (disabled) {
    // The kernel checks the sysctl in both syscalls.
    load.verdict = file.verdict = "disabled by sysctl (kernel.kexec_load_disabled = 1, until the next boot)";
  } else {
    if (locked) {
      load.verdict = "refused by lockdown (" + lockdown_mode(f.lockdown) + ")";
    } else {
      load.usable = true;
      load.verdict = "ok";
    }
    if (f.file_load == FileLoadSupport::No) {
      file.verdict = "unsupported: CONFIG_KEXEC_FILE is not set in " + f.config_name;
    } else if (locked && !f.image_signed) {
      file.verdict = "refused: lockdown (" + lockdown_mode(f.lockdown) +
                     ") needs a signed kernel and the target image carries no signature";
    } else {
      file.usable = true;
      if (locked)
        file.verdict = "ok if the provider kernel trusts the key: lockdown (" + lockdown_mode(f.lockdown) +
                       ") needs a signed kernel, and the target is signed";
      else
        file.verdict = "ok";
      if (f.file_load == FileLoadSupport::Unknown)
        file.verdict += " (no " + f.config_name + " to confirm CONFIG_KEXEC_FILE; the kernel answers when tried)";
    }
  }
  return {load, file};
}

std::vector<KexecMethod> kexec_method_order(const KexecMethodFacts& f) {
  std::vector<KexecMethod> out;
  for (const auto& v : judge_kexec_methods(f))
    if (v.usable) out.push_back(v.method);
  if (out.size() == 2 && f.last_method == kexec_method_name(out[1])) std::swap(out[0], out[1]);
  return out;
}

LoadFailure classify_load_failure(const std::string& m) {
  auto has = [&](const char* s) { return m.find(s) != std::string::npos; };
  if (has("Key was rejected") || has("Required key not available")) return LoadFailure::KeyRejected;
  if (has("Operation not permitted")) return LoadFailure::Refused;
  if (has("Function not implemented") || has("Operation not supported") || has("not available"))
    return LoadFailure::Unsupported;
  if (has("Exec format error")) return LoadFailure::BadFormat;
  return LoadFailure::Other;
}

bool other_method_may_work(LoadFailure f) { return f != LoadFailure::Other; }

namespace {

Command load_command(KexecMethod m, const std::string& image, const std::string& initrd, const std::string& cmdline) {
  // -c forces kexec_load (a newer kexec-tools may default to trying
  // kexec_file_load first); -i skips purgatory's SHA-256 check of the
  // segments (tests/vm/kexec-methods: the check costs seconds at kexec -e).
  std::vector<std::string> argv = m == KexecMethod::Load ? std::vector<std::string>{"kexec", "-l", "-c", "-i"}
                                                         : std::vector<std::string>{"kexec", "-l", "-s"};
  argv.push_back(image);
  argv.push_back("--initrd=" + initrd);
  argv.push_back("--command-line=" + cmdline);
  return Command(std::move(argv), std::chrono::seconds(120));
}

}  // namespace

Status unload_kernel(System& sys) {
  Command unload({"kexec", "-u"}, std::chrono::seconds(30));
  auto u = sys.run(unload);
  if (!u.ok()) return u.error();
  if (u.value().exit_code != 0) return command_failed(unload, u.value());
  return {};
}

Result<LoadOutcome> load_kernel(System& sys, const KexecMethodFacts& facts, const std::string& image,
                                const std::string& initrd, const std::string& cmdline) {
  std::string failures;
  for (const auto& v : judge_kexec_methods(facts))
    if (!v.usable) failures += (failures.empty() ? "" : "; ") + std::string(kexec_method_name(v.method)) + " " + v.verdict;
  const auto order = kexec_method_order(facts);
  if (order.empty()) return Error{"no kexec method is usable: " + failures, EPERM, "see 'sckl check'"};
  for (size_t i = 0; i < order.size(); ++i) {
    const KexecMethod m = order[i];
    Command cmd = load_command(m, image, initrd, cmdline);
    auto r = sys.run(cmd);
    if (r.ok() && r.value().exit_code == 0) return LoadOutcome{m, failures};
    Error e = r.ok() ? command_failed(cmd, r.value()) : r.error();
    failures += (failures.empty() ? "" : "; ") + std::string(kexec_method_name(m)) + " failed: " + e.describe();
    // A child that did not finish (or could not run) is no refusal.
    if (!r.ok()) break;
    if (!other_method_may_work(classify_load_failure(r.value().err + "\n" + r.value().out))) break;
  }
  return Error{"the kernel did not load: " + failures, EPERM, {}};
}

Result<std::string> recorded_kexec_method(System& sys) {
  auto text = read_if_present(sys, paths::kKexecMethod);
  if (!text.ok()) return text.error();
  return trim(text.value());
}

bool pe_image_signed(const std::string& h) {
  auto u16 = [&](size_t at) -> uint32_t {
    return static_cast<unsigned char>(h[at]) | static_cast<unsigned char>(h[at + 1]) << 8;
  };
  auto u32 = [&](size_t at) -> uint32_t { return u16(at) | u16(at + 2) << 16; };
  if (h.size() < 0x40 || h.compare(0, 2, "MZ") != 0) return false;
  const size_t pe = u32(0x3c);
  const size_t opt = pe + 24;  // "PE\0\0" + COFF file header
  if (pe > h.size() || h.size() - pe < 24 + 2 || h.compare(pe, 4, std::string("PE\0\0", 4)) != 0) return false;
  // The data directories follow the optional header's fixed part: 96 bytes
  // in PE32, 112 in PE32+; the certificate table is the fifth (index 4).
  const uint32_t magic = u16(opt);
  size_t dirs;
  if (magic == 0x10b) dirs = opt + 96;
  else if (magic == 0x20b) dirs = opt + 112;
  else return false;
  const size_t cert = dirs + 4 * 8;
  // The number of directories must reach the fifth.
  const size_t count_at = dirs - 4;
  if (cert + 8 > h.size() || u32(count_at) < 5) return false;
  return u32(cert) != 0 && u32(cert + 4) != 0;
}

}  // namespace sckl
