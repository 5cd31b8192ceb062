// Is sckl being installed on the running server it will manage, or into an
// image (a chroot, dpkg --root/DPKG_ROOT, an image builder)? In an image no
// fact of the build host (its root UUID, its NICs) may be written: the
// machine-specific setup waits for the image's first boot.
#pragma once

#include "base/error.h"
#include "base/system.h"

namespace sckl {

enum class InstallSite { RunningServer, Image };

struct InstallFacts {
  bool foreign_root = false;    // DPKG_ROOT (or --root) names another tree
  bool in_chroot = false;       // ischroot says so (or cannot tell)
  bool systemd_booted = false;  // /run/systemd/system exists
};

// RunningServer only when every fact says so; when in doubt, defer to the
// first boot (which is safe: it runs before any switch).
InstallSite decide_install_site(const InstallFacts& facts);
const char* install_site_name(InstallSite t);

Result<InstallFacts> gather_install_facts(System& sys);

}  // namespace sckl
