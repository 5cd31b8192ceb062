// Which grub questions sckl presets and which it leaves (grub_preset.h), and
// the template files it ships for them.
#include "install/grub_preset.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace sckl {
namespace {

using Current = std::map<std::string, std::optional<std::string>>;

const PresetDecision& find(const std::vector<PresetDecision>& ds, const std::string& q) {
  for (const auto& d : ds)
    if (d.preset->question == q) return d;
  ADD_FAILURE() << "no decision for " << q;
  static PresetDecision none;
  return none;
}

TEST(GrubPreset, MissingQuestionsAreCreatedWithAnswersThatInstallNowhere) {
  auto ds = decide_grub_presets({}, Manifest{});
  ASSERT_EQ(ds.size(), std::size(kGrubPresets));
  for (const auto& d : ds) {
    EXPECT_EQ(d.step, PresetStep::Create) << d.preset->question;
    EXPECT_TRUE(d.warning.empty());
  }
  // The two answers grub-pc's postinst acts on: no device, and "continue
  // without installing" so that a non-interactive configure succeeds.
  EXPECT_EQ(std::string(find(ds, "grub-pc/install_devices").preset->value), "");
  EXPECT_EQ(std::string(find(ds, "grub-pc/install_devices_empty").preset->value), "true");
}

TEST(GrubPreset, ExistingAnswersAreLeftAndADeviceIsNamed) {
  Current cur{{"grub-pc/install_devices", "/dev/disk/by-id/virtio-vda"},
              {"grub-pc/install_devices_empty", "false"},
              {"grub2/linux_cmdline", std::nullopt}};
  auto ds = decide_grub_presets(cur, Manifest{});
  const auto& dev = find(ds, "grub-pc/install_devices");
  EXPECT_EQ(dev.step, PresetStep::Leave);
  EXPECT_NE(dev.warning.find("/dev/disk/by-id/virtio-vda"), std::string::npos);
  EXPECT_NE(dev.warning.find("debconf-set-selections"), std::string::npos);
  const auto& empty = find(ds, "grub-pc/install_devices_empty");
  EXPECT_EQ(empty.step, PresetStep::Leave);
  EXPECT_TRUE(empty.warning.empty());
  EXPECT_EQ(find(ds, "grub2/linux_cmdline").step, PresetStep::Create);  // nullopt: does not exist
  EXPECT_EQ(find(ds, "grub2/linux_cmdline_default").step, PresetStep::Create);
}

TEST(GrubPreset, AnEmptyExistingDeviceAnswerIsLeftSilently) {
  auto ds = decide_grub_presets({{"grub-pc/install_devices", ""}}, Manifest{});
  EXPECT_EQ(find(ds, "grub-pc/install_devices").step, PresetStep::Leave);
  EXPECT_TRUE(find(ds, "grub-pc/install_devices").warning.empty());
}

TEST(GrubPreset, SckLsOwnRecordDecides) {
  Manifest m;
  m.debconf_presets.push_back({"grub-pc/install_devices", true});
  m.debconf_presets.push_back({"grub-pc/install_devices_empty", false});
  // The admin changed sckl's answer later: theirs now, kept without a word.
  Current cur{{"grub-pc/install_devices", "/dev/vda"}, {"grub-pc/install_devices_empty", ""}};
  auto ds = decide_grub_presets(cur, m);
  EXPECT_EQ(find(ds, "grub-pc/install_devices").step, PresetStep::Leave);
  EXPECT_TRUE(find(ds, "grub-pc/install_devices").warning.empty());
  // Begun and interrupted: finished, although the question exists now.
  EXPECT_EQ(find(ds, "grub-pc/install_devices_empty").step, PresetStep::Finish);
}

TEST(GrubPreset, ManifestKeepsPresetRecords) {
  Manifest m;
  m.debconf_presets.push_back({"grub-pc/install_devices", true});
  m.debconf_presets.push_back({"grub2/linux_cmdline", false});
  auto back = Manifest::parse(m.serialize(), "manifest");
  ASSERT_TRUE(back.ok()) << back.error().describe();
  ASSERT_EQ(back.value().debconf_presets.size(), 2u);
  EXPECT_EQ(back.value().debconf_presets[0].question, "grub-pc/install_devices");
  EXPECT_TRUE(back.value().debconf_presets[0].done);
  EXPECT_FALSE(back.value().debconf_presets[1].done);
  std::string bad = m.serialize() + "debconf-preset grub2/linux_cmdline maybe\n";
  EXPECT_FALSE(Manifest::parse(bad, "manifest").ok());
}

// The shipped files: one template each, named as the question, of the type
// grub-pc 2.06 (bookworm) gives it, so that grub-pc's own template fits the
// question when it replaces sckl's text.
TEST(GrubPresetData, OneTemplateFilePerPresetOfGrubsType) {
  const std::map<std::string, std::string> grub_types = {
      {"grub-pc/install_devices", "multiselect"},
      {"grub-pc/install_devices_empty", "boolean"},
      {"grub2/linux_cmdline", "string"},
      {"grub2/linux_cmdline_default", "string"},
  };
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(SCKL_SOURCE_DIR) / "data/grub-presets";
  size_t files = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    ++files;
    EXPECT_EQ(e.path().extension(), ".templates") << e.path();
  }
  EXPECT_EQ(files, std::size(kGrubPresets));
  for (const auto& p : kGrubPresets) {
    std::string shipped = grub_preset_template_path(p.question);
    ASSERT_TRUE(shipped.starts_with("/usr/share/sckl/grub-presets/")) << shipped;
    std::ifstream in(dir / fs::path(shipped).filename());
    ASSERT_TRUE(in) << shipped << " is not in data/grub-presets";
    std::stringstream text;
    text << in.rdbuf();
    const std::string t = text.str();
    EXPECT_TRUE(t.starts_with(std::string("Template: ") + p.question + "\nType: " + grub_types.at(p.question) + "\n"))
        << t;
    EXPECT_EQ(t.find("\n\n"), std::string::npos) << shipped << ": one template only";
    EXPECT_NE(t.find("\nDescription: "), std::string::npos) << shipped;
  }
}

}  // namespace
}  // namespace sckl
