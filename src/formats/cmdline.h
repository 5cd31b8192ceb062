// The target kernel's command line: the provider's line minus the words
// that only the provider kernel understands, plus the admin's validated
// extra words, plus panic=N (a panicking target resets into the provider
// kernel) and the marker sckl.boot=ATTEMPT that tells every later step
// (loop guard, boot counting, provider unit drop-ins) that this boot is the
// switched one.
#pragma once

#include <string>
#include <vector>

#include "base/error.h"

namespace sckl {

inline constexpr const char* kBootMarker = "sckl.boot";
inline constexpr const char* kDisableWord = "sckl.disable";
// x86's COMMAND_LINE_SIZE, terminating NUL included.
inline constexpr size_t kMaxCmdline = 2048;

// Splits like the kernel does: blanks (its isspace(): \t..\r, space, 0xa0)
// separate words, double quotes group (the quotes stay part of the word).
std::vector<std::string> split_kernel_cmdline(const std::string& line);
std::string join_kernel_cmdline(const std::vector<std::string>& words);
// The word's key: "root" for "root=/dev/vda", the word itself otherwise.
std::string cmdline_key(const std::string& word);
bool cmdline_has_key(const std::vector<std::string>& words, const std::string& key);

// The admin's extra words (sckl.conf extra_cmdline): printable ASCII, no
// quotes, no sckl.* word (the marker must not be forged), no init= (sckl
// does not hand PID 1 to something else behind the admin's back), no "--"
// (the words after it go to init, not to the kernel).
Result<std::vector<std::string>> parse_extra_cmdline(const std::string& extra);

struct CmdlineSpec {
  std::string provider_cmdline;         // /proc/cmdline of the provider boot
  std::vector<std::string> drop_keys;   // provider-only words, by key
  std::string extra;                    // sckl.conf extra_cmdline
  int panic_seconds = 10;
  int attempt = 1;
  int boot_timeout = 0;                 // > 0: sckl.boot_timeout=N (hang_guard.h)
  bool classic_nic_names = false;       // nic_names = classic: net.ifnames=0
};

Result<std::string> build_target_cmdline(const CmdlineSpec& spec);

}  // namespace sckl
