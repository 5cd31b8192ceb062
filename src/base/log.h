// The one logger. Messages go to stderr with a "sckl: " prefix (dpkg shows
// them to the admin; under systemd they land in the journal). Tests capture
// them through set_log_sink.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

namespace sckl {

enum class LogLevel { Debug, Info, Warning, Error };

using LogSink = std::function<void(LogLevel, const std::string&)>;

// Replaces the sink; returns the previous one. An empty sink restores stderr.
LogSink set_log_sink(LogSink sink);
// Sends messages to the kernel log (/dev/kmsg, "sckl: " prefix, kernel
// priorities) for programs that run where neither stderr nor the journal is
// read: the generator (before journald) and the system-shutdown hook (after
// it). Returns false, leaving the sink alone, when /dev/kmsg cannot be opened.
bool log_to_kernel_log();
// Messages below this level are dropped (default Info; SCKL_DEBUG=1 -> Debug).
void set_log_threshold(LogLevel level);

// Every message passes through printable_message first.
void log(LogLevel level, const std::string& message);

// Messages quote file contents (a damaged config line): what reaches a
// terminal or the kernel log must not carry control sequences or flood it.
// Control bytes and invalid UTF-8 become \xNN (newline and tab stay); a
// line is cut after kMaxLineBytes and the whole after kMaxMessageBytes, each
// with a note of how much was left out.
inline constexpr size_t kMaxLineBytes = 1000;
inline constexpr size_t kMaxMessageBytes = 8000;
std::string printable_message(const std::string& message);
inline void log_debug(const std::string& m) { log(LogLevel::Debug, m); }
inline void log_info(const std::string& m) { log(LogLevel::Info, m); }
inline void log_warning(const std::string& m) { log(LogLevel::Warning, m); }
inline void log_error(const std::string& m) { log(LogLevel::Error, m); }

}  // namespace sckl
