// /var/lib/sckl/manifest (Manifest::parse), the record purge trusts. Input:
// the file's text.
//
// Invariants: what parses serializes and parses back to the same records;
// every recorded path is absolute; checksums are 64 hex digits (or the
// documented placeholders), modes fit 07777.
#include <string>

#include "fuzz_util.h"
#include "install/manifest.h"

using namespace sckl;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto parsed = Manifest::parse(text, "/var/lib/sckl/manifest");
  if (!parsed.ok()) {
    FUZZ_CHECK(parsed.error().message.starts_with("/var/lib/sckl/manifest"), "an error names the file");
    return 0;
  }
  const Manifest& m = parsed.value();
  for (const auto& d : m.created_dirs) FUZZ_CHECK(d.starts_with("/"), "directory paths are absolute");
  for (const auto& f : m.files) {
    FUZZ_CHECK(f.path.starts_with("/"), "file paths are absolute");
    FUZZ_CHECK(f.original_sha == kAbsent || f.original_sha.size() == 64, "original checksum or absent");
    FUZZ_CHECK(f.written_sha.empty() || f.written_sha.size() == 64, "written checksum or none");
    FUZZ_CHECK(f.pending_sha.empty() || f.pending_sha.size() == 64, "pending checksum or none");
    FUZZ_CHECK((f.original_mode & ~07777u) == 0, "modes fit 07777");
  }
  const std::string once = m.serialize();
  auto again = Manifest::parse(once, "again");
  FUZZ_CHECK(again.ok(), "serialize() output parses");
  FUZZ_CHECK(again.value().serialize() == once, "parse(serialize()) round-trips");
  FUZZ_CHECK(again.value().files.size() == m.files.size() && again.value().created_dirs == m.created_dirs &&
                 again.value().debconf.size() == m.debconf.size(),
             "every record survives the round trip");
  for (size_t i = 0; i < m.files.size(); ++i)
    FUZZ_CHECK(again.value().files[i].path == m.files[i].path, "paths survive the round trip byte for byte");
  for (size_t i = 0; i < m.debconf.size(); ++i)
    FUZZ_CHECK(again.value().debconf[i].question == m.debconf[i].question &&
                   again.value().debconf[i].original_value == m.debconf[i].original_value,
               "debconf answers survive the round trip byte for byte");
  return 0;
}
