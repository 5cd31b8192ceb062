#pragma once

#include <string>

#include "base/error.h"
#include "base/system.h"

namespace sckl {

// Marks this boot as one in which the early switch must not run
// (/run/sckl/switch-ran): set by the switch itself, and by preinst and
// postinst on a running system, so that a daemon-reload during an apt run
// never kexecs a running server. /run is empty again on the next boot.
Status mark_switch_done_for_this_boot(System& sys, const std::string& why);

// The same, only when `sys` is a system booted with systemd (its /run is
// this boot's); otherwise nothing.
Status mark_switch_done_if_booted(System& sys, const std::string& why);

}  // namespace sckl
