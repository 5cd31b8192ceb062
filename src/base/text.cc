#include "base/text.h"

namespace sckl {

std::string trim(std::string_view s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  auto e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

std::string key_value(std::string_view rest, std::string_view key) {
  while (!rest.empty()) {
    auto nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    if (line.size() > key.size() && line.starts_with(key) && line[key.size()] == '=')
      return trim(line.substr(key.size() + 1));
  }
  return {};
}

}  // namespace sckl
