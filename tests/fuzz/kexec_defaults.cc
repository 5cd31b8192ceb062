// /etc/default/kexec as kexec-tools and the admin left it
// (disable_load_kexec). Input: the file's text.
//
// Invariants: the edit is idempotent (a second run changes nothing), keeps
// every line that is not a LOAD_KEXEC= assignment, and leaves every active
// assignment false (appending one when there was none).
#include <string>

#include "formats/kexec_tools.h"
#include "fuzz_util.h"

using namespace sckl;

namespace {

bool assigns(const std::string& line) {
  auto ws = line.find_first_not_of(" \t");
  return ws != std::string::npos && line.compare(ws, 11, "LOAD_KEXEC=") == 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto edited = disable_load_kexec(text);
  const std::string out = edited ? *edited : text;
  if (edited) FUZZ_CHECK(!disable_load_kexec(out).has_value(), "a second edit changes nothing");

  auto before = fuzz::split_lines(text), after = fuzz::split_lines(out);
  FUZZ_CHECK(after.size() >= before.size(), "no line is dropped");
  bool any = false;
  for (size_t i = 0; i < after.size(); ++i) {
    if (assigns(after[i])) {
      any = true;
      auto ws = after[i].find_first_not_of(" \t");
      FUZZ_CHECK(after[i].substr(ws) == "LOAD_KEXEC=false", "every assignment is false");
    } else if (i < before.size()) {
      FUZZ_CHECK(after[i] == before[i], "other lines are kept");
    }
  }
  FUZZ_CHECK(any, "the file ends up with an assignment");
  return 0;
}
