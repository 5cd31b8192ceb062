// /usr/share/sckl/provider-units (parse_provider_units) and the drop-ins
// made from it. Input: the file's text.
//
// Invariants: an accepted unit is a plain unit name (no '/', not hidden), so
// its drop-in path stays in /etc/systemd/system/UNIT.d; errors name file and line.
#include <string>

#include "formats/provider_units.h"
#include "fuzz_util.h"

using namespace sckl;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto units = parse_provider_units(text, "/usr/share/sckl/provider-units");
  if (!units.ok()) {
    FUZZ_CHECK(units.error().message.starts_with("/usr/share/sckl/provider-units line "),
               "an error names file and line");
    return 0;
  }
  for (const auto& u : units.value()) {
    FUZZ_CHECK(!u.unit.empty() && u.unit[0] != '.' && u.unit.find('/') == std::string::npos,
               "a unit is a plain file name");
    FUZZ_CHECK(u.unit.find_first_of(" \t\n#") == std::string::npos, "a unit name has no blank, newline or '#'");
    const std::string path = provider_dropin_path(u);
    FUZZ_CHECK(path == "/etc/systemd/system/" + u.unit + ".d/50-sckl-phase.conf", "the drop-in path");
    const std::string content = provider_dropin_content(u);
    FUZZ_CHECK(content.ends_with(u.phase == BootPhase::Provider ? "ConditionKernelCommandLine=!sckl.boot\n"
                                                                : "ConditionKernelCommandLine=sckl.boot\n"),
               "the drop-in's condition matches the phase");
  }
  return 0;
}
