// Captures sckl's log lines for the lifetime of the object (tests only).
#pragma once

#include <string>
#include <vector>

#include "base/log.h"

namespace sckl::testing {

class LogCapture {
 public:
  LogCapture() {
    previous_ = set_log_sink([this](LogLevel level, const std::string& m) {
      lines.push_back((level == LogLevel::Warning ? "warning: " : level == LogLevel::Error ? "error: " : "") + m);
    });
  }
  ~LogCapture() { set_log_sink(previous_); }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  bool contains(const std::string& part) const {
    for (const auto& l : lines)
      if (l.find(part) != std::string::npos) return true;
    return false;
  }
  // Everything captured, for failure messages.
  std::string text() const {
    std::string out;
    for (const auto& l : lines) out += l + "\n";
    return out;
  }
  std::vector<std::string> lines;

 private:
  LogSink previous_;
};

}  // namespace sckl::testing
