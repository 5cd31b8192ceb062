#include "formats/config.h"

#include <cerrno>

#include "base/paths.h"
#include "base/text.h"

namespace sckl {
bool is_valid_config_key(const std::string& k) {
  if (k.empty()) return false;
  for (char c : k)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

Result<ConfigFile> ConfigFile::parse(const std::string& text, const std::string& name) {
  ConfigFile cf;
  size_t pos = 0;
  int lineno = 0;
  cf.final_newline_ = text.empty() || text.back() == '\n';
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string raw = text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    pos = nl == std::string::npos ? text.size() : nl + 1;
    ++lineno;
    Line line{raw, {}, {}};
    // A NUL or escape in a value would be read as some other value (a
    // damaged "autostart = yes\0..." is not "yes"): refuse it, naming the line.
    for (char c : raw)
      if ((static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\r') || c == '\x7f')
        return Error{name + " line " + std::to_string(lineno) + ": control character (byte " +
                         std::to_string(static_cast<unsigned char>(c)) + ") in the line",
                     EINVAL, "the file looks damaged; correct or remove that line (see sckl.conf(5)), then run 'dpkg --configure -a'"};
    std::string t = trim(raw);
    if (!t.empty() && t[0] != '#') {
      auto eq = t.find('=');
      std::string key = eq == std::string::npos ? t : trim(t.substr(0, eq));
      if (eq == std::string::npos || !is_valid_config_key(key))
        return Error{name + " line " + std::to_string(lineno) + ": expected 'key = value', found '" + raw + "'",
                     EINVAL, "correct or remove that line (see sckl.conf(5)), then run 'dpkg --configure -a'"};
      line.key = key;
      line.value = trim(t.substr(eq + 1));
    }
    cf.lines_.push_back(std::move(line));
  }
  return cf;
}

std::string ConfigFile::default_text() {
  return "# sckl's configuration; see sckl.conf(5). 'sckl set-target' edits it too;\n"
         "# your comments, order and other keys are kept.\n"
         "\n"
         "# Switch into the disk's kernel on every boot (yes/no).\n"
         "autostart = yes\n"
         "# Kernel to switch into: newest, or an installed version such as 6.1.0-28-amd64.\n"
         "target_kernel = newest\n"
         "# Words added to the target's kernel command line.\n"
         "extra_cmdline =\n"
         "# Keep NIC names across the switch: path, mac, classic (net.ifnames=0) or off.\n"
         "nic_names = path\n"
         "# Unconfirmed boots into a kernel before sckl stays on the provider's kernel (1-9).\n"
         "tries = 2\n"
         "# On the disk's kernel, reboot straight back into it by kexec, not through the provider (yes/no).\n"
         "fast_reboot = no\n"
         "# Seconds a boot into a kernel not yet confirmed has to reach sckl-boot-ok before it is\n"
         "# reset by force (back to the provider's kernel; 0 = never; 30-86400).\n"
         "boot_timeout = 600\n"
         "# Switch before systemd starts, from sckl's init (only with init=/usr/lib/sckl/init on the\n"
         "# provider's kernel command line; yes/no).\n"
         "init_shim = no\n";
}

std::optional<std::string> ConfigFile::get(const std::string& key) const {
  for (auto it = lines_.rbegin(); it != lines_.rend(); ++it)
    if (it->key == key) return it->value;
  return std::nullopt;
}

void ConfigFile::set(const std::string& key, const std::string& value) {
  for (auto it = lines_.rbegin(); it != lines_.rend(); ++it) {
    if (it->key != key) continue;
    // Keep what stands before the value ("key = ", "  key=") as written.
    auto eq = it->raw.find('=');
    std::string head = it->raw.substr(0, eq + 1);
    if (!value.empty() && (eq + 1 >= it->raw.size() || it->raw[eq + 1] == ' ')) head += ' ';
    it->raw = head + value;
    it->value = value;
    return;
  }
  lines_.push_back({key + " = " + value, key, value});
  final_newline_ = true;
}

std::string ConfigFile::text() const {
  std::string out;
  for (size_t i = 0; i < lines_.size(); ++i) {
    out += lines_[i].raw;
    if (i + 1 < lines_.size() || final_newline_) out += '\n';
  }
  return out;
}

bool config_true(const std::string& value) { return value == "yes" || value == "true" || value == "1"; }

Result<ConfigFile> read_config(System& sys) {
  auto present = path_exists(sys, paths::kConfigFile);
  if (!present.ok()) return present.error();
  std::string text = ConfigFile::default_text();
  if (present.value()) {
    auto t = sys.read_file(paths::kConfigFile);
    if (!t.ok()) return t.error();
    text = t.value();
  }
  return ConfigFile::parse(text, sys.display(paths::kConfigFile));
}

}  // namespace sckl
