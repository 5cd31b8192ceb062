#include "base/sha256.h"

#include <sha2.h>

namespace sckl {

std::string sha256_hex(std::string_view data) {
  char buf[SHA256_DIGEST_STRING_LENGTH];
  SHA256Data(reinterpret_cast<const uint8_t*>(data.data()), data.size(), buf);
  return std::string(buf);
}

}  // namespace sckl
