// Shared by the libFuzzer targets in this directory: splitting one input into
// the several texts a parser reads, invariant checks that stop the fuzzer
// with a message, and a quiet logger.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "base/log.h"

// An invariant of the code under test. A violation prints what broke and
// aborts, so that libFuzzer keeps the input as a crash file.
#define FUZZ_CHECK(cond, what)                                                                          \
  do {                                                                                                  \
    if (!(cond)) {                                                                                      \
      std::fprintf(stderr, "invariant violated at %s:%d: %s\n  (%s)\n", __FILE__, __LINE__, what, #cond); \
      std::abort();                                                                                     \
    }                                                                                                   \
  } while (0)

namespace sckl::fuzz {

// The input as up to `max_parts` texts separated by NUL bytes (the last part
// keeps any further NULs). A seed that is one plain file is one part, so the
// corpus can hold real files as they are; missing parts are absent (callers
// choose a realistic default).
inline std::vector<std::string> split_parts(const uint8_t* data, size_t size, size_t max_parts) {
  std::vector<std::string> parts;
  std::string cur;
  for (size_t i = 0; i < size; ++i) {
    if (data[i] == 0 && parts.size() + 1 < max_parts) {
      parts.push_back(std::move(cur));
      cur.clear();
      continue;
    }
    cur += static_cast<char>(data[i]);
  }
  parts.push_back(std::move(cur));
  return parts;
}

// The lines of a text ('\n' separated; no empty last line for a final '\n').
inline std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    out.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return out;
}

// The words of a kernel command line before a bare "--" (the kernel strips
// one pair of quotes): the kernel's own; the rest are init's.
inline std::vector<std::string> kernel_words(const std::vector<std::string>& words) {
  std::vector<std::string> out;
  for (const auto& w : words) {
    if (w == "--" || w == "\"--\"") break;
    out.push_back(w);
  }
  return out;
}

// sckl's messages are not the fuzzer's business: drop them (and their cost).
// "KEY=value" lines as a device's tags (what libblkid or libudev would hand
// over); the value is every byte after the first '=', the first KEY wins.
inline std::map<std::string, std::string> key_values(const std::string& text) {
  std::map<std::string, std::string> tags;
  for (const auto& line : split_lines(text)) {
    auto eq = line.find('=');
    if (eq != std::string::npos && eq > 0) tags.emplace(line.substr(0, eq), line.substr(eq + 1));
  }
  return tags;
}

inline void silence_log() {
  sckl::set_log_sink([](sckl::LogLevel, const std::string&) {});
}

}  // namespace sckl::fuzz
