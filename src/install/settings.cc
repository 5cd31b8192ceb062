#include "install/settings.h"

#include <cerrno>

#include "base/log.h"
#include "boot/boot_state.h"
#include "boot/hang_guard.h"
#include "formats/cmdline.h"
#include "machine/nic.h"

namespace sckl {
namespace {

// A frontend that shows the question keeps re-asking; after this many bad
// answers in one run sckl gives up rather than loop forever (a scripted
// frontend that always sends the same answer).
constexpr int kMaxAsks = 5;

bool boolean_word(const std::string& v) {
  return v == "yes" || v == "no" || v == "true" || v == "false" || v == "1" || v == "0";
}

// The answer in debconf's spelling, for comparing with the file.
std::string normalized_answer(const Setting& s, const std::string& answer) {
  if (s.type == SettingType::Boolean) return config_true(answer) ? "true" : "false";
  return answer;
}

const char* debconf_type(const Setting& s) {
  switch (s.type) {
    case SettingType::Boolean: return "boolean";
    case SettingType::Select: return "select";
    case SettingType::String: break;
  }
  return "string";
}

Error bad_answer_refused(const Setting& s, const std::string& value, const Error& why, bool from_file,
                         const std::string& config_display) {
  std::string hint = "sckl changed nothing; ";
  if (from_file)
    hint += std::string("correct ") + s.key + " in " + config_display +
            " (its values are loaded as the answers), then run 'dpkg --configure -a'";
  else
    hint += std::string("answer again with 'dpkg-reconfigure sckl', or preseed a valid answer (echo 'sckl ") + s.question + " " +
            debconf_type(s) + " " + s.default_value + "' | debconf-set-selections) and run 'dpkg --configure -a'";
  return Error{std::string("debconf answer ") + s.question + " = '" + value + "' cannot be used: " + why.message,
               EINVAL, hint};
}

std::string installed_list(const std::vector<InstalledKernel>& kernels) {
  std::string out;
  for (const auto& k : kernels) out += (out.empty() ? "" : ", ") + k.version;
  return out.empty() ? "(none installed)" : out;
}

}  // namespace

const std::vector<Setting>& settings() {
  static const std::vector<Setting> all = {
      {"sckl/autostart", kKeyAutostart, SettingType::Boolean, "yes"},
      {"sckl/target_kernel", kKeyTargetKernel, SettingType::String, "newest"},
      {"sckl/extra_cmdline", kKeyExtraCmdline, SettingType::String, ""},
      {"sckl/nic_names", kKeyNicNames, SettingType::Select, "path"},
      {"sckl/tries", kKeyTries, SettingType::String, "2"},
      {"sckl/fast_reboot", kKeyFastReboot, SettingType::Boolean, "no"},
      {"sckl/boot_timeout", kKeyBootTimeout, SettingType::String, "600"},
  };
  return all;
}

const Setting* find_setting_by_key(const std::string& key) {
  for (const auto& s : settings())
    if (key == s.key) return &s;
  return nullptr;
}

Status validate_setting(const Setting& s, const std::string& value, const std::vector<InstalledKernel>& kernels) {
  const std::string key = s.key;
  auto bad = [&](const std::string& what) {
    return Error{key + " = '" + value + "': " + what, EINVAL, "see sckl.conf(5)"};
  };
  switch (s.type) {
    case SettingType::Boolean:
      if (!boolean_word(value)) return bad("must be yes or no (true/false)");
      return {};
    case SettingType::Select:
      if (!parse_nic_policy(value)) return bad("must be path, mac, classic or off");
      return {};
    case SettingType::String:
      break;
  }
  if (key == kKeyTries) {
    if (!parse_tries(value)) return bad("must be a number from 1 to 9");
    return {};
  }
  if (key == kKeyBootTimeout) {
    if (!parse_boot_timeout(value)) return bad("must be 0 (off) or a number of seconds from 30 to 86400");
    return {};
  }
  if (key == kKeyExtraCmdline) {
    auto words = parse_extra_cmdline(value);
    if (!words.ok()) return bad(words.error().message);
    return {};
  }
  if (key == kKeyTargetKernel) {
    if (value == "newest") return {};
    if (!is_valid_kernel_version(value)) return bad("must be newest or an installed kernel version");
    // Installed is enough: an initrd still missing may come with a deferred
    // update-initramfs, and the preflight reports it before every switch.
    for (const auto& k : kernels)
      if (k.version == value) return {};
    return bad("no such kernel is installed (no /boot/vmlinuz-" + value + "); answer newest or one of: " +
               installed_list(kernels));
  }
  return {};
}

std::string answer_from_config(const Setting& s, const ConfigFile& config) {
  return normalized_answer(s, config.get(s.key).value_or(s.default_value));
}

std::string config_value_from_answer(const Setting& s, const std::string& answer) {
  if (s.type == SettingType::Boolean) return config_true(answer) ? "yes" : "no";
  return answer;
}

std::string debconf_synced_text(const ConfigFile& config) {
  std::string out =
      "# sckl.conf's values when postinst last wrote debconf's answers into it; read by\n"
      "# sckl's debconf config script. Not a configuration file: edit /etc/sckl/sckl.conf.\n";
  for (const auto& s : settings())
    if (auto v = config.get(s.key)) out += std::string(s.key) + " = " + *v + "\n";
  return out;
}

Result<std::vector<std::string>> merge_debconf_answers(Debconf& debconf, ConfigFile& config,
                                                       const std::vector<InstalledKernel>& kernels,
                                                       const std::string& config_display,
                                                       const ConfigFile* synced) {
  std::vector<std::string> changed;
  for (const auto& s : settings()) {
    for (int ask = 1;; ++ask) {
      auto answer = debconf.get(s.question);
      if (!answer.ok()) return answer.error();
      // Not registered (no templates loaded): the file stays as it is.
      if (!answer.value()) break;
      const std::string& value = *answer.value();
      Status valid = validate_setting(s, value, kernels);
      if (valid.ok()) {
        if (normalized_answer(s, value) != answer_from_config(s, config)) {
          config.set(s.key, config_value_from_answer(s, value));
          changed.push_back(s.key);
        }
        break;
      }
      const bool from_file = config.get(s.key) && *config.get(s.key) == value;
      auto refuse = [&]() -> Error {
        Error e = bad_answer_refused(s, value, valid.error(), from_file, config_display);
        if (!from_file) return e;
        static const ConfigFile none;
        Status back = debconf.set(s.question, answer_from_config(s, synced ? *synced : none));
        if (!back.ok()) log_warning("could not give " + std::string(s.question) + " its previous answer back: " +
                                    back.error().describe());
        return e;
      };
      if (ask >= kMaxAsks) return refuse();
      SCKL_TRY(debconf.subst(kBadAnswerNote, "question", s.question));
      SCKL_TRY(debconf.subst(kBadAnswerNote, "value", value));
      SCKL_TRY(debconf.subst(kBadAnswerNote, "reason", valid.error().message));
      // Both at critical priority: a frontend that skips them cannot show
      // anything (noninteractive), so the answer is refused instead.
      auto shown = debconf.input("critical", kBadAnswerNote);
      if (!shown.ok()) return shown.error();
      SCKL_TRY(debconf.fset(s.question, "seen", "false"));
      auto asked = shown.value() ? debconf.input("critical", s.question) : Result<bool>(false);
      if (!asked.ok()) return asked.error();
      if (!shown.value() || !asked.value()) return refuse();
      auto went = debconf.go();
      if (!went.ok()) return went.error();
    }
  }
  return changed;
}

}  // namespace sckl
