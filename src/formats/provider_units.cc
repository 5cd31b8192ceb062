#include "formats/provider_units.h"

#include <cctype>
#include <cerrno>
#include <sstream>

#include "base/paths.h"

namespace sckl {
namespace {

bool valid_unit_name(const std::string& u) {
  static const char* kSuffixes[] = {".service", ".socket", ".timer", ".path", ".mount", ".target"};
  if (u.empty() || u.size() > 255 || u[0] == '.' || u[0] == '-') return false;
  for (char c : u)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == '@' ||
          c == ':' || c == '\\'))
      return false;
  for (const char* s : kSuffixes)
    if (u.ends_with(s) && u.size() > std::string(s).size()) return true;
  return false;
}

}  // namespace

Result<std::vector<ProviderUnit>> parse_provider_units(const std::string& text, const std::string& name) {
  std::vector<ProviderUnit> out;
  std::istringstream in(text);
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    auto hash = line.find('#');
    if (hash != std::string::npos) line.resize(hash);
    std::istringstream words(line);
    std::string unit, phase, extra;
    if (!(words >> unit)) continue;
    auto bad = [&](const std::string& why) {
      return Error{name + " line " + std::to_string(lineno) + ": " + why, EINVAL,
                   "this file comes with the sckl package; reinstall it ('apt install --reinstall sckl')"};
    };
    if (!valid_unit_name(unit)) return bad("'" + unit + "' is not a unit name");
    if (!(words >> phase)) return bad("missing phase (provider or target) after " + unit);
    if (words >> extra) return bad("unexpected '" + extra + "'");
    if (phase == "provider") out.push_back({unit, BootPhase::Provider});
    else if (phase == "target") out.push_back({unit, BootPhase::Target});
    else return bad("phase must be 'provider' or 'target', not '" + phase + "'");
  }
  return out;
}

std::string provider_dropin_path(const ProviderUnit& u) {
  return std::string(paths::kSystemdSystemDir) + "/" + u.unit + ".d/50-sckl-phase.conf";
}

std::string provider_dropin_content(const ProviderUnit& u) {
  const bool provider = u.phase == BootPhase::Provider;
  return std::string("# Written by sckl from ") + paths::kProviderUnits +
         "; 'apt purge sckl' removes it.\n"
         "# sckl.boot= is on the command line only of the disk's kernel that sckl switched into:\n# this unit runs " +
         (provider ? "on the provider's kernel only" : "after the switch only") +
         ", so it never runs twice in one power-on.\n"
         "[Unit]\n"
         "ConditionKernelCommandLine=" +
         (provider ? "!" : "") + "sckl.boot\n";
}

}  // namespace sckl
