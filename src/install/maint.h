// What each maintainer script does. Each run_* is a function of the target
// System and the parsed call; maint_main wraps one of them for a hook binary
// (arguments, target root, messages, exit code). They live in separate files
// so that a script's binary links only the code it runs.
#pragma once

#include <string>

#include "base/error.h"
#include "base/system.h"
#include "install/debconf.h"
#include "install/maint_args.h"

namespace sckl {

// debconf is nullptr when the script does not use it or it is not available.
using MaintHandler = Status (*)(System&, Debconf* debconf, const MaintCall&);

Status run_preinst(System& sys, Debconf* debconf, const MaintCall& call);
Status run_postinst(System& sys, Debconf* debconf, const MaintCall& call);
Status run_postrm(System& sys, Debconf* debconf, const MaintCall& call);

// What the admin reads after a failed maintainer script (below the error
// itself), and what to run again once the cause is fixed: both depend on
// where dpkg stands after the failure. A failed preinst install or upgrade
// leaves nothing of the new version unpacked (the old one, if any, stays as
// it was), so the way back is the install itself, not 'dpkg --configure -a'
// (which has nothing of sckl to configure then); every other failure leaves
// sckl unpacked but not configured (or half-removed), which dpkg --configure
// -a or the apt command finishes.
std::string maint_failure_advice(const MaintCall& call);
// The same for a script that could not take the state lock, for after
// "once that process has finished".
std::string maint_retry_advice(const MaintCall& call);

// Whether this call talks to debconf: postinst always (it reads and stores
// the answers), postrm only for purge and disappear (db_purge of sckl's
// questions), as debhelper's postrm snippet does. Connecting re-executes the
// script under debconf's frontend, which registers the package's templates:
// a postrm abort-install of a refused first install (preinst's dracut
// refusal) must not leave sckl's templates in debconf's database. A refused
// install keeps what was already there (an admin's preseeded answers, or
// the answers apt's preconfigure asked for), ready for the next attempt,
// again as debhelper's packages do: only purge removes them.
bool maint_uses_debconf(const MaintCall& call);

// Parses argv for `script`, connects to debconf when maint_uses_debconf
// (see connect_debconf), takes the state lock (state_lock.h), runs
// `handler` on the real system below $DPKG_ROOT,
// reports an error naming what failed; returns the exit code (0 ok, 1
// failed so that dpkg can run the script again, 2 wrong usage). A throw is
// caught (main_guard.h): a message and exit 1. `system` is for tests: with
// it, no debconf and that system instead of the one below $DPKG_ROOT.
// `devices`: RealSystem's device queries, for the scripts that probe devices
// (postinst); nullptr keeps libblkid and libudev out (preinst, postrm).
int maint_main(MaintScript script, int argc, char** argv, MaintHandler handler, System* system = nullptr,
               const DeviceQueries* devices = nullptr);

}  // namespace sckl
