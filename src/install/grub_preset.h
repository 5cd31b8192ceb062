// grub-pc's debconf answers, given before grub-pc is ever installed, so that
// a grub-pc that arrives anyway (`dpkg -i`, which neither the APT pin nor the
// Pre-Install-Pkgs hook sees, or apt with Sckl::Allow-Grub=true) writes
// itself to no disk and asks nothing.
//
// Why these questions (grub-pc 2.06-13 in bookworm, its config and postinst):
// grub-pc's postinst runs grub-install for each device in
// grub-pc/install_devices, and asks for them whenever a core.img from an
// earlier grub is left in /boot/grub (an image that once had grub). An empty
// answer leads to grub-pc/install_devices_empty ("continue without
// installing GRUB?"): false (its default) makes a non-interactive configure
// fail and an interactive one ask again. Its config script asks the kernel
// command lines (grub2/linux_cmdline at high or medium priority,
// grub2/linux_cmdline_default at medium); grub never boots this server, so
// grub's own defaults are given and marked as seen.
//
// A question of a package that is not installed does not exist yet: sckl
// creates it from a one-template file it ships (X_LOADTEMPLATEFILE), owned by
// sckl, as debconf-set-selections creates preseeded questions; grub-pc's own
// templates replace that text when it is installed. A question that exists
// already holds an earlier answer (the admin's, or a grub-pc that was
// installed once) and is left as it is.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/system.h"
#include "install/debconf.h"
#include "install/manifest.h"

namespace sckl {

struct GrubPreset {
  const char* question;
  const char* value;
};

inline constexpr GrubPreset kGrubPresets[] = {
    {"grub-pc/install_devices", ""},
    {"grub-pc/install_devices_empty", "true"},
    {"grub2/linux_cmdline", ""},
    {"grub2/linux_cmdline_default", "quiet"},
};

// The one-template file sckl ships for the question.
std::string grub_preset_template_path(const std::string& question);

enum class PresetStep {
  Create,  // the question does not exist: sckl creates it with its answer
  Finish,  // sckl began creating it (recorded as pending): finish the answer
  Leave,   // an earlier answer, or sckl's own answer given before: kept
};

struct PresetDecision {
  const GrubPreset* preset = nullptr;
  PresetStep step = PresetStep::Leave;
  std::string warning;  // said when an answer that is kept lets grub-pc write to a disk
};

// What to do for each of kGrubPresets. `current` holds each question's value
// (nullopt: it does not exist); `manifest` says which ones sckl created.
std::vector<PresetDecision> decide_grub_presets(const std::map<std::string, std::optional<std::string>>& current,
                                                const Manifest& manifest);

// postinst configure: reads the questions, decides, and gives the answers,
// each recorded in the manifest (pending, then done) around the change.
Status preset_grub_questions(System& sys, Debconf& debconf);

// purge: unregisters every question sckl created. One that grub-pc owns as
// well stays with the answer grub-pc was configured with.
Status remove_grub_presets(Debconf& debconf, const Manifest& manifest);

}  // namespace sckl
