// Small text helpers shared by the parsers of command output and files.
#pragma once

#include <string>
#include <string_view>

namespace sckl {

// Without leading and trailing blanks (space, tab, CR, LF).
std::string trim(std::string_view s);

// The value of KEY in "KEY=value" lines (udevadm info, blkid -o export),
// trimmed; "" when absent.
std::string key_value(std::string_view text, std::string_view key);

}  // namespace sckl
