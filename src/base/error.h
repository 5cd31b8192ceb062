// Errors are values: every fallible call returns Status or Result<T>, which
// carry a message that names the thing at fault and, where known, what the
// admin can do next. Nothing is thrown across the library boundary.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace sckl {

struct Error {
  std::string message;  // "cannot write /etc/fstab: Read-only file system"
  int errnum = 0;       // errno when the cause is a system call, else 0
  std::string hint;     // what to do next; may be empty

  // Message plus hint, as shown to the admin.
  std::string describe() const;
  // The same error with a further hint appended (keeps the first cause).
  Error with_hint(std::string next) const;
};

// Builds an Error from errno-style codes: "<what>: <strerror(errnum)>".
Error system_error(const std::string& what, int errnum);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error e) : error_(std::move(e)) {}  // NOLINT: implicit on purpose
  static Status Ok() { return {}; }
  bool ok() const { return !error_; }
  const Error& error() const { return *error_; }

 private:
  std::optional<Error> error_;
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T v) : v_(std::move(v)) {}       // NOLINT
  Result(Error e) : v_(std::move(e)) {}   // NOLINT
  bool ok() const { return v_.index() == 0; }
  const T& value() const& { return std::get<0>(v_); }
  T& value() & { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const Error& error() const { return std::get<1>(v_); }
  Status status() const { return ok() ? Status() : Status(error()); }

 private:
  std::variant<T, Error> v_;
};

}  // namespace sckl

// Propagate a failed Status/Result from the enclosing function.
#define SCKL_TRY(expr)                          \
  do {                                          \
    auto&& sckl_try_ = (expr);                  \
    if (!sckl_try_.ok()) return sckl_try_.error(); \
  } while (0)
