// sckl's six choices as debconf asks them and sckl.conf keeps them.
//
// The question names are a public interface (preseed files, Ansible and
// cloud-init snippets use them): keep them. The configuration file is the
// truth: debconf/config loads the file's values as the answers before asking,
// and postinst writes changed answers back into the file, one value at a
// time, so that the admin's comments, order and unknown keys stay.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "formats/config.h"
#include "install/debconf.h"
#include "kernel/kernels.h"

namespace sckl {

enum class SettingType { Boolean, String, Select };

struct Setting {
  const char* question;       // debconf question, "sckl/tries"
  const char* key;            // sckl.conf key, "tries"
  SettingType type;
  const char* default_value;  // as sckl.conf spells it ("yes", "2")
};

// In the order debconf asks them.
const std::vector<Setting>& settings();
const Setting* find_setting_by_key(const std::string& key);


// Whether `value` (as sckl.conf spells it) is allowed for the key; an Error
// names the key, the value and what is allowed. A pinned target_kernel
// must be installed (/boot/vmlinuz-VERSION).
Status validate_setting(const Setting& s, const std::string& value, const std::vector<InstalledKernel>& kernels);

// The value sckl.conf has for the setting (its default when the key is
// missing), in the spelling debconf uses (booleans "true"/"false").
std::string answer_from_config(const Setting& s, const ConfigFile& config);
// debconf's answer in sckl.conf's spelling (booleans "yes"/"no").
std::string config_value_from_answer(const Setting& s, const std::string& answer);

// Reads sckl's answers from debconf and writes those that differ from the
// file into `config` (other keys, comments and layout untouched). A bad
// answer is re-asked with an error note (sckl/bad_answer) when the frontend
// can show it; when it cannot (noninteractive, or still bad after a few
// tries), the result is an Error naming the question, the value and the way
// out, and the caller changes nothing. Returns the keys that changed.
//
// `synced` is paths::kDebconfSynced (nullptr when missing). When a refused
// value came from a hand edit of the file, debconf gets the synced value
// back: the config script loaded the edit into debconf, and once the admin
// puts the file back as it was, the config script leaves debconf alone.
Result<std::vector<std::string>> merge_debconf_answers(Debconf& debconf, ConfigFile& config,
                                                       const std::vector<InstalledKernel>& kernels,
                                                       const std::string& config_display,
                                                       const ConfigFile* synced = nullptr);

// The text of paths::kDebconfSynced: the "key = value" lines of `config`
// for sckl's six keys that the file has (a key the file lacks is left out).
std::string debconf_synced_text(const ConfigFile& config);

// The template of the error note shown before a bad answer is asked again.
inline constexpr const char* kBadAnswerNote = "sckl/bad_answer";

}  // namespace sckl
