// What each maintainer script does. Each run_* is a function of the target
// System and the parsed call; maint_main wraps one of them for a hook binary
// (arguments, target root, messages, exit code). They live in separate files
// so that a script's binary links only the code it runs.
#pragma once

#include "debconf.h"
#include "error.h"
#include "maint_args.h"
#include "system.h"

namespace sckl {

// debconf is nullptr when the script does not use it or it is not available.
using MaintHandler = Status (*)(System&, Debconf* debconf, const MaintCall&);

Status run_preinst(System& sys, Debconf* debconf, const MaintCall& call);
Status run_postinst(System& sys, Debconf* debconf, const MaintCall& call);
Status run_prerm(System& sys, Debconf* debconf, const MaintCall& call);
Status run_postrm(System& sys, Debconf* debconf, const MaintCall& call);

// Parses argv for `script`, connects to debconf for postinst and postrm
// (see connect_debconf), takes the state lock (state_lock.h), runs
// `handler` on the real system below $DPKG_ROOT,
// reports an error naming what failed; returns the exit code (0 ok, 1
// failed so that dpkg can run the script again, 2 wrong usage). A throw is
// caught (main_guard.h): a message and exit 1. `system` is for tests: with
// it, no debconf and that system instead of the one below $DPKG_ROOT.
int maint_main(MaintScript script, int argc, char** argv, MaintHandler handler, System* system = nullptr);

}  // namespace sckl
