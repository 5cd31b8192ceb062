#include "formats/cmdline.h"

#include <algorithm>
#include <cerrno>

namespace sckl {
namespace {

// The kernel's isspace() (lib/ctype.c): \t..\r, space and 0xa0 separate words.
bool kernel_blank(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r') || c == 0xa0; }

// A bare "--" (the kernel strips one pair of quotes) ends the kernel's
// parameters; the words after it are init's (kernel/params.c parse_args).
bool ends_kernel_params(const std::string& w) { return w == "--" || w == "\"--\""; }

}  // namespace

std::vector<std::string> split_kernel_cmdline(const std::string& line) {
  std::vector<std::string> words;
  std::string cur;
  bool quoted = false;
  for (char c : line) {
    if (c == '"') quoted = !quoted;
    if (!quoted && kernel_blank(static_cast<unsigned char>(c))) {
      if (!cur.empty()) words.push_back(std::move(cur));
      cur.clear();
      continue;
    }
    cur += c;
  }
  if (!cur.empty()) words.push_back(std::move(cur));
  return words;
}

std::string join_kernel_cmdline(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

std::string cmdline_key(const std::string& word) {
  auto eq = word.find('=');
  return eq == std::string::npos ? word : word.substr(0, eq);
}

bool cmdline_has_key(const std::vector<std::string>& words, const std::string& key) {
  return std::any_of(words.begin(), words.end(), [&](const std::string& w) { return cmdline_key(w) == key; });
}

Result<std::vector<std::string>> parse_extra_cmdline(const std::string& extra) {
  const std::string hint = "set extra_cmdline in /etc/sckl/sckl.conf to plain words";
  for (unsigned char c : extra) {
    if (c == '"' || c == '\'' || c == '\\')
      return Error{"extra_cmdline may not contain quotes or backslashes", EINVAL, hint};
    if (c < 0x20 && c != ' ')
      return Error{"extra_cmdline may not contain line breaks or control characters", EINVAL, hint};
    if (c >= 0x7f) return Error{"extra_cmdline may contain printable ASCII only", EINVAL, hint};
  }
  auto words = split_kernel_cmdline(extra);
  for (const auto& w : words) {
    std::string key = cmdline_key(w);
    if (key.starts_with("sckl.") || key == "sckl")
      return Error{"extra_cmdline may not contain '" + w + "': sckl.* words are sckl's own markers", EINVAL, hint};
    if (key == "init" || key == "rdinit")
      return Error{"extra_cmdline may not set " + key + "=: sckl switches kernels, not init", EINVAL, hint};
    if (ends_kernel_params(w))
      return Error{"extra_cmdline may not contain '--': the kernel would hand sckl's panic= and sckl.boot= to init",
                   EINVAL, hint};
  }
  return words;
}

Result<std::string> build_target_cmdline(const CmdlineSpec& spec) {
  auto extra = parse_extra_cmdline(spec.extra);
  if (!extra.ok()) return extra.error();
  std::vector<std::string> words;
  std::vector<std::string> replaced_keys = {kBootMarker, kDisableWord, "panic", "sckl.boot_timeout"};
  if (spec.classic_nic_names) replaced_keys.push_back("net.ifnames");
  for (const auto& w : extra.value()) replaced_keys.push_back(cmdline_key(w));
  auto provider = split_kernel_cmdline(spec.provider_cmdline);
  // An open quote (only the last word can have one) would swallow the words
  // sckl appends; the kernel reads that value to the end of the line anyway.
  if (!provider.empty() && std::count(provider.back().begin(), provider.back().end(), '"') % 2 != 0)
    provider.back() += '"';
  // The provider's arguments for init ("-- ...") stay behind sckl's words, so
  // that panic= and the marker remain kernel parameters.
  auto dashes = std::find_if(provider.begin(), provider.end(), ends_kernel_params);
  std::vector<std::string> init_args(dashes, provider.end());
  provider.erase(dashes, provider.end());
  for (const auto& w : provider) {
    std::string key = cmdline_key(w);
    if (std::find(spec.drop_keys.begin(), spec.drop_keys.end(), key) != spec.drop_keys.end()) continue;
    // An extra word replaces the provider's word with the same key (the
    // kernel would take the last one; keep the line short and clear). Keys
    // that may legitimately repeat (console=) are kept when not overridden.
    if (std::find(replaced_keys.begin(), replaced_keys.end(), key) != replaced_keys.end()) continue;
    words.push_back(w);
  }
  for (const auto& w : extra.value()) words.push_back(w);
  if (spec.classic_nic_names) words.push_back("net.ifnames=0");
  words.push_back("panic=" + std::to_string(spec.panic_seconds));
  if (spec.boot_timeout > 0) words.push_back("sckl.boot_timeout=" + std::to_string(spec.boot_timeout));
  words.push_back(std::string(kBootMarker) + "=" + std::to_string(spec.attempt));
  words.insert(words.end(), init_args.begin(), init_args.end());
  std::string line = join_kernel_cmdline(words);
  if (line.size() + 1 > kMaxCmdline)
    return Error{"the target's command line would be " + std::to_string(line.size()) + " bytes, over the kernel's " +
                     std::to_string(kMaxCmdline - 1),
                 E2BIG, "shorten extra_cmdline in /etc/sckl/sckl.conf"};
  return line;
}

}  // namespace sckl
