#include "base/error.h"

#include <cstring>

namespace sckl {

std::string Error::describe() const {
  if (hint.empty()) return message;
  return message + "\n  " + hint;
}

Error Error::with_hint(std::string next) const {
  Error e = *this;
  e.hint = e.hint.empty() ? std::move(next) : e.hint + "\n  " + next;
  return e;
}

Error system_error(const std::string& what, int errnum) {
  return Error{what + ": " + std::strerror(errnum), errnum, {}};
}

}  // namespace sckl
