// The two apt files that keep grub off the disk (see grub_guard.h). They are
// written by postinst rather than shipped: Debian does not let a package ship
// an APT pin (lintian: package-installs-apt-preferences), and the hook's
// configuration must leave together with the hook program on remove, or apt
// would fail running a program that is gone.
#pragma once

#include <string>
#include <vector>

namespace sckl {

// The bootloader packages sckl keeps out (also used by the hook).
const std::vector<std::string>& bootloader_packages();

std::string apt_pin_text();
std::string apt_hook_config_text();
// The shell command apt runs as sckl's JSON hook (apt_hook_config_text).
std::string json_hook_command();

}  // namespace sckl
