// Small text helpers shared by the parsers of command output and files.
#pragma once

#include <string>
#include <string_view>

namespace sckl {

// Without leading and trailing blanks (space, tab, CR, LF).
std::string trim(std::string_view s);

}  // namespace sckl
