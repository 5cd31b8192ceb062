#pragma once

#include "base/error.h"
#include "base/system.h"
#include "install/debconf.h"

namespace sckl {

// `apt purge sckl`: sckl's own configuration (/etc/sckl) goes; every other
// change recorded in the manifest is undone (restore_files, manifest.h); the
// state directory goes last. Other packages' debconf answers that sckl
// changed get their old values back, the grub questions sckl created are
// unregistered (grub_preset.h) and sckl's own questions are purged (when
// debconf is connected). Safe to run again after a failure.
Status purge_sckl(System& sys, Debconf* debconf = nullptr);

// `apt remove sckl`: what must not outlive sckl's programs goes (the apt
// hook configuration and the grub pin, an admin's edit of them moved to
// disabled_apt_copy); the rest stays as configuration.
Status remove_sckl(System& sys);

// Where remove keeps an admin's edit of one of sckl's apt files: PATH.disabled.
std::string disabled_apt_copy(const std::string& path);

}  // namespace sckl
