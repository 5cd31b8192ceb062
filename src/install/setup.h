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

#include "base/error.h"
#include "base/system.h"
#include "formats/config.h"
#include "install/debconf.h"
#include "install/install_site.h"
#include "install/manifest.h"

namespace sckl {

struct PlannedFile {
  std::string path;
  std::string content;
  mode_t mode = 0644;
  // sckl.conf: created (and recorded) when missing; once it exists it is the
  // admin's file, edited in place only when debconf answers changed a value.
  bool admin_file = false;
  std::string done_message;      // logged when the file is written
};

struct Plan {
  std::vector<PlannedFile> files;
  bool first_boot_pending = false;  // leave the marker for sckl-setup.service
  // First boot of an image: leave initrds that need rebuilding (NIC .link
  // files changed) to sckl-setup-initrd.service, and the first-boot marker
  // (no switch) in place until it has done so. sckl-setup.service runs
  // before the network; a rebuild takes minutes and need not hold it up.
  bool defer_initramfs = false;
};

// Everything postinst configure does on this target, with `config` as
// sckl.conf is to be after this run (the file, or its default, with the
// debconf answers merged in).
Result<Plan> plan_configure(System& sys, InstallSite site, const ConfigFile& config);
// The machine-specific part: root fs entry in /etc/fstab, NIC name links.
Result<Plan> plan_machine_setup(System& sys);

// Applies a plan (creating parent directories, recording every change) and
// sets or clears the first-boot marker.
Status apply_plan(System& sys, const Plan& plan);

// postinst configure: with debconf connected, sckl's answers are checked
// (bad ones re-asked or refused before anything changes) and merged into
// sckl.conf; then plan_configure + apply_plan, kexec-tools' debconf answer,
// and on a running server a re-arm when a choice changed.
Status configure_sckl(System& sys, InstallSite site, Debconf* debconf = nullptr);

// Sets kexec-tools/load_kexec to false, recording the old value first.
Status hold_kexec_tools_question(System& sys, Debconf& debconf);
// `sckl setup` (by hand): plan_machine_setup + apply_plan, initrds included.
Status setup_machine(System& sys);
// `sckl setup --first-boot` (sckl-setup.service): the same, but a needed
// initrd rebuild is left to finish_first_boot and the first-boot marker
// stays until then (no switch into an initrd that names NICs otherwise).
Status setup_first_boot(System& sys);
// `sckl setup --initrds` (sckl-setup-initrd.service): rebuilds the initrds
// when marked stale, then clears the first-boot marker.
Status finish_first_boot(System& sys);

}  // namespace sckl
