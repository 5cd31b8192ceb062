// Network interfaces as /sys/class/net and udev describe them
// (discover_nics) and the .link files planned from them (plan_link_files).
// Input: up to four interfaces, each four NUL-separated fields: name, the
// `type` file, the `address` file, udev's properties as "KEY=value" lines.
//
// Invariants: a planned .link file is /etc/systemd/network/10-sckl-NAME.link
// with a valid NAME, and its text is sckl's comment plus exactly one match
// line and one Name= line: nothing from sysfs or udev can add a line or a
// section.
#include <map>
#include <string>

#include "fake_system.h"
#include "fuzz_util.h"
#include "machine/nic.h"

using namespace sckl;

namespace {

void check_link_file(const LinkFile& f, const std::vector<Nic>& nics) {
  const std::string prefix = "/etc/systemd/network/10-sckl-";
  FUZZ_CHECK(f.path.starts_with(prefix) && f.path.ends_with(".link"), "the .link file's path");
  const std::string name = f.path.substr(prefix.size(), f.path.size() - prefix.size() - 5);
  FUZZ_CHECK(is_valid_interface_name(name), "the file is named after a valid interface name");
  const Nic* nic = nullptr;
  for (const auto& n : nics)
    if (n.name == name) nic = &n;
  FUZZ_CHECK(nic != nullptr, "the file is for a discovered interface");
  int sections = 0, matches = 0, names = 0;
  for (const auto& line : fuzz::split_lines(f.content)) {
    if (line.empty() || line[0] == '#') continue;
    if (line == "[Match]" || line == "[Link]") ++sections;
    else if (line == "Path=" + nic->id_path && is_valid_id_path(nic->id_path)) ++matches;
    else if (line == "MACAddress=" + nic->mac && is_valid_mac(nic->mac)) ++matches;
    else if (line == "Name=" + name) ++names;
    else FUZZ_CHECK(false, "a .link file has no line but sckl's own");
  }
  FUZZ_CHECK(sections == 2 && matches == 1 && names == 1, "one [Match] line and one Name= line");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto parts = fuzz::split_parts(data, size, 16);
  testing::FakeSystem sys;
  sys.put_dir("/sys/class/net");
  for (size_t i = 0; i < parts.size(); i += 4) {
    const std::string& name = parts[i];
    if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos) continue;
    const std::string base = "/sys/class/net/" + name;
    sys.put_dir(base);
    sys.put_dir(base + "/device");
    sys.put_file(base + "/type", i + 1 < parts.size() ? parts[i + 1] : "1\n");
    sys.put_file(base + "/address", i + 2 < parts.size() ? parts[i + 2] : "52:54:00:12:34:56\n");
    sys.udev_devices[base] = fuzz::key_values(i + 3 < parts.size() ? parts[i + 3] : "ID_PATH=pci-0000:00:03.0\n");
  }
  auto nics = discover_nics(sys);
  FUZZ_CHECK(nics.ok(), "discovery over readable sysfs does not fail");
  for (NicPolicy policy : {NicPolicy::Path, NicPolicy::Mac, NicPolicy::Classic, NicPolicy::Off}) {
    auto files = plan_link_files(nics.value(), policy);
    if (!files.ok()) continue;
    if (policy == NicPolicy::Classic || policy == NicPolicy::Off)
      FUZZ_CHECK(files.value().empty(), "classic and off write no files");
    for (const auto& f : files.value()) check_link_file(f, nics.value());
  }
  return 0;
}
