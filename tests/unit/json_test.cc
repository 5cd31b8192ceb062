#include "base/json.h"

#include <gtest/gtest.h>

namespace sckl {
namespace {

TEST(Json, ReadsWhatAptSendsItsHooks) {
  auto v = parse_json(
      R"({"jsonrpc":"2.0","method":"org.debian.apt.hooks.install.fail","params":{"command":"install",)"
      R"("search-terms":["grub-pc"],"unknown-packages":[],"packages":[{"id":1,"name":"a","automatic":false,)"
      R"("versions":{"install":{"id":2,"version":"1.0","pin":500,"origins":[]}}}]}})");
  ASSERT_TRUE(v.ok()) << v.error().describe();
  EXPECT_EQ(v.value().string_member("method"), "org.debian.apt.hooks.install.fail");
  const JsonValue* params = v.value().find("params");
  ASSERT_NE(params, nullptr);
  EXPECT_EQ(params->string_items("search-terms"), std::vector<std::string>{"grub-pc"});
  const JsonValue& pkg = params->find("packages")->items.at(0);
  EXPECT_EQ(pkg.find("automatic")->kind, JsonValue::Kind::Bool);
  EXPECT_EQ(pkg.find("versions")->find("install")->find("pin")->text, "500");
}

TEST(Json, EscapesAndUnicode) {
  auto v = parse_json(R"(["a\"b\\c\/\n", "\u00e9\ud83d\ude00", -1.5e3, true, false, null, {}, []])");
  ASSERT_TRUE(v.ok()) << v.error().describe();
  const auto& i = v.value().items;
  ASSERT_EQ(i.size(), 8u);
  EXPECT_EQ(i[0].text, "a\"b\\c/\n");
  EXPECT_EQ(i[1].text, "\xc3\xa9\xf0\x9f\x98\x80");
  EXPECT_EQ(i[2].text, "-1.5e3");
  EXPECT_TRUE(i[3].boolean);
  EXPECT_EQ(i[5].kind, JsonValue::Kind::Null);
  EXPECT_EQ(i[6].kind, JsonValue::Kind::Object);
  EXPECT_EQ(i[7].kind, JsonValue::Kind::Array);
}

TEST(Json, MalformedInputIsAnErrorWithItsOffset) {
  for (const char* bad : {"", "{", "[1,]", "{\"a\" 1}", "\"open", "tru", "{} x", "\"\\x\"", "\"a\nb\"", "-",
                          "\"\\ud800\\u0041\""}) {
    auto v = parse_json(bad);
    EXPECT_FALSE(v.ok()) << bad;
    if (!v.ok()) {
      EXPECT_NE(v.error().message.find("offset"), std::string::npos) << bad;
    }
  }
}

TEST(Json, DeepNestingIsRefusedNotACrash) {
  EXPECT_FALSE(parse_json(std::string(100000, '[')).ok());
  EXPECT_TRUE(parse_json(std::string(60, '[') + std::string(60, ']')).ok());
}

TEST(Json, QuoteRoundTrips) {
  std::string s = "x\"\\\n\x01y";
  auto v = parse_json(json_quote(s));
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v.value().text, s);
}

// The one quoting of sckl (status --json, list --json and apt's hooks use it).
TEST(Json, QuoteExactText) {
  EXPECT_EQ(json_quote("a\"b\\c\n\t\x01\x1f d\xc3\xa9"), "\"a\\\"b\\\\c\\n\\t\\u0001\\u001f d\xc3\xa9\"");
  EXPECT_EQ(json_quote(""), "\"\"");
}

// Bytes that are not UTF-8 become U+FFFD: the output is always valid JSON.
TEST(Json, WritingNonUtf8ReplacesTheBadBytes) {
  EXPECT_EQ(json_quote("vmlinuz-6.1\xff" "-x\xc3"), "\"vmlinuz-6.1\xef\xbf\xbd-x\xef\xbf\xbd\"");
  auto v = parse_json(json_quote("a\x80" "b"));
  ASSERT_TRUE(v.ok()) << v.error().describe();
  EXPECT_EQ(v.value().text, "a\xef\xbf\xbd" "b");
  EXPECT_EQ(json_text(JsonOut{{"b", 1}, {"a", "x"}}), "{\"b\":1,\"a\":\"x\"}");  // members in order
}

TEST(Json, ReadingNonUtf8IsAnError) {
  auto v = parse_json("{\"method\":\"a\xff\"}");
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.error().message.find("offset"), std::string::npos) << v.error().message;
}

}  // namespace
}  // namespace sckl
