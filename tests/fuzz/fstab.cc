// /etc/fstab through libmount (parse_fstab) and the decision to add a root
// entry (plan_root_entry). Input: the fstab text, optionally followed by a
// NUL and "UUID TYPE" of the root file system (default: a real ext4 UUID).
//
// Invariants: entries come in line order; an added entry keeps every byte of
// the file, parses back, is the only root entry, and a second run adds
// nothing; a refusal happens only for a bad file or an unsafe UUID/type.
#include <optional>
#include <string>

#include "formats/fstab.h"
#include "fuzz_util.h"

using namespace sckl;

namespace {

int count_root_entries(const std::vector<FstabEntryView>& entries) {
  int n = 0;
  for (const auto& e : entries) n += is_root_target(e.target) ? 1 : 0;
  return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto parts = fuzz::split_parts(data, size, 2);
  const std::string& text = parts[0];
  const std::string name = "/etc/fstab";

  auto entries = parse_fstab(text, name);
  int lines = static_cast<int>(fuzz::split_lines(text).size());
  if (entries.ok()) {
    int previous = 0;
    for (const auto& e : entries.value()) {
      FUZZ_CHECK(e.line > previous && e.line <= lines, "entry line numbers ascend within the file");
      previous = e.line;
      (void)options_mount_read_only(e.options);
    }
  } else {
    FUZZ_CHECK(entries.error().message.starts_with(name), "a parse error names the file");
  }

  RootFilesystem root{"8f4c1e07-3a5b-4d2e-9c61-5b0e2d7a9f13", "ext4", "/dev/vda1"};
  if (parts.size() > 1) {
    const std::string& spec = parts[1];
    auto sp = spec.find(' ');
    root.uuid = spec.substr(0, sp);
    root.fstype = sp == std::string::npos ? "" : spec.substr(sp + 1);
  }
  auto decision = plan_root_entry(text, name, root);
  if (!decision.ok()) {
    FUZZ_CHECK(!entries.ok() || !is_valid_fs_uuid(root.uuid) || !is_valid_fs_type(root.fstype),
               "plan_root_entry refuses only a bad fstab or an unsafe UUID/type");
    return 0;
  }
  FUZZ_CHECK(entries.ok(), "plan_root_entry accepted a file parse_fstab rejects");
  const auto& d = decision.value();
  const int roots = count_root_entries(entries.value());
  if (!d.new_text) {
    FUZZ_CHECK(roots > 0 || root.uuid.empty(), "no entry added although / has none and the UUID is known");
    return 0;
  }
  FUZZ_CHECK(roots == 0, "an entry added although / has one");
  const std::string& out = *d.new_text;
  FUZZ_CHECK(out.starts_with(text), "the edit keeps every existing byte");
  FUZZ_CHECK(out.ends_with("\n"), "the edited file ends with a newline");
  auto again = parse_fstab(out, name);
  FUZZ_CHECK(again.ok(), "the edited fstab parses");
  FUZZ_CHECK(count_root_entries(again.value()) == 1, "the edited fstab has exactly one entry for /");
  const auto& added = again.value().back();
  FUZZ_CHECK(added.source == "UUID=" + root.uuid && added.fstype == root.fstype && added.options == "defaults",
             "libmount reads back the entry as written");
  auto second = plan_root_entry(out, name, root);
  FUZZ_CHECK(second.ok() && !second.value().new_text, "a second run changes nothing");
  return 0;
}
