// apt's JSON hook messages, read by parse_json and judged by
// json_hook_notices (grub_notice.h). Input: one message as apt would send it.
//
// Invariants: parsing never crashes; a parsed message gives notices only for
// install.fail (an even count: reason and override per bootloader) and
// install.package-list (at most one line); json_quote of any text is valid
// JSON, and parses back to that text when the text is valid UTF-8.
#include <string>

#include "apt/grub_notice.h"
#include "base/json.h"
#include "fuzz_util.h"

using namespace sckl;

namespace {

class Facts : public AptPackageFacts {
 public:
  std::string newest_version(const std::string& pkg) override { return pkg.size() % 2 ? "1.0" : ""; }
  std::vector<std::vector<std::string>> recommends(const std::string&, const std::string&) override {
    return {{"grub-pc", "lilo"}, {"firmware-linux"}};
  }
  bool installed(const std::string& pkg) override { return pkg == "lilo"; }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto v = parse_json(text);
  if (v.ok()) {
    Facts facts;
    auto lines = json_hook_notices(v.value(), facts);
    std::string method = v.value().string_member("method");
    if (method == "org.debian.apt.hooks.install.fail") FUZZ_CHECK(lines.size() % 2 == 0, "reason and override in pairs");
    else if (method == "org.debian.apt.hooks.install.package-list") FUZZ_CHECK(lines.size() <= 1, "one declined line");
    else FUZZ_CHECK(lines.empty(), "other methods say nothing");
  }
  // Valid UTF-8 round-trips; other bytes become U+FFFD, still valid JSON.
  auto back = parse_json(json_quote(text));
  FUZZ_CHECK(back.ok(), "json_quote gives valid JSON");
  bool utf8 = true;
  try {
    (void)nlohmann::json(text).dump();
  } catch (const nlohmann::json::type_error&) {
    utf8 = false;
  }
  if (utf8) FUZZ_CHECK(back.value().text == text, "json_quote round-trips valid UTF-8");
  return 0;
}
