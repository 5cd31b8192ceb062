// /etc/sckl/sckl.conf (ConfigFile). Input: the file's text, optionally a NUL
// and "KEY=VALUE" for a set() (default: target_kernel=6.1.0-28-amd64).
//
// Invariants: text() gives back the parsed file byte for byte; the parse of
// text() has the same values; set() changes only the last line of that key
// (or appends one), and the result parses with the new value.
#include <string>

#include "base/text.h"
#include "formats/config.h"
#include "fuzz_util.h"

using namespace sckl;

namespace {

const char* const kKeys[] = {kKeyAutostart, kKeyTargetKernel, kKeyExtraCmdline, kKeyNicNames, kKeyTries,
                             kKeyFastReboot};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto parts = fuzz::split_parts(data, size, 2);
  const std::string& text = parts[0];
  auto parsed = ConfigFile::parse(text, "/etc/sckl/sckl.conf");
  if (!parsed.ok()) {
    FUZZ_CHECK(parsed.error().message.starts_with("/etc/sckl/sckl.conf line "), "a parse error names file and line");
    return 0;
  }
  ConfigFile cf = parsed.value();
  FUZZ_CHECK(cf.text() == text, "text() gives back the file as read");
  auto again = ConfigFile::parse(cf.text(), "again");
  FUZZ_CHECK(again.ok(), "text() parses");
  for (const char* k : kKeys) FUZZ_CHECK(again.value().get(k) == cf.get(k), "values survive parse(text())");

  std::string key = kKeyTargetKernel, value = "6.1.0-28-amd64";
  if (parts.size() > 1) {
    auto eq = parts[1].find('=');
    key = parts[1].substr(0, eq);
    value = eq == std::string::npos ? "" : parts[1].substr(eq + 1);
  }
  // set()'s contract: a valid key and a one-line value as the parser would
  // read it back, without the control bytes the parser refuses (callers
  // validate values; see cli.cc set-target and settings.cc).
  if (!is_valid_config_key(key) || value.find_first_of("\n") != std::string::npos || trim(value) != value) return 0;
  for (char c : value)
    if ((static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\r') || c == '\x7f') return 0;

  const std::string before = cf.text();
  cf.set(key, value);
  const std::string after = cf.text();
  auto reparsed = ConfigFile::parse(after, "after set");
  FUZZ_CHECK(reparsed.ok(), "set() leaves a file that parses");
  FUZZ_CHECK(reparsed.value().get(key) == value, "set() value is read back");
  for (const char* k : kKeys)
    if (k != key) FUZZ_CHECK(reparsed.value().get(k) == cf.get(k), "set() keeps the other keys' values");

  // Every line but the last one carrying `key` is unchanged; at most one
  // line is added.
  auto old_lines = fuzz::split_lines(before), new_lines = fuzz::split_lines(after);
  FUZZ_CHECK(new_lines.size() == old_lines.size() || new_lines.size() == old_lines.size() + 1,
             "set() changes one line or appends one");
  size_t last_with_key = old_lines.size();
  for (size_t i = 0; i < old_lines.size(); ++i) {
    auto one = ConfigFile::parse(old_lines[i], "line");
    if (one.ok() && one.value().get(key)) last_with_key = i;
  }
  for (size_t i = 0; i < old_lines.size(); ++i)
    if (i != last_with_key) FUZZ_CHECK(new_lines[i] == old_lines[i], "set() keeps every other line");
  FUZZ_CHECK((last_with_key == old_lines.size()) == (new_lines.size() == old_lines.size() + 1),
             "set() appends exactly when the key is absent");
  return 0;
}
