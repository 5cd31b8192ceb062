// /proc/self/mountinfo through libmount (find_root_mount) and libblkid's tags
// (detect_root_filesystem). Input: the mountinfo text, optionally a NUL and
// the tags as "KEY=value" lines (default: a real ext4 answer).
//
// Invariants: a root file system handed on has a UUID and a type; what
// plan_root_entry may write into fstab from it is validated there (an unsafe
// UUID/type is an Error, never an fstab line).
#include <string>

#include "fake_system.h"
#include "formats/fstab.h"
#include "fuzz_util.h"
#include "machine/rootfs.h"

using namespace sckl;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto parts = fuzz::split_parts(data, size, 2);
  const std::string& mountinfo = parts[0];
  const std::string blkid_out =
      parts.size() > 1 ? parts[1] : "DEVNAME=/dev/vda1\nUUID=8f4c1e07-3a5b-4d2e-9c61-5b0e2d7a9f13\nTYPE=ext4\n";

  auto m = find_root_mount(mountinfo, "/proc/self/mountinfo");
  if (!m.ok()) return 0;

  testing::FakeSystem sys;
  sys.put_file("/proc/self/mountinfo", mountinfo);
  // The device exists when its name is a plain path; otherwise the
  // /dev/block/MAJ:MIN fallback is taken.
  const std::string& src = m.value().source;
  if (src.starts_with("/dev/") && src.find("/..") == std::string::npos && !src.ends_with("/"))
    sys.put_file(src, "");
  const std::string dev_block = "/dev/block/" + std::to_string(m.value().major) + ":" + std::to_string(m.value().minor);
  sys.put_file(dev_block, "");
  sys.block_devices[src] = fuzz::key_values(blkid_out);
  sys.block_devices[dev_block] = sys.block_devices[src];
  auto root = detect_root_filesystem(sys);
  if (!root.ok()) return 0;
  FUZZ_CHECK(!root.value().uuid.empty(), "a detected root file system has a UUID");
  FUZZ_CHECK(!root.value().fstype.empty(), "a detected root file system has a type");

  auto d = plan_root_entry("", "/etc/fstab", root.value());
  if (d.ok()) {
    FUZZ_CHECK(d.value().new_text.has_value(), "an empty fstab gets the root entry");
    FUZZ_CHECK(is_valid_fs_uuid(root.value().uuid) && is_valid_fs_type(root.value().fstype),
               "only a safe UUID and type reach fstab");
    auto lines = fuzz::split_lines(*d.value().new_text);
    FUZZ_CHECK(lines.size() == 2, "the root entry is one comment and one line");
  }
  return 0;
}
