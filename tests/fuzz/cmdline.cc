// The kernel command line: /proc/cmdline of the provider boot
// (split_kernel_cmdline), the admin's extra_cmdline (parse_extra_cmdline)
// and the target's line built from both (build_target_cmdline). Input: the
// provider's line, optionally a NUL and extra_cmdline, optionally a NUL and
// one byte choosing attempt, panic seconds and classic NIC names.
//
// Invariants: an accepted extra_cmdline never yields a word with quotes, a
// backslash, a control character (newline), a sckl.* word, init=/rdinit= or
// the "--" that ends the kernel's parameters; in the target's line the kernel
// (parsed as lib/cmdline.c next_arg and kernel/params.c parse_args do) sees
// sckl's panic= and sckl.boot= as parameters with sckl's values, and sckl
// itself (on the target, from /proc/cmdline) finds its marker as the last
// word before init's arguments.
#include <cerrno>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "formats/cmdline.h"
#include "fuzz_util.h"

using namespace sckl;

namespace {

// lib/ctype.c: the kernel's isspace() is true for 9-13, 32 and 160.
bool kernel_isspace(unsigned char c) { return (c >= 9 && c <= 13) || c == ' ' || c == 160; }

struct KernelParam {
  std::string param;
  std::optional<std::string> val;
};

// The parameters the kernel hands to its own handlers: parse_args() up to a
// bare "--" (what follows goes to init). A port of next_arg() on a copy.
std::vector<KernelParam> kernel_params(const std::string& line) {
  std::string buf = line;
  buf.push_back('\0');
  char* args = buf.data();
  auto skip = [](char* p) {
    while (*p && kernel_isspace(static_cast<unsigned char>(*p))) ++p;
    return p;
  };
  std::vector<KernelParam> out;
  args = skip(args);
  while (*args) {
    unsigned i, equals = 0;
    bool in_quote = false, quoted = false;
    if (*args == '"') {
      ++args;
      in_quote = quoted = true;
    }
    for (i = 0; args[i]; ++i) {
      if (kernel_isspace(static_cast<unsigned char>(args[i])) && !in_quote) break;
      if (equals == 0 && args[i] == '=') equals = i;
      if (args[i] == '"') in_quote = !in_quote;
    }
    char* param = args;
    char* val = nullptr;
    if (equals) {
      args[equals] = '\0';
      val = args + equals + 1;
      if (*val == '"') {
        ++val;
        if (args[i - 1] == '"') args[i - 1] = '\0';
      }
    }
    if (quoted && i > 0 && args[i - 1] == '"') args[i - 1] = '\0';
    if (args[i]) {
      args[i] = '\0';
      args += i + 1;
    } else {
      args += i;
    }
    args = skip(args);
    if (!val && std::string(param) == "--") break;
    out.push_back({param, val ? std::optional<std::string>(val) : std::nullopt});
  }
  return out;
}

std::optional<std::string> last_value(const std::vector<KernelParam>& params, const std::string& name) {
  std::optional<std::string> v;
  for (const auto& p : params)
    if (p.param == name) v = p.val ? *p.val : std::string();
  return v;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto parts = fuzz::split_parts(data, size, 3);
  const std::string& provider = parts[0];
  const std::string extra = parts.size() > 1 ? parts[1] : "";
  const unsigned char knobs = parts.size() > 2 && !parts[2].empty() ? static_cast<unsigned char>(parts[2][0]) : 0;

  // Splitting is stable: joining the words and splitting again gives them back.
  auto words = split_kernel_cmdline(provider);
  for (const auto& w : words) FUZZ_CHECK(!w.empty(), "no empty words");
  FUZZ_CHECK(split_kernel_cmdline(join_kernel_cmdline(words)) == words, "split(join(words)) == words");

  auto accepted = parse_extra_cmdline(extra);
  if (accepted.ok()) {
    for (const auto& w : accepted.value()) {
      FUZZ_CHECK(!w.empty(), "an extra word is not empty");
      for (unsigned char c : w) {
        FUZZ_CHECK(c != '"' && c != '\'' && c != '\\', "an accepted extra word has no quote or backslash");
        FUZZ_CHECK(c > 0x20 && c < 0x7f, "an accepted extra word is printable ASCII (no newline, no blank)");
      }
      const std::string key = cmdline_key(w);
      FUZZ_CHECK(key != "sckl" && !key.starts_with("sckl."), "an accepted extra word is not a sckl.* marker");
      FUZZ_CHECK(key != "init" && key != "rdinit", "an accepted extra word does not set init= or rdinit=");
      FUZZ_CHECK(w != "--", "an accepted extra word does not end the kernel's parameters");
    }
  }

  CmdlineSpec spec;
  spec.provider_cmdline = provider;
  spec.drop_keys = {"BOOT_IMAGE", "initrd"};
  spec.extra = extra;
  spec.attempt = 1 + knobs % 9;
  spec.panic_seconds = 1 + (knobs >> 4);
  spec.classic_nic_names = (knobs & 8) != 0;
  auto line = build_target_cmdline(spec);
  if (!line.ok()) {
    FUZZ_CHECK(!accepted.ok() || line.error().errnum == E2BIG, "only a bad extra_cmdline or length is refused");
    return 0;
  }
  FUZZ_CHECK(accepted.ok(), "a refused extra_cmdline never reaches the target's line");
  const std::string& out = line.value();
  FUZZ_CHECK(out.size() < kMaxCmdline, "the target's line fits COMMAND_LINE_SIZE");

  const std::string marker = std::string(kBootMarker) + "=" + std::to_string(spec.attempt);
  // Words before a bare "--" are the kernel's; the marker ends them.
  auto target_words = fuzz::kernel_words(split_kernel_cmdline(out));
  FUZZ_CHECK(!target_words.empty() && target_words.back() == marker,
             "sckl on the target reads its marker as the last kernel word of /proc/cmdline");

  auto params = kernel_params(out);
  FUZZ_CHECK(last_value(params, "panic") == std::to_string(spec.panic_seconds),
             "the kernel takes sckl's panic= (a panicking target must reset)");
  FUZZ_CHECK(last_value(params, kBootMarker) == std::to_string(spec.attempt),
             "the kernel sees sckl's marker as a parameter");
  if (spec.classic_nic_names)
    FUZZ_CHECK(last_value(params, "net.ifnames") == "0", "classic NIC names reach the kernel");
  return 0;
}
