#include "maint_args.h"

#include <cerrno>

namespace sckl {

const char* script_name(MaintScript s) {
  switch (s) {
    case MaintScript::Preinst: return "preinst";
    case MaintScript::Postinst: return "postinst";
    case MaintScript::Prerm: return "prerm";
    case MaintScript::Postrm: return "postrm";
  }
  return "?";
}

namespace {

struct Form {
  const char* action;
  size_t min_args;  // after the action
  size_t max_args;
};

// Policy 6.5 (and dpkg's newer extra arguments, e.g. the new version after
// failed-upgrade, or "in-favour PKG VER [removing PKG VER]").
constexpr Form kPreinst[] = {{"install", 0, 2}, {"upgrade", 1, 2}, {"abort-upgrade", 1, 1}};
constexpr Form kPostinst[] = {{"configure", 0, 1},      {"abort-upgrade", 1, 1},   {"abort-remove", 0, 3},
                              {"abort-deconfigure", 3, 6}, {"triggered", 1, 1},      {"reconfigure", 0, 1}};
constexpr Form kPrerm[] = {{"remove", 0, 3}, {"upgrade", 1, 1}, {"failed-upgrade", 1, 2}, {"deconfigure", 3, 6}};
constexpr Form kPostrm[] = {{"remove", 0, 0},       {"purge", 0, 0},         {"upgrade", 1, 1},
                            {"disappear", 2, 2},    {"failed-upgrade", 1, 2}, {"abort-install", 0, 1},
                            {"abort-upgrade", 1, 1}};

template <size_t N>
const Form* find(const Form (&forms)[N], const std::string& action) {
  for (const auto& f : forms)
    if (action == f.action) return &f;
  return nullptr;
}

std::string list_actions(MaintScript s) {
  std::string out;
  auto add = [&](const auto& forms) {
    for (const auto& f : forms) out += (out.empty() ? "" : ", ") + std::string(f.action);
  };
  switch (s) {
    case MaintScript::Preinst: add(kPreinst); break;
    case MaintScript::Postinst: add(kPostinst); break;
    case MaintScript::Prerm: add(kPrerm); break;
    case MaintScript::Postrm: add(kPostrm); break;
  }
  return out;
}

}  // namespace

Result<MaintCall> parse_maint_args(MaintScript script, const std::vector<std::string>& args) {
  const std::string name = script_name(script);
  const std::string hint = "sckl's " + name + " is run by dpkg; it accepts: " + list_actions(script);
  if (args.empty()) return Error{name + ": no action given", EINVAL, hint};
  const Form* form = nullptr;
  switch (script) {
    case MaintScript::Preinst: form = find(kPreinst, args[0]); break;
    case MaintScript::Postinst: form = find(kPostinst, args[0]); break;
    case MaintScript::Prerm: form = find(kPrerm, args[0]); break;
    case MaintScript::Postrm: form = find(kPostrm, args[0]); break;
  }
  if (!form) return Error{name + ": unknown action '" + args[0] + "'", EINVAL, hint};
  const size_t n = args.size() - 1;
  if (n < form->min_args || n > form->max_args)
    return Error{name + ": '" + args[0] + "' takes " + std::to_string(form->min_args) +
                     (form->max_args != form->min_args ? " to " + std::to_string(form->max_args) : "") +
                     " arguments, got " + std::to_string(n),
                 EINVAL, hint};
  MaintCall call{script, args[0], {args.begin() + 1, args.end()}, {}};
  // dpkg passes an empty old version on a first install ("configure ''").
  for (const auto& a : call.args) {
    if (a.find_first_of(" \t\n") != std::string::npos)
      return Error{name + ": malformed argument '" + a + "' to '" + args[0] + "'", EINVAL, hint};
  }
  // "in-favour"/"removing" are keywords in the deconfigure forms.
  if (call.action == "abort-deconfigure" || call.action == "deconfigure" ||
      (call.action == "abort-remove" && n > 0) || (call.action == "remove" && n > 0)) {
    const char* kw = (call.action == "abort-deconfigure" || call.action == "deconfigure" ||
                      call.action == "remove" || call.action == "abort-remove")
                         ? "in-favour"
                         : nullptr;
    if (kw && call.args[0] != kw)
      return Error{name + ": expected 'in-favour' after '" + call.action + "', got '" + call.args[0] + "'", EINVAL,
                   hint};
    if (n != 3 && n != 6)
      return Error{name + ": '" + call.action + " in-favour' takes PACKAGE VERSION [removing PACKAGE VERSION]",
                   EINVAL, hint};
    if (n == 6 && call.args[3] != "removing")
      return Error{name + ": expected 'removing', got '" + call.args[3] + "'", EINVAL, hint};
  }
  if (!call.args.empty() && call.action != "disappear" && call.action != "triggered" &&
      call.args[0] != "in-favour")
    call.version = call.args[0];
  return call;
}

}  // namespace sckl
