// The maintainer-script contract of Debian Policy ch. 6: which arguments dpkg
// passes to each script. Parsing is a plain function of argv so that every
// accepted and rejected form is unit-tested.
#pragma once

#include <string>
#include <vector>

#include "error.h"

namespace sckl {

enum class MaintScript { Preinst, Postinst, Prerm, Postrm };

struct MaintCall {
  MaintScript script;
  std::string action;             // "configure", "purge", ...
  std::vector<std::string> args;  // the arguments after the action
  // The version named by the call where there is one (old version for
  // configure/upgrade from the old side, new version otherwise); may be empty.
  std::string version;
};

const char* script_name(MaintScript s);

// Validates argv[1..] for the script. Errors name the offending argument.
Result<MaintCall> parse_maint_args(MaintScript script, const std::vector<std::string>& args);

}  // namespace sckl
