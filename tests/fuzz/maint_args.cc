// The maintainer scripts' arguments from dpkg (parse_maint_args). Input: one
// byte choosing the script (preinst, postinst, postrm), then the
// arguments separated by NUL bytes.
//
// Invariants: an accepted call has a known action, its arguments as given,
// no version (OLD, NEW) with a blank or newline, and the
// version is one of the arguments (or empty). Arguments beyond the matched
// form (extra) and trigger names (one space-separated argument) may hold
// blanks: dpkg passes them so and shell scripts ignore the extras.
#include <algorithm>
#include <string>
#include <vector>

#include "fuzz_util.h"
#include "install/maint_args.h"

using namespace sckl;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const MaintScript script = static_cast<MaintScript>(data[0] % 3);
  auto args = fuzz::split_parts(data + 1, size - 1, 16);
  if (args.size() == 1 && args[0].empty()) args.clear();

  auto call = parse_maint_args(script, args);
  if (!call.ok()) {
    FUZZ_CHECK(call.error().message.starts_with(script_name(script)), "an error names the script");
    return 0;
  }
  const MaintCall& c = call.value();
  FUZZ_CHECK(c.script == script, "the script is kept");
  FUZZ_CHECK(!args.empty() && c.action == args[0], "the action is the first argument");
  FUZZ_CHECK(c.args == std::vector<std::string>(args.begin() + 1, args.end()), "the arguments are kept as given");
  for (const std::string* v : {&c.old_version, &c.new_version})
    FUZZ_CHECK(v->find_first_of(" \t\n") == std::string::npos, "no accepted version has a blank or newline");
  FUZZ_CHECK(c.extra.size() <= c.args.size(), "extras are a part of the arguments");
  FUZZ_CHECK(std::equal(c.extra.rbegin(), c.extra.rend(), c.args.rbegin()), "extras are the last arguments");
  for (const std::string* v : {&c.old_version, &c.new_version})
    FUZZ_CHECK(v->empty() || std::find(c.args.begin(), c.args.end(), *v) != c.args.end(),
               "a version is one of the arguments");
  FUZZ_CHECK(c.old_version != "in-favour" && c.new_version != "in-favour", "a keyword is not a version");
  return 0;
}
