#include "formats/config.h"

#include <gtest/gtest.h>

namespace sckl {
namespace {

TEST(ConfigFile, DefaultTextParsesWithEveryKey) {
  auto c = ConfigFile::parse(ConfigFile::default_text(), "sckl.conf");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c.value().get(kKeyAutostart), "yes");
  EXPECT_EQ(c.value().get(kKeyTargetKernel), "newest");
  EXPECT_EQ(c.value().get(kKeyExtraCmdline), "");
  EXPECT_EQ(c.value().get(kKeyNicNames), "path");
  EXPECT_EQ(c.value().get(kKeyTries), "2");
  EXPECT_EQ(c.value().get(kKeyFastReboot), "no");
  EXPECT_EQ(c.value().text(), ConfigFile::default_text());
}

TEST(ConfigFile, SetKeepsCommentsOrderUnknownKeysAndLayout) {
  const std::string text = "# mine\n  nic_names=mac\nfuture_key = 7\n\n# end";
  auto c = ConfigFile::parse(text, "f");
  ASSERT_TRUE(c.ok());
  auto cf = c.value();
  cf.set("nic_names", "off");
  EXPECT_EQ(cf.text(), "# mine\n  nic_names=off\nfuture_key = 7\n\n# end");
  cf.set("tries", "3");
  EXPECT_EQ(cf.text(), "# mine\n  nic_names=off\nfuture_key = 7\n\n# end\ntries = 3\n");
  EXPECT_EQ(cf.get("future_key"), "7");
}

TEST(ConfigFile, LastAssignmentWins) {
  auto c = ConfigFile::parse("tries = 2\ntries = 5\n", "f");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c.value().get("tries"), "5");
}

TEST(ConfigFile, MalformedLineNamesFileAndLine) {
  auto c = ConfigFile::parse("tries = 2\nthis is not a setting\n", "/etc/sckl/sckl.conf");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("/etc/sckl/sckl.conf line 2"), std::string::npos);
  EXPECT_FALSE(ConfigFile::parse("Bad-Key = 1\n", "f").ok());
  EXPECT_FALSE(ConfigFile::parse(std::string("a\0b = 1\n", 8), "f").ok());
}

}  // namespace
}  // namespace sckl

namespace sckl {
namespace {

TEST(ConfigFile, SetFillsAnEmptyValueWithOneSpace) {
  auto c = ConfigFile::parse("extra_cmdline =\n", "f");
  ASSERT_TRUE(c.ok());
  auto cf = c.value();
  cf.set("extra_cmdline", "quiet");
  EXPECT_EQ(cf.text(), "extra_cmdline = quiet\n");
}

}  // namespace
}  // namespace sckl

namespace sckl {
namespace {

TEST(ConfigFile, ControlBytesInALineAreRefusedNamingTheLine) {
  for (std::string bad : {std::string("autostart = yes\0junk\n", 21), std::string("tries = 2\x1b[31m\n"),
                          std::string("# fine\nnic_names = pa\x7fth\n")}) {
    auto c = ConfigFile::parse(bad, "/etc/sckl/sckl.conf");
    ASSERT_FALSE(c.ok()) << bad;
    EXPECT_NE(c.error().message.find("/etc/sckl/sckl.conf line"), std::string::npos);
    EXPECT_NE(c.error().message.find("control character"), std::string::npos);
  }
  EXPECT_TRUE(ConfigFile::parse("tries =\t2\r\n", "x").ok());  // tabs and CRLF files are fine
}

}  // namespace
}  // namespace sckl
