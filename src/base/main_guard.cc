#include "base/main_guard.h"

#include <unistd.h>

#include <cstring>
#include <exception>
#include <string>

#include "base/log.h"

namespace sckl {

namespace {

// The last resort when even logging throws (out of memory): a fixed text
// straight to stderr.
void write_raw(const char* program, const char* text) noexcept {
  const char* prefix = "sckl: ";
  (void)!::write(2, prefix, std::strlen(prefix));
  (void)!::write(2, program, std::strlen(program));
  (void)!::write(2, text, std::strlen(text));
}

int report(const char* program, OnException policy, const char* what) noexcept {
  const bool warn = policy == OnException::WarnAndSucceed;
  try {
    std::string m = std::string(program) + ": internal error: " + what;
    if (warn) {
      log_warning(m + "; nothing else was done. The caller is not affected; run 'sckl check' and report this");
    } else {
      log_error(m + "; it stopped there. Run it again; if this persists, report it");
    }
  } catch (...) {
    write_raw(program, ": internal error (out of memory?); stopped\n");
  }
  return warn ? 0 : 1;
}

}  // namespace

int guarded_main(const char* program, OnException policy, const std::function<int()>& body) noexcept {
  try {
    return body();
  } catch (const std::exception& e) {
    return report(program, policy, e.what());
  } catch (...) {
    return report(program, policy, "an unknown exception");
  }
}

}  // namespace sckl
