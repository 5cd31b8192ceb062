#include "maint_args.h"

#include <gtest/gtest.h>

namespace sckl {
namespace {

Result<MaintCall> parse(MaintScript s, std::vector<std::string> a) { return parse_maint_args(s, a); }

TEST(MaintArgs, AcceptsEveryFormDpkgUses) {
  EXPECT_TRUE(parse(MaintScript::Preinst, {"install"}).ok());
  EXPECT_TRUE(parse(MaintScript::Preinst, {"install", "0.1"}).ok());
  EXPECT_TRUE(parse(MaintScript::Preinst, {"upgrade", "0.1"}).ok());
  EXPECT_TRUE(parse(MaintScript::Preinst, {"abort-upgrade", "0.2"}).ok());
  EXPECT_TRUE(parse(MaintScript::Postinst, {"configure"}).ok());
  EXPECT_TRUE(parse(MaintScript::Postinst, {"configure", "0.1"}).ok());
  EXPECT_TRUE(parse(MaintScript::Postinst, {"abort-upgrade", "0.2"}).ok());
  EXPECT_TRUE(parse(MaintScript::Postinst, {"abort-remove"}).ok());
  EXPECT_TRUE(parse(MaintScript::Postinst, {"abort-remove", "in-favour", "other", "1.0"}).ok());
  EXPECT_TRUE(parse(MaintScript::Postinst, {"abort-deconfigure", "in-favour", "p", "1", "removing", "q", "2"}).ok());
  EXPECT_TRUE(parse(MaintScript::Postinst, {"triggered", "/usr/lib/modules"}).ok());
  EXPECT_TRUE(parse(MaintScript::Prerm, {"remove"}).ok());
  EXPECT_TRUE(parse(MaintScript::Prerm, {"upgrade", "0.2"}).ok());
  EXPECT_TRUE(parse(MaintScript::Prerm, {"failed-upgrade", "0.1"}).ok());
  EXPECT_TRUE(parse(MaintScript::Prerm, {"deconfigure", "in-favour", "p", "1"}).ok());
  EXPECT_TRUE(parse(MaintScript::Postrm, {"remove"}).ok());
  EXPECT_TRUE(parse(MaintScript::Postrm, {"purge"}).ok());
  EXPECT_TRUE(parse(MaintScript::Postrm, {"upgrade", "0.2"}).ok());
  EXPECT_TRUE(parse(MaintScript::Postrm, {"disappear", "other", "1.0"}).ok());
  EXPECT_TRUE(parse(MaintScript::Postrm, {"failed-upgrade", "0.1", "0.2"}).ok());
  EXPECT_TRUE(parse(MaintScript::Postrm, {"abort-install"}).ok());
  EXPECT_TRUE(parse(MaintScript::Postrm, {"abort-upgrade", "0.1"}).ok());
}

TEST(MaintArgs, ConfigureCarriesTheOldVersion) {
  auto c = parse(MaintScript::Postinst, {"configure", "0.1.0"});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c.value().action, "configure");
  EXPECT_EQ(c.value().version, "0.1.0");
  EXPECT_EQ(parse(MaintScript::Postinst, {"configure"}).value().version, "");
}

TEST(MaintArgs, RejectsUnknownActionNamingIt) {
  auto c = parse(MaintScript::Postinst, {"frobnicate"});
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("'frobnicate'"), std::string::npos);
  EXPECT_NE(c.error().hint.find("configure"), std::string::npos);
}

TEST(MaintArgs, RejectsWrongArity) {
  EXPECT_FALSE(parse(MaintScript::Postinst, {}).ok());
  EXPECT_FALSE(parse(MaintScript::Postrm, {"purge", "extra"}).ok());
  EXPECT_FALSE(parse(MaintScript::Preinst, {"upgrade"}).ok());
  EXPECT_FALSE(parse(MaintScript::Postinst, {"configure", "1", "2"}).ok());
  EXPECT_FALSE(parse(MaintScript::Prerm, {"remove", "in-favour"}).ok());
}

TEST(MaintArgs, RejectsActionsOfOtherScripts) {
  EXPECT_FALSE(parse(MaintScript::Preinst, {"configure"}).ok());
  EXPECT_FALSE(parse(MaintScript::Prerm, {"purge"}).ok());
  EXPECT_FALSE(parse(MaintScript::Postrm, {"configure"}).ok());
}

TEST(MaintArgs, RejectsMisspelledKeywordsAndOddArguments) {
  auto c = parse(MaintScript::Prerm, {"deconfigure", "in-favor", "p", "1"});
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("in-favor"), std::string::npos);
  EXPECT_FALSE(parse(MaintScript::Postinst, {"abort-deconfigure", "in-favour", "p", "1", "removin", "q", "2"}).ok());
  EXPECT_TRUE(parse(MaintScript::Postinst, {"configure", ""}).ok());  // first install
  EXPECT_EQ(parse(MaintScript::Postinst, {"configure", ""}).value().version, "");
  EXPECT_FALSE(parse(MaintScript::Postinst, {"configure", "1.0\n"}).ok());
}

}  // namespace
}  // namespace sckl
