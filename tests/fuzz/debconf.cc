// debconf's replies: parse_debconf_reply on one line, and DebconfProtocol
// reading them from a pipe as a maintainer script does from fd 0. Input: what
// debconf answers (one reply per line) to 16 rounds of GET, SET and PURGE.
//
// Invariants: a parsed reply has a 1-4 digit code and is the line it came
// from; a value returned by GET never carries a line break; the conversation
// ends with an Error (never a hang or a crash) when the replies run out.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string>

#include "fuzz_util.h"
#include "install/debconf.h"

using namespace sckl;

namespace {
int g_null_fd = -1;
}

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::silence_log();
  // Commands go nowhere; only the replies are fuzzed.
  g_null_fd = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  for (const auto& line : fuzz::split_lines(text)) {
    auto r = parse_debconf_reply(line);
    if (!r) continue;
    size_t digits = 0;
    while (digits < line.size() && line[digits] >= '0' && line[digits] <= '9') ++digits;
    FUZZ_CHECK(digits >= 1 && digits <= 4, "a reply code has 1-4 digits");
    FUZZ_CHECK(r->code >= 0 && r->code <= 9999, "a reply code is 0-9999");
    FUZZ_CHECK(r->code == std::stoi(line.substr(0, digits)), "the code is the number the line starts with");
    FUZZ_CHECK(digits == line.size() ? r->text.empty() : line[digits] == ' ' && r->text == line.substr(digits + 1),
               "the text is the rest of the line after one space");
  }

  // A pipe holds 64 KiB: the whole input fits before anyone reads it (the
  // runner keeps -max_len far below that).
  if (size > 60000) return 0;
  int fds[2];
  FUZZ_CHECK(::pipe2(fds, O_CLOEXEC) == 0, "pipe2");
  size_t off = 0;
  while (off < size) {
    ssize_t n = ::write(fds[1], data + off, size - off);
    FUZZ_CHECK(n > 0, "write to the pipe");
    off += static_cast<size_t>(n);
  }
  ::close(fds[1]);
  {
    // Each command reads exactly one reply line, or fails once the replies
    // have run out (and keeps failing: the pipe stays at its end).
    constexpr int kRounds = 16;
    DebconfProtocol debconf(fds[0], g_null_fd);
    for (int round = 0; round < kRounds; ++round) {
      auto got = debconf.get("kexec-tools/load_kexec");
      if (got.ok() && got.value())
        FUZZ_CHECK(got.value()->find('\n') == std::string::npos, "GET's value is one line");
      (void)debconf.set("kexec-tools/load_kexec", "false");
      (void)debconf.purge();
    }
    auto last = debconf.command("GET sckl/never-answered");
    if (std::count(text.begin(), text.end(), '\n') <= 3 * kRounds)
      FUZZ_CHECK(!last.ok() && last.error().errnum == EPIPE, "with the replies used up, a command is an Error");
  }
  ::close(fds[0]);
  return 0;
}
