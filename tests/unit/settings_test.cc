// The debconf questions against sckl.conf: validation, merging answers into
// the admin's file, re-asking bad answers and refusing them when nobody can
// be asked.
#include "install/settings.h"

#include <gtest/gtest.h>

#include "boot/boot_state.h"
#include "boot/hang_guard.h"
#include "fake_debconf.h"

namespace sckl {
namespace {

using testing::FakeDebconf;

const Setting& setting(const std::string& key) {
  const Setting* s = find_setting_by_key(key);
  EXPECT_NE(s, nullptr) << key;
  return *s;
}

std::vector<InstalledKernel> kernels() {
  InstalledKernel k;
  k.version = "6.1.0-28-amd64";
  k.image = "/boot/vmlinuz-6.1.0-28-amd64";
  k.initrd = "/boot/initrd.img-6.1.0-28-amd64";
  k.has_initrd = k.has_modules = true;
  return {k};
}

Status check(const std::string& key, const std::string& value) {
  return validate_setting(setting(key), value, kernels());
}

ConfigFile parse(const std::string& text) {
  auto c = ConfigFile::parse(text, "/etc/sckl/sckl.conf");
  EXPECT_TRUE(c.ok());
  return c.value();
}

// debconf as the config script leaves it: the file's values loaded.
FakeDebconf loaded_from(const ConfigFile& config) {
  FakeDebconf dc;
  for (const auto& s : settings()) dc.db[s.question] = answer_from_config(s, config);
  return dc;
}

TEST(Settings, QuestionNamesAreThePublicInterface) {
  std::vector<std::string> names;
  for (const auto& s : settings()) names.push_back(s.question);
  EXPECT_EQ(names, (std::vector<std::string>{"sckl/autostart", "sckl/target_kernel", "sckl/extra_cmdline",
                                             "sckl/nic_names", "sckl/tries", "sckl/fast_reboot", "sckl/boot_timeout"}));
  // Every default is valid, and the default file spells every default.
  ConfigFile def = parse(ConfigFile::default_text());
  for (const auto& s : settings()) {
    EXPECT_TRUE(validate_setting(s, s.default_value, {}).ok()) << s.key;
    EXPECT_EQ(def.get(s.key).value_or("?"), s.default_value) << s.key;
  }
}

// The questions' defaults are what the boot path falls back to.
TEST(Settings, DefaultsAreTheBootPathsDefaults) {
  ASSERT_NE(find_setting_by_key(kKeyTries), nullptr);
  EXPECT_EQ(parse_tries(find_setting_by_key(kKeyTries)->default_value), kDefaultTries);
  ASSERT_NE(find_setting_by_key(kKeyBootTimeout), nullptr);
  EXPECT_EQ(parse_boot_timeout(find_setting_by_key(kKeyBootTimeout)->default_value), kDefaultBootTimeout);
  EXPECT_FALSE(parse_tries("0"));
  EXPECT_FALSE(parse_tries("10"));
  EXPECT_EQ(parse_tries("9"), 9);
}

TEST(Settings, ValidationNamesTheKeyAndWhatIsAllowed) {
  EXPECT_TRUE(check("boot_timeout", "0").ok());
  EXPECT_TRUE(check("boot_timeout", "60").ok());
  EXPECT_FALSE(check("boot_timeout", "10").ok());
  EXPECT_FALSE(check("boot_timeout", "10min").ok());
  EXPECT_TRUE(check("tries", "1").ok());
  EXPECT_TRUE(check("tries", "9").ok());
  for (const char* bad : {"abc", "0", "10", "", " 2", "-1"}) {
    auto st = check("tries", bad);
    ASSERT_FALSE(st.ok()) << bad;
    EXPECT_NE(st.error().message.find("tries"), std::string::npos);
    EXPECT_NE(st.error().message.find("1 to 9"), std::string::npos);
  }
  EXPECT_TRUE(check("extra_cmdline", "").ok());
  EXPECT_TRUE(check("extra_cmdline", "console=ttyS0 quiet").ok());
  for (const char* bad : {"a\nb", "quiet \"x\"", "sckl.boot=1", "init=/bin/sh", "it's", "tab\there"})
    EXPECT_FALSE(check("extra_cmdline", bad).ok()) << bad;
  EXPECT_TRUE(check("target_kernel", "newest").ok());
  EXPECT_TRUE(check("target_kernel", "6.1.0-28-amd64").ok());
  auto st = check("target_kernel", "6.1.0-99-amd64");
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("6.1.0-99-amd64"), std::string::npos);
  EXPECT_NE(st.error().message.find("6.1.0-28-amd64"), std::string::npos);  // what is there instead
  EXPECT_FALSE(check("target_kernel", "../../etc").ok());
  for (const char* good : {"path", "mac", "classic", "off"}) EXPECT_TRUE(check("nic_names", good).ok());
  EXPECT_FALSE(check("nic_names", "eth").ok());
  for (const char* good : {"true", "false", "yes", "no"}) EXPECT_TRUE(check("autostart", good).ok());
  EXPECT_FALSE(check("fast_reboot", "maybe").ok());
}

TEST(Settings, UnchangedAnswersLeaveTheFileByteForByte) {
  ConfigFile config = parse("# mine\nautostart=true\ntries = 3\nfoo = bar\n");
  FakeDebconf dc = loaded_from(config);
  EXPECT_EQ(dc.db["sckl/autostart"], "true");
  EXPECT_EQ(dc.db["sckl/nic_names"], "path");  // missing key: the default
  auto changed = merge_debconf_answers(dc, config, kernels(), "/etc/sckl/sckl.conf");
  ASSERT_TRUE(changed.ok()) << changed.error().describe();
  EXPECT_TRUE(changed.value().empty());
  EXPECT_EQ(config.text(), "# mine\nautostart=true\ntries = 3\nfoo = bar\n");
}

TEST(Settings, ChangedAnswersAreWrittenInPlaceKeepingCommentsOrderAndUnknownKeys) {
  ConfigFile config = parse("# admin: keep this\nfoo = bar\ntries = 2\nautostart = yes\n");
  FakeDebconf dc = loaded_from(config);
  dc.db["sckl/tries"] = "4";
  dc.db["sckl/autostart"] = "false";
  dc.db["sckl/extra_cmdline"] = "console=ttyS0";
  auto changed = merge_debconf_answers(dc, config, kernels(), "/etc/sckl/sckl.conf");
  ASSERT_TRUE(changed.ok()) << changed.error().describe();
  EXPECT_EQ(changed.value(), (std::vector<std::string>{"autostart", "extra_cmdline", "tries"}));
  EXPECT_EQ(config.text(),
            "# admin: keep this\nfoo = bar\ntries = 4\nautostart = no\nextra_cmdline = console=ttyS0\n");
  EXPECT_TRUE(dc.shown.empty());
}

TEST(Settings, UnregisteredQuestionsLeaveTheFileAlone) {
  ConfigFile config = parse("tries = 5\n");
  FakeDebconf dc;  // no templates loaded
  auto changed = merge_debconf_answers(dc, config, kernels(), "/etc/sckl/sckl.conf");
  ASSERT_TRUE(changed.ok());
  EXPECT_TRUE(changed.value().empty());
  EXPECT_EQ(config.text(), "tries = 5\n");
}

TEST(Settings, BadPreseedIsRefusedNonInteractivelyAndNothingChanges) {
  ConfigFile config = parse(ConfigFile::default_text());
  FakeDebconf dc = loaded_from(config);
  dc.db["sckl/autostart"] = "false";  // a good answer before the bad one
  dc.db["sckl/tries"] = "abc";
  auto changed = merge_debconf_answers(dc, config, kernels(), "/etc/sckl/sckl.conf");
  ASSERT_FALSE(changed.ok());
  const Error& e = changed.error();
  EXPECT_NE(e.message.find("sckl/tries"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("'abc'"), std::string::npos);
  EXPECT_NE(e.message.find("1 to 9"), std::string::npos);
  EXPECT_NE(e.hint.find("dpkg-reconfigure sckl"), std::string::npos);
  EXPECT_NE(e.hint.find("sckl sckl/tries string 2"), std::string::npos);
  EXPECT_TRUE(dc.shown.empty());
  EXPECT_EQ(dc.gos, 0);
  // The caller writes nothing on an error; the merge itself touched only
  // the in-memory copy.
}

TEST(Settings, BadValueFromTheFileSaysToCorrectTheFile) {
  ConfigFile config = parse("tries = abc\n");
  FakeDebconf dc = loaded_from(config);
  auto changed = merge_debconf_answers(dc, config, kernels(), "/etc/sckl/sckl.conf");
  ASSERT_FALSE(changed.ok());
  EXPECT_NE(changed.error().hint.find("correct tries in /etc/sckl/sckl.conf"), std::string::npos)
      << changed.error().hint;
  // debconf gets back what it had before the config script loaded the bad
  // edit: without a synced record, the default...
  EXPECT_EQ(dc.db["sckl/tries"], "2");
  // ...with one, the synced value, so that putting the file back as it was
  // is enough.
  ConfigFile synced = parse("tries = 5\n");
  dc.db["sckl/tries"] = "abc";
  ASSERT_FALSE(merge_debconf_answers(dc, config, kernels(), "/etc/sckl/sckl.conf", &synced).ok());
  EXPECT_EQ(dc.db["sckl/tries"], "5");
}

TEST(Settings, SyncedRecordHasTheFilesValuesOfScklsKeysOnly) {
  ConfigFile config = parse("# c\ntries = 4\ncustom = x\nautostart = true\n");
  auto synced = ConfigFile::parse(debconf_synced_text(config), "synced");
  ASSERT_TRUE(synced.ok());
  EXPECT_EQ(synced.value().get("tries").value_or(""), "4");
  EXPECT_EQ(synced.value().get("autostart").value_or(""), "true");  // as the file spells it
  EXPECT_FALSE(synced.value().get("custom"));
  EXPECT_FALSE(synced.value().get("nic_names"));  // missing in the file: left out
}

TEST(Settings, BadAnswerIsReaskedWithANoteWhenSomeoneCanAnswer) {
  ConfigFile config = parse(ConfigFile::default_text());
  FakeDebconf dc = loaded_from(config);
  dc.db["sckl/extra_cmdline"] = "sckl.boot=7";
  dc.interactive = true;
  dc.on_go = [](FakeDebconf& d) { d.db["sckl/extra_cmdline"] = "quiet"; };
  auto changed = merge_debconf_answers(dc, config, kernels(), "/etc/sckl/sckl.conf");
  ASSERT_TRUE(changed.ok()) << changed.error().describe();
  EXPECT_EQ(dc.shown, (std::vector<std::string>{"critical sckl/bad_answer", "critical sckl/extra_cmdline"}));
  EXPECT_EQ(dc.gos, 1);
  EXPECT_EQ(dc.substs["sckl/bad_answer question"], "sckl/extra_cmdline");
  EXPECT_EQ(dc.substs["sckl/bad_answer value"], "sckl.boot=7");
  EXPECT_NE(dc.substs["sckl/bad_answer reason"].find("sckl."), std::string::npos);
  EXPECT_EQ(dc.flags["sckl/extra_cmdline seen"], "false");
  EXPECT_EQ(config.get("extra_cmdline").value_or(""), "quiet");
}

TEST(Settings, AnAdminWhoKeepsAnsweringBadlyIsRefusedAfterAFewTries) {
  ConfigFile config = parse(ConfigFile::default_text());
  const std::string before = config.text();
  FakeDebconf dc = loaded_from(config);
  dc.db["sckl/nic_names"] = "eth";
  dc.interactive = true;
  auto changed = merge_debconf_answers(dc, config, kernels(), "/etc/sckl/sckl.conf");
  ASSERT_FALSE(changed.ok());
  EXPECT_EQ(dc.gos, 4);
  EXPECT_NE(changed.error().message.find("sckl/nic_names"), std::string::npos);
  EXPECT_EQ(config.text(), before);
}

TEST(Settings, DebconfFailuresAreErrors) {
  ConfigFile config = parse(ConfigFile::default_text());
  FakeDebconf dc = loaded_from(config);
  dc.fail_next = true;
  auto changed = merge_debconf_answers(dc, config, kernels(), "/etc/sckl/sckl.conf");
  ASSERT_FALSE(changed.ok());
  EXPECT_NE(changed.error().message.find("injected"), std::string::npos);
}

}  // namespace
}  // namespace sckl
