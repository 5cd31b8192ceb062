#include "base/log.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
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

// Length of the valid UTF-8 sequence at s[i] (2-4), or 0. Rejects overlong
// forms, surrogates and C1 controls (U+0080..U+009F act on terminals).
size_t utf8_sequence(const std::string& s, size_t i) {
  auto byte = [&](size_t k) { return k < s.size() ? static_cast<unsigned char>(s[k]) : 0u; };
  auto cont = [&](size_t k) { return (byte(k) & 0xC0) == 0x80; };
  const unsigned c = byte(i);
  if (c >= 0xC2 && c <= 0xDF) return cont(i + 1) && !(c == 0xC2 && byte(i + 1) < 0xA0) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(i + 1) || !cont(i + 2)) return 0;
    if (c == 0xE0 && byte(i + 1) < 0xA0) return 0;  // overlong
    if (c == 0xED && byte(i + 1) >= 0xA0) return 0;  // surrogate
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(i + 1) || !cont(i + 2) || !cont(i + 3)) return 0;
    if (c == 0xF0 && byte(i + 1) < 0x90) return 0;
    if (c == 0xF4 && byte(i + 1) >= 0x90) return 0;
    return 4;
  }
  return 0;
}

}  // namespace

std::string printable_message(const std::string& m) {
  std::string out;
  out.reserve(std::min(m.size(), kMaxMessageBytes) + 64);
  size_t i = 0, line_start = 0;
  // Each line is cut on its own, so that the hint after a huge quoted line
  // still shows.
  auto cut_line = [&] {
    size_t nl = m.find('\n', i);
    size_t end = nl == std::string::npos ? m.size() : nl;
    out += "... (" + std::to_string(end - i) + " more bytes not shown)";
    i = end;
  };
  while (i < m.size()) {
    if (out.size() >= kMaxMessageBytes) {
      out += "... (" + std::to_string(m.size() - i) + " more bytes not shown)";
      break;
    }
    if (out.size() - line_start >= kMaxLineBytes && m[i] != '\n') {
      cut_line();
      continue;
    }
    const unsigned char c = static_cast<unsigned char>(m[i]);
    if (c == '\n') line_start = out.size() + 1;
    if (c == '\n' || c == '\t' || (c >= 0x20 && c < 0x7f)) {
      out += static_cast<char>(c);
      ++i;
    } else if (size_t n = c >= 0x80 ? utf8_sequence(m, i) : 0) {
      out.append(m, i, n);
      i += n;
    } else {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
      ++i;
    }
  }
  return out;
}

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

void log(LogLevel level, const std::string& raw) {
  std::lock_guard<std::mutex> g(log_mutex());
  if (level < threshold()) return;
  const std::string message = printable_message(raw);
  if (sink()) {
    sink()(level, message);
    return;
  }
  std::string line = prefix(level) + message + "\n";
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

bool log_to_kernel_log() {
  int kmsg = ::open("/dev/kmsg", O_WRONLY | O_CLOEXEC | O_NOCTTY);
  if (kmsg < 0) return false;
  set_log_sink([kmsg](LogLevel level, const std::string& m) {
    const char* prio = level == LogLevel::Error ? "<3>" : level == LogLevel::Warning ? "<4>" : "<6>";
    std::string line = std::string(prio) + "sckl: " + m + "\n";
    if (::write(kmsg, line.data(), line.size()) < 0) {
      // The kernel log was the last place to say it.
    }
  });
  return true;
}

}  // namespace sckl
