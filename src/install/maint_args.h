// The maintainer-script contract: which arguments dpkg passes to each script
// (deb-preinst(5), deb-postinst(5), deb-postrm(5) of dpkg 1.21
// and 1.22, Debian Policy ch. 6). Parsing is a plain function of argv so that
// every documented form is unit-tested; the table of forms is in
// maint_args.cc.
#pragma once

#include <string>
#include <vector>

#include "base/error.h"

namespace sckl {

// sckl ships no prerm: nothing of it needs undoing before its files go (the
// generator, the units and the hooks leave with the package; the changes to
// the system stay until purge, as configuration does), and a prerm that did
// nothing was one more binary to keep.
enum class MaintScript { Preinst, Postinst, Postrm };

struct MaintCall {
  MaintScript script;
  std::string action;             // "configure", "purge", ...
  std::vector<std::string> args;  // every argument after the action, extras included
  // The documented form this call matched, e.g. "postrm abort-upgrade OLD NEW".
  std::string form;
  std::string old_version;  // OLD of the form; "" when the form has none or dpkg passed ""
  std::string new_version;  // NEW of the form; "" when the form has none or an old dpkg left it out
  // Arguments after the matched form's last one. dpkg has grown forms at the
  // end before (1.18.5 appended NEW to several); shell maintainer scripts
  // ignore such arguments, and so do ours (they are only logged).
  std::vector<std::string> extra;
};

const char* script_name(MaintScript s);

// Every documented form of the script, e.g. "postrm abort-upgrade OLD NEW".
std::vector<std::string> maint_forms(MaintScript s);

// Validates argv[1..] for the script against the documented forms. Fails
// (naming the offending argument) on a missing action, an action the script
// does not have, too few arguments for every form of the action, or a
// version/package argument with whitespace in it. Never fails on arguments
// beyond a form's last one.
Result<MaintCall> parse_maint_args(MaintScript script, const std::vector<std::string>& args);

}  // namespace sckl
