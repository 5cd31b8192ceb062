// The kexec method facts read from outside: the kernel image's first KiB
// (pe_image_signed), the running kernel's config file, kexec-tools' error
// text and the lockdown file. Input: the image head; the same bytes serve as
// the other texts.
//
// Invariants: no read outside the input (ASan); a signed head starts with
// "MZ" and stays signed with bytes appended; the method order lists only
// methods judged usable, never kexec_load under lockdown, never anything
// when kexec_load_disabled is 1; classify and config parsing do not crash.
#include <string>

#include "fuzz_util.h"
#include "kernel/kexec_method.h"
#include "kernel/preflight.h"

using namespace sckl;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const bool sig = pe_image_signed(text);
  if (sig) {
    FUZZ_CHECK(text.compare(0, 2, "MZ") == 0, "a signed image starts with MZ");
    FUZZ_CHECK(pe_image_signed(text + std::string(64, '\0')), "appending keeps it signed");
  }
  (void)classify_load_failure(text);
  KexecMethodFacts f;
  f.lockdown = text.substr(0, 64);
  f.kexec_load_disabled = size ? std::string(1, text[0]) : "";
  f.file_load = file_load_support_from_config(text, size % 2 == 0);
  f.image_signed = sig;
  f.last_method = size > 1 && text[1] & 1 ? "kexec_file_load" : "kexec_load";
  f.config_name = "/boot/config-x";
  auto verdicts = judge_kexec_methods(f);
  auto order = kexec_method_order(f);
  FUZZ_CHECK(verdicts.size() == 2, "two verdicts");
  for (auto m : order) {
    bool usable = false;
    for (const auto& v : verdicts) usable |= v.method == m && v.usable;
    FUZZ_CHECK(usable, "only usable methods are tried");
    FUZZ_CHECK(!(m == KexecMethod::Load && lockdown_forbids_kexec_load(f.lockdown)), "no kexec_load under lockdown");
  }
  if (f.kexec_load_disabled == "1") FUZZ_CHECK(order.empty(), "nothing when kexec_load_disabled is 1");
  return 0;
}
