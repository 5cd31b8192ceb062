#pragma once

#include <string>
#include <string_view>

namespace sckl {

// Lower-case hex SHA-256 of data (libmd).
std::string sha256_hex(std::string_view data);

}  // namespace sckl
