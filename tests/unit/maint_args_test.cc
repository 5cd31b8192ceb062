#include "install/maint_args.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "install/maint.h"

namespace sckl {
namespace {

Result<MaintCall> parse(MaintScript s, std::vector<std::string> a) { return parse_maint_args(s, a); }

// One row per documented form (maint_args.cc has the table with the man
// pages' wording): the argv dpkg passes, the form it must match, and the
// versions it carries.
struct DocumentedCall {
  MaintScript script;
  std::vector<std::string> argv;
  const char* form;
  const char* old_version;
  const char* new_version;
};

std::ostream& operator<<(std::ostream& os, const DocumentedCall& c) {
  os << script_name(c.script);
  for (const auto& a : c.argv) os << " '" << a << "'";
  return os;
}

using S = MaintScript;
const DocumentedCall kDocumented[] = {
    // deb-preinst(5)
    {S::Preinst, {"install"}, "preinst install", "", ""},
    {S::Preinst, {"install", "0.1", "0.2"}, "preinst install OLD NEW", "0.1", "0.2"},
    {S::Preinst, {"install", "0.1"}, "preinst install OLD NEW", "0.1", ""},  // dpkg < 1.18.5
    {S::Preinst, {"upgrade", "0.1", "0.2"}, "preinst upgrade OLD NEW", "0.1", "0.2"},
    {S::Preinst, {"upgrade", "0.1"}, "preinst upgrade OLD NEW", "0.1", ""},
    {S::Preinst, {"abort-upgrade", "0.2"}, "preinst abort-upgrade NEW", "", "0.2"},
    // deb-postinst(5)
    {S::Postinst, {"configure", "0.1"}, "postinst configure OLD", "0.1", ""},
    {S::Postinst, {"configure", ""}, "postinst configure OLD", "", ""},  // first install
    {S::Postinst, {"configure"}, "postinst configure OLD", "", ""},
    {S::Postinst, {"triggered", "/usr/lib/modules other-trigger"}, "postinst triggered TRIGGERS", "", ""},
    {S::Postinst, {"abort-upgrade", "0.2"}, "postinst abort-upgrade NEW", "", "0.2"},
    {S::Postinst, {"abort-remove"}, "postinst abort-remove", "", ""},
    {S::Postinst, {"abort-deconfigure", "in-favour", "p", "1"}, "postinst abort-deconfigure in-favour PKG VER", "",
     ""},
    {S::Postinst,
     {"abort-deconfigure", "in-favour", "p", "1", "removing", "q", "2"},
     "postinst abort-deconfigure in-favour PKG VER removing PKG VER",
     "",
     ""},
    {S::Postinst, {"abort-remove", "in-favour", "p", "1"}, "postinst abort-remove in-favour PKG VER", "", ""},
    {S::Postinst, {"reconfigure", "0.1"}, "postinst reconfigure OLD", "0.1", ""},  // dpkg-reconfigure
    // deb-postrm(5)
    {S::Postrm, {"remove"}, "postrm remove", "", ""},
    {S::Postrm, {"purge"}, "postrm purge", "", ""},
    {S::Postrm, {"upgrade", "0.2"}, "postrm upgrade NEW", "", "0.2"},
    {S::Postrm, {"failed-upgrade", "0.1", "0.2"}, "postrm failed-upgrade OLD NEW", "0.1", "0.2"},
    {S::Postrm, {"failed-upgrade", "0.1"}, "postrm failed-upgrade OLD NEW", "0.1", ""},
    {S::Postrm, {"disappear", "other", "1.0"}, "postrm disappear PKG VER", "", ""},
    {S::Postrm, {"abort-install"}, "postrm abort-install", "", ""},
    {S::Postrm, {"abort-install", "0.1", "0.2"}, "postrm abort-install OLD NEW", "0.1", "0.2"},
    {S::Postrm, {"abort-install", "0.1"}, "postrm abort-install OLD NEW", "0.1", ""},
    {S::Postrm, {"abort-upgrade", "0.1", "0.2"}, "postrm abort-upgrade OLD NEW", "0.1", "0.2"},
    {S::Postrm, {"abort-upgrade", "0.1"}, "postrm abort-upgrade OLD NEW", "0.1", ""},
};

class MaintArgsDocumented : public ::testing::TestWithParam<DocumentedCall> {};

TEST_P(MaintArgsDocumented, IsAcceptedAsItsForm) {
  const auto& c = GetParam();
  auto r = parse(c.script, c.argv);
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ(r.value().action, c.argv[0]);
  EXPECT_EQ(r.value().form, c.form);
  EXPECT_EQ(r.value().old_version, c.old_version);
  EXPECT_EQ(r.value().new_version, c.new_version);
  EXPECT_TRUE(r.value().extra.empty());
  EXPECT_EQ(r.value().args, std::vector<std::string>(c.argv.begin() + 1, c.argv.end()));
}

// Shell maintainer scripts ignore arguments they do not know; a future dpkg
// appending one to any form must not make ours fail (exit 2 breaks dpkg's
// unwinding, as `postrm abort-upgrade OLD NEW` did).
TEST_P(MaintArgsDocumented, IgnoresExtraTrailingArguments) {
  const auto& c = GetParam();
  auto argv = c.argv;
  // Fill the arguments an older dpkg left out, so that the extras come
  // after the whole form.
  const std::string form = c.form;
  const size_t params = static_cast<size_t>(std::count(form.begin(), form.end(), ' ')) - 1;
  while (argv.size() - 1 < params) argv.push_back("0.2");
  if (form == "preinst install" || form == "postrm abort-install") {
    // These are the longer forms' beginnings: two more arguments are OLD and
    // NEW; extras after those are the longer forms' rows.
    auto longer = parse(c.script, {argv[0], "future-arg", "more"});
    ASSERT_TRUE(longer.ok()) << longer.error().describe();
    EXPECT_EQ(longer.value().form, form + " OLD NEW");
    return;
  }
  argv.push_back("future-arg");
  argv.push_back("x y");
  auto r = parse(c.script, argv);
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ(r.value().form, form);
  EXPECT_EQ(r.value().extra, (std::vector<std::string>{"future-arg", "x y"}));
}

INSTANTIATE_TEST_SUITE_P(EveryForm, MaintArgsDocumented, ::testing::ValuesIn(kDocumented));

TEST(MaintArgs, EveryTableFormIsCoveredByATest) {
  std::set<std::string> forms, covered;
  for (auto s : {S::Preinst, S::Postinst, S::Postrm})
    for (const auto& f : maint_forms(s)) forms.insert(f);
  for (const auto& c : kDocumented) covered.insert(c.form);
  EXPECT_EQ(covered, forms);
  EXPECT_EQ(forms.size(), 20u);  // 4 + 8 + 8 in maint_args.cc's table
}

TEST(MaintArgs, PostrmAbortPathsOfDpkgUnwindingAreAccepted) {
  // What dpkg 1.21 runs when a new preinst fails (issue 16: these exited 2).
  EXPECT_TRUE(parse(S::Postrm, {"abort-upgrade", "0.1.0", "0.2.0"}).ok());
  EXPECT_TRUE(parse(S::Postrm, {"abort-install", "0.1.0", "0.2.0"}).ok());
  EXPECT_EQ(parse(S::Postrm, {"abort-upgrade", "0.1.0", "0.2.0"}).value().old_version, "0.1.0");
}

TEST(MaintArgs, ConfigureCarriesTheOldVersion) {
  auto c = parse(S::Postinst, {"configure", "0.1.0"});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c.value().action, "configure");
  EXPECT_EQ(c.value().old_version, "0.1.0");
  EXPECT_EQ(parse(S::Postinst, {"configure"}).value().old_version, "");
}

TEST(MaintArgs, RejectsUnknownActionNamingIt) {
  auto c = parse(S::Postinst, {"frobnicate"});
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("'frobnicate'"), std::string::npos);
  EXPECT_NE(c.error().hint.find("postinst configure OLD"), std::string::npos);
}

TEST(MaintArgs, RejectsMissingRequiredArguments) {
  EXPECT_FALSE(parse(S::Postinst, {}).ok());
  EXPECT_FALSE(parse(S::Preinst, {"upgrade"}).ok());
  EXPECT_FALSE(parse(S::Postrm, {"abort-upgrade"}).ok());
  EXPECT_FALSE(parse(S::Postrm, {"disappear", "other"}).ok());
  EXPECT_FALSE(parse(S::Postinst, {"abort-deconfigure", "in-favour", "p"}).ok());
  auto c = parse(S::Postinst, {"triggered"});
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("postinst triggered TRIGGERS"), std::string::npos) << c.error().message;
}

// dpkg's keywords are never versions (found by tests/fuzz/maint_args.cc:
// `postinst configure in-favour ...` was taken as an upgrade from "in-favour").
TEST(MaintArgs, RejectsAKeywordWhereAVersionBelongs) {
  auto c = parse(S::Postinst, {"configure", "in-favour", "kexe", "1.2"});
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("'in-favour'"), std::string::npos) << c.error().message;
  EXPECT_FALSE(parse(S::Postrm, {"abort-upgrade", "removing"}).ok());
  EXPECT_FALSE(parse(S::Preinst, {"upgrade", "in-favour"}).ok());
}

TEST(MaintArgs, RejectsActionsOfOtherScripts) {
  EXPECT_FALSE(parse(S::Preinst, {"configure"}).ok());
  EXPECT_FALSE(parse(S::Postinst, {"purge"}).ok());
  EXPECT_FALSE(parse(S::Postrm, {"configure"}).ok());
}

TEST(MaintArgs, RejectsAMisspelledRequiredKeywordNamingIt) {
  auto c = parse(S::Postinst, {"abort-deconfigure", "in-favor", "p", "1"});
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("in-favor"), std::string::npos);
  EXPECT_FALSE(parse(S::Postinst, {"configure", "1.0\n"}).ok());
  EXPECT_FALSE(parse(S::Postrm, {"abort-upgrade", "0.1", "0 2"}).ok());
}

TEST(MaintArgs, AnOptionalGroupThatDoesNotMatchIsExtra) {
  // "removin q 2" is not the removing-group: the shorter form matches and the
  // rest is ignored, as a shell script would.
  auto c = parse(S::Postinst, {"abort-deconfigure", "in-favour", "p", "1", "removin", "q", "2"});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c.value().form, "postinst abort-deconfigure in-favour PKG VER");
  EXPECT_EQ(c.value().extra, (std::vector<std::string>{"removin", "q", "2"}));
  auto r = parse(S::Postinst, {"abort-remove", "in-favour"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().form, "postinst abort-remove");
}

// Only the calls that need debconf connect to it: connecting registers
// sckl's templates, which a postrm abort-install of a refused install must
// not do (maint.h maint_uses_debconf).
TEST(MaintArgs, OnlyPostinstAndPostrmPurgeOrDisappearTalkToDebconf) {
  auto uses = [](MaintScript s, std::vector<std::string> a) {
    auto r = parse(s, a);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() && maint_uses_debconf(r.value());
  };
  EXPECT_TRUE(uses(MaintScript::Postinst, {"configure", ""}));
  EXPECT_TRUE(uses(MaintScript::Postinst, {"configure", "0.1.0"}));
  EXPECT_TRUE(uses(MaintScript::Postrm, {"purge"}));
  EXPECT_TRUE(uses(MaintScript::Postrm, {"disappear", "other", "1.0"}));
  EXPECT_FALSE(uses(MaintScript::Postrm, {"abort-install"}));
  EXPECT_FALSE(uses(MaintScript::Postrm, {"abort-install", "0.1.0"}));
  EXPECT_FALSE(uses(MaintScript::Postrm, {"remove"}));
  EXPECT_FALSE(uses(MaintScript::Postrm, {"abort-upgrade", "0.1.0"}));
  EXPECT_FALSE(uses(MaintScript::Preinst, {"install"}));
}

}  // namespace
}  // namespace sckl
