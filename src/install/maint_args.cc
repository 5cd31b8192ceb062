#include "install/maint_args.h"

#include <algorithm>
#include <cerrno>
#include <string_view>

namespace sckl {

const char* script_name(MaintScript s) {
  switch (s) {
    case MaintScript::Preinst: return "preinst";
    case MaintScript::Postinst: return "postinst";
    case MaintScript::Postrm: return "postrm";
  }
  return "?";
}

namespace {

// One documented call form. `params` are the arguments after the action:
// OLD and NEW are versions of this package, PKG VER another package and its
// version, TRIGGERS the space-separated trigger names (one argument), and
// lower-case words are literal keywords. The first `required` must be
// present; the rest are arguments that older dpkg versions left out.
struct Form {
  MaintScript script;
  const char* action;
  const char* params;
  size_t required;
};

using S = MaintScript;

// Every form of deb-preinst(5), deb-postinst(5) and deb-postrm(5) (sckl has
// no prerm: maint_args.h), dpkg 1.21.23 (bookworm) and 1.22 (trixie, same forms), in
// their order, plus debconf's `postinst reconfigure` (dpkg-reconfigure):
//
//   script    action             arguments                          dpkg calls it
//   preinst   install                                               (new) before a first install
//   preinst   install            OLD NEW                            (new) before a removed package is installed again
//   preinst   upgrade            OLD NEW                            (new) before an upgrade
//   preinst   abort-upgrade      NEW                                (old) postrm failed during an upgrade
//   postinst  configure          OLD ('' on a first install)        after unpack, and by dpkg --configure
//   postinst  triggered          TRIGGERS                           a trigger of ours fired
//   postinst  abort-upgrade      NEW                                (old) prerm failed during an upgrade
//   postinst  abort-remove                                          prerm failed during remove
//   postinst  abort-deconfigure  in-favour PKG VER                  prerm failed during deconfigure
//   postinst  abort-deconfigure  in-favour PKG VER removing PKG VER  (same, while PKG is removed)
//   postinst  abort-remove       in-favour PKG VER                  prerm failed during remove in favour of PKG
//   postinst  reconfigure        OLD                                dpkg-reconfigure (debconf, not dpkg)
//   postrm    remove                                                after removal
//   postrm    purge                                                 after purge
//   postrm    upgrade            NEW                                (old) after an upgrade
//   postrm    failed-upgrade     OLD NEW                            (new) the old postrm upgrade failed
//   postrm    disappear          PKG VER                            every file of ours was taken over by PKG
//   postrm    abort-install                                         (new) preinst install failed
//   postrm    abort-install      OLD NEW                            (new) preinst failed reinstalling a removed package
//   postrm    abort-upgrade      OLD NEW                            (new) preinst upgrade failed
//
// NEW is passed only since dpkg 1.18.5, hence `required` 1 in those forms.
// Arguments after a form's last one are ignored (MaintCall::extra).
constexpr Form kForms[] = {
    {S::Preinst, "install", "", 0},
    {S::Preinst, "install", "OLD NEW", 1},
    {S::Preinst, "upgrade", "OLD NEW", 1},
    {S::Preinst, "abort-upgrade", "NEW", 1},
    {S::Postinst, "configure", "OLD", 0},
    {S::Postinst, "triggered", "TRIGGERS", 1},
    {S::Postinst, "abort-upgrade", "NEW", 1},
    {S::Postinst, "abort-remove", "", 0},
    {S::Postinst, "abort-deconfigure", "in-favour PKG VER", 3},
    {S::Postinst, "abort-deconfigure", "in-favour PKG VER removing PKG VER", 6},
    {S::Postinst, "abort-remove", "in-favour PKG VER", 3},
    {S::Postinst, "reconfigure", "OLD", 0},
    {S::Postrm, "remove", "", 0},
    {S::Postrm, "purge", "", 0},
    {S::Postrm, "upgrade", "NEW", 1},
    {S::Postrm, "failed-upgrade", "OLD NEW", 1},
    {S::Postrm, "disappear", "PKG VER", 2},
    {S::Postrm, "abort-install", "", 0},
    {S::Postrm, "abort-install", "OLD NEW", 1},
    {S::Postrm, "abort-upgrade", "OLD NEW", 1},
};

std::vector<std::string> words(std::string_view s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    size_t j = s.find(' ', i);
    if (j == std::string_view::npos) j = s.size();
    if (j > i) out.emplace_back(s.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

bool is_keyword(const std::string& p) { return !p.empty() && p[0] >= 'a' && p[0] <= 'z'; }

// A word that dpkg passes as a keyword in some form (in-favour, removing):
// never a version, so a call that puts one where a version belongs is one
// dpkg does not make (found by tests/fuzz/maint_args.cc).
bool is_form_keyword(const std::string& a) {
  for (const auto& f : kForms)
    for (const auto& w : words(f.params))
      if (is_keyword(w) && w == a) return true;
  return false;
}

std::string form_text(const Form& f) {
  std::string out = std::string(script_name(f.script)) + " " + f.action;
  if (*f.params) out += std::string(" ") + f.params;
  return out;
}

std::string list_forms(MaintScript s, const std::string& action) {
  std::string out;
  for (const auto& f : kForms)
    if (f.script == s && (action.empty() || action == f.action)) out += (out.empty() ? "" : "; ") + form_text(f);
  return out;
}

// How many arguments `f` binds for `given` (the arguments after the action),
// or -1 when it does not fit: too few, or a keyword that is not there.
long bound_by(const Form& f, const std::vector<std::string>& params, const std::vector<std::string>& given) {
  if (given.size() < f.required) return -1;
  const size_t k = std::min(given.size(), params.size());
  for (size_t i = 0; i < k; ++i)
    if (is_keyword(params[i]) && given[i] != params[i]) {
      // An optional keyword that is not there leaves the rest as extras.
      if (i >= f.required) return static_cast<long>(i);
      return -1;
    }
  return static_cast<long>(k);
}

}  // namespace

std::vector<std::string> maint_forms(MaintScript s) {
  std::vector<std::string> out;
  for (const auto& f : kForms)
    if (f.script == s) out.push_back(form_text(f));
  return out;
}

Result<MaintCall> parse_maint_args(MaintScript script, const std::vector<std::string>& args) {
  const std::string name = script_name(script);
  const std::string hint = "sckl's " + name + " is run by dpkg, as one of: " + list_forms(script, "");
  if (args.empty()) return Error{name + ": no action given", EINVAL, hint};
  const std::vector<std::string> given(args.begin() + 1, args.end());
  const Form* best = nullptr;
  long best_bound = -1;
  bool action_known = false;
  for (const auto& f : kForms) {
    if (f.script != script || args[0] != f.action) continue;
    action_known = true;
    const long b = bound_by(f, words(f.params), given);
    if (b > best_bound) best = &f, best_bound = b;
  }
  if (!action_known) return Error{name + ": unknown action '" + args[0] + "'", EINVAL, hint};
  if (!best) {
    std::string got;
    for (const auto& a : given) got += " '" + a + "'";
    return Error{name + " " + args[0] + ": the arguments" + (got.empty() ? " (none)" : got) +
                     " fit no form dpkg uses: " + list_forms(script, args[0]),
                 EINVAL, hint};
  }
  MaintCall call{script, args[0], given, form_text(*best), {}, {}, {}};
  const auto params = words(best->params);
  const size_t bound = static_cast<size_t>(best_bound);
  for (size_t i = 0; i < bound; ++i) {
    const std::string& p = params[i];
    const std::string& a = given[i];
    if (p == "TRIGGERS" || is_keyword(p)) continue;  // trigger names are space-separated by design
    if (a.find_first_of(" \t\n") != std::string::npos || ((p == "OLD" || p == "NEW") && is_form_keyword(a)))
      return Error{name + ": malformed " + p + " argument '" + a + "' to '" + call.action + "'", EINVAL, hint};
    if (p == "OLD") call.old_version = a;
    if (p == "NEW") call.new_version = a;
  }
  call.extra.assign(given.begin() + static_cast<long>(bound), given.end());
  return call;
}

}  // namespace sckl
