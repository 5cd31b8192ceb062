#include "formats/kexec_tools.h"

namespace sckl {

std::optional<std::string> disable_load_kexec(const std::string& text) {
  std::string out;
  bool found = false, changed = false;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    size_t end = nl == std::string::npos ? text.size() : nl;
    std::string line = text.substr(pos, end - pos);
    size_t ws = line.find_first_not_of(" \t");
    if (ws != std::string::npos && line.compare(ws, 11, "LOAD_KEXEC=") == 0) {
      found = true;
      std::string fixed = line.substr(0, ws) + "LOAD_KEXEC=false";
      if (fixed != line) {
        changed = true;
        line = fixed;
      }
    }
    out += line;
    if (nl != std::string::npos) out += '\n';
    pos = end + 1;
  }
  if (!found) {
    if (!out.empty() && out.back() != '\n') out += '\n';
    out += "# sckl loads kernels itself; see sckl(8)\nLOAD_KEXEC=false\n";
    changed = true;
  }
  if (!changed) return std::nullopt;
  return out;
}

}  // namespace sckl
