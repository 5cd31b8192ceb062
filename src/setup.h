// What `postinst configure` sets up, and the machine-specific part that a
// running server gets at once and an image gets on its first boot.
//
// Two phases: plan_* only read (the target, the config, the shipped data)
// and decide every file's new content, so that bad input (a malformed fstab
// line, a damaged config) stops the run before anything is changed; then
// apply_plan makes the changes through one ChangeSet, each recorded in the
// manifest before it is made. Running it again changes nothing.
#pragma once

#include <string>
#include <vector>

#include "debconf.h"
#include "error.h"
#include "install_target.h"
#include "manifest.h"
#include "system.h"

namespace sckl {

struct PlannedFile {
  std::string path;
  std::string content;
  mode_t mode = 0644;
  bool only_if_missing = false;  // the admin's file once it exists (sckl.conf)
  std::string done_message;      // logged when the file is written
};

struct Plan {
  std::vector<PlannedFile> files;
  bool first_boot_pending = false;  // leave the marker for sckl-setup.service
};

// Everything postinst configure does on this target.
Result<Plan> plan_configure(System& sys, InstallTarget target);
// The machine-specific part: root fs entry in /etc/fstab, NIC name links.
Result<Plan> plan_machine_setup(System& sys);

// Applies a plan (creating parent directories, recording every change) and
// sets or clears the first-boot marker.
Status apply_plan(System& sys, const Plan& plan);

// postinst configure: plan_configure + apply_plan, then kexec-tools' debconf
// answer (when debconf is connected; the file is what persists).
Status configure_sckl(System& sys, InstallTarget target, Debconf* debconf = nullptr);

// Sets kexec-tools/load_kexec to false, recording the old value first.
Status hold_kexec_tools_question(System& sys, Debconf& debconf);
// `sckl setup` (first boot of an image): plan_machine_setup + apply_plan.
Status setup_machine(System& sys);

}  // namespace sckl
