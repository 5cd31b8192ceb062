// /etc/sckl/sckl.conf: the admin's choices, "key = value" lines. The file is
// the truth (debconf only proposes answers); sckl edits single values in
// place and keeps the admin's comments, order and unknown keys.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/system.h"

namespace sckl {

class ConfigFile {
 public:
  // Parses the text; a line that is neither blank, a comment nor
  // "key = value" is an Error naming the file and line.
  static Result<ConfigFile> parse(const std::string& text, const std::string& name_for_errors);
  // The file sckl writes when there is none: every key with its default and
  // a comment saying what it does.
  static std::string default_text();

  std::optional<std::string> get(const std::string& key) const;
  // Replaces the value of the last line with that key (keeping the rest of
  // the line layout), or appends "key = value".
  void set(const std::string& key, const std::string& value);
  std::string text() const;

 private:
  struct Line {
    std::string raw;  // the line as written, without its newline
    std::string key;  // empty for blank lines and comments
    std::string value;
  };
  std::vector<Line> lines_;
  bool final_newline_ = true;
};

// Keys and their defaults.
inline constexpr const char* kKeyAutostart = "autostart";
inline constexpr const char* kKeyTargetKernel = "target_kernel";
inline constexpr const char* kKeyExtraCmdline = "extra_cmdline";
inline constexpr const char* kKeyNicNames = "nic_names";
inline constexpr const char* kKeyTries = "tries";
inline constexpr const char* kKeyFastReboot = "fast_reboot";
// Seconds a switched boot has to reach sckl-boot-ok before it is reset by
// force (hang_guard.h); 0 = never.
inline constexpr const char* kKeyBootTimeout = "boot_timeout";

// Switch before systemd starts, from the PID 1 shim (boot/init_shim.h), on
// a provider boot whose command line says init=/usr/lib/sckl/init (yes/no;
// default no).
inline constexpr const char* kKeyInitShim = "init_shim";

// A key the parser accepts: [a-z0-9_]+ (set() callers and the fuzzer check
// against the same rule).
bool is_valid_config_key(const std::string& key);

// The admin's sckl.conf on SYS, or ConfigFile::default_text() when there is
// none (a purge in progress, an image before postinst): the one reading of
// the file for the switch, postinst and the sckl command.
Result<ConfigFile> read_config(System& sys);

// sckl.conf's booleans accept yes/true/1 (anything else is no). The one
// reading of a boolean key: the boot path and debconf's answers share it.
bool config_true(const std::string& value);

}  // namespace sckl
