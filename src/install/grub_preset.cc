#include "install/grub_preset.h"

#include "base/log.h"
#include "base/paths.h"

namespace sckl {

std::string grub_preset_template_path(const std::string& question) {
  std::string name = question;
  for (char& c : name)
    if (c == '/') c = '_';
  return std::string(paths::kGrubPresetTemplatesDir) + "/" + name + ".templates";
}

std::vector<PresetDecision> decide_grub_presets(const std::map<std::string, std::optional<std::string>>& current,
                                                const Manifest& manifest) {
  std::vector<PresetDecision> out;
  for (const auto& p : kGrubPresets) {
    PresetDecision d;
    d.preset = &p;
    auto it = current.find(p.question);
    bool exists = it != current.end() && it->second.has_value();
    if (const DebconfPreset* rec = manifest.find_debconf_preset(p.question)) {
      // sckl's own question: an answer changed after sckl gave it is the admin's.
      d.step = rec->done ? PresetStep::Leave : PresetStep::Finish;
    } else if (!exists) {
      d.step = PresetStep::Create;
    } else {
      d.step = PresetStep::Leave;
      if (std::string(p.question) == "grub-pc/install_devices" && !it->second->empty())
        d.warning = "debconf question grub-pc/install_devices holds an earlier answer ('" + *it->second +
                    "'): a grub-pc installed later writes itself there; to keep grub off every disk run "
                    "\"echo 'grub-pc grub-pc/install_devices multiselect' | debconf-set-selections\"";
    }
    out.push_back(std::move(d));
  }
  return out;
}

Status preset_grub_questions(System& sys, Debconf& debconf) {
  std::map<std::string, std::optional<std::string>> current;
  for (const auto& p : kGrubPresets) {
    auto value = debconf.get(p.question);
    if (!value.ok()) return value.error();
    current[p.question] = value.value();
  }
  auto manifest = load_manifest(sys);
  if (!manifest.ok()) return manifest.error();
  ChangeSet changes(sys, manifest.value());
  for (const auto& d : decide_grub_presets(current, manifest.value())) {
    if (!d.warning.empty()) log_warning(d.warning);
    if (d.step == PresetStep::Leave) continue;
    const std::string question = d.preset->question;
    // Recorded first: a purge after a crash at any later point finds it.
    SCKL_TRY(changes.record_debconf_preset(question, false));
    if (!current[question]) {
      Status loaded = debconf.load_templates(grub_preset_template_path(question));
      if (!loaded.ok())
        return loaded.error().with_hint("the file comes with the sckl package; reinstall it ('apt install --reinstall sckl')");
    }
    SCKL_TRY(debconf.set(question, d.preset->value));
    SCKL_TRY(debconf.fset(question, "seen", "true"));
    SCKL_TRY(changes.record_debconf_preset(question, true));
    log_info("preset debconf question " + question + " = '" + d.preset->value +
             "': a grub-pc installed anyway writes itself to no disk and asks nothing (see sckl(8))");
  }
  return {};
}

Status remove_grub_presets(Debconf& debconf, const Manifest& manifest) {
  for (const auto& p : manifest.debconf_presets) {
    SCKL_TRY(debconf.unregister(p.question));
    log_info("removed sckl's preset of debconf question " + p.question);
  }
  return {};
}

}  // namespace sckl
