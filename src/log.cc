#include "log.h"

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string_view>

namespace sckl {
namespace {

std::mutex& log_mutex() {
  static std::mutex m;
  return m;
}
LogSink& sink() {
  static LogSink s;
  return s;
}
LogLevel& threshold() {
  static LogLevel t = [] {
    const char* d = std::getenv("SCKL_DEBUG");
    return (d && std::string_view(d) == "1") ? LogLevel::Debug : LogLevel::Info;
  }();
  return t;
}

const char* prefix(LogLevel level) {
  switch (level) {
    case LogLevel::Debug: return "sckl: debug: ";
    case LogLevel::Info: return "sckl: ";
    case LogLevel::Warning: return "sckl: warning: ";
    case LogLevel::Error: return "sckl: error: ";
  }
  return "sckl: ";
}

}  // namespace

LogSink set_log_sink(LogSink s) {
  std::lock_guard<std::mutex> g(log_mutex());
  LogSink old = std::move(sink());
  sink() = std::move(s);
  return old;
}

void set_log_threshold(LogLevel level) {
  std::lock_guard<std::mutex> g(log_mutex());
  threshold() = level;
}

void log(LogLevel level, const std::string& message) {
  std::lock_guard<std::mutex> g(log_mutex());
  if (level < threshold()) return;
  if (sink()) {
    sink()(level, message);
    return;
  }
  std::string line = prefix(level) + message + "\n";
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace sckl
