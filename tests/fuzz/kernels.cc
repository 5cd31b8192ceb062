// Kernel versions as they appear in /boot file names: listing and ordering
// (list_installed_kernels, libapt-pkg's Debian version order) and the choice
// of the target (choose_target). Input: one /boot entry or modules directory
// per line ("vmlinuz-VERSION", "initrd.img-VERSION", "modules/VERSION"),
// optionally a NUL and the target_kernel setting (default "newest").
//
// Invariants: listed versions are valid file-name versions, unique, newest
// first; version order is reflexive, antisymmetric and transitive on them (a
// broken order would make std::sort read out of bounds); a chosen target is
// bootable, listed, and for "newest" the first bootable one.
#include <string>

#include "fake_system.h"
#include "fuzz_util.h"
#include "kernel/kernels.h"

using namespace sckl;

namespace {

constexpr size_t kPairLimit = 16;

int sign(int v) { return (v > 0) - (v < 0); }

bool plain_name(const std::string& n) {
  return !n.empty() && n != "." && n != ".." && n.find('/') == std::string::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto parts = fuzz::split_parts(data, size, 2);
  const std::string setting = parts.size() > 1 ? parts[1] : "newest";

  testing::FakeSystem sys;
  sys.put_dir("/boot");
  for (const auto& line : fuzz::split_lines(parts[0])) {
    if (line.starts_with("modules/")) {
      std::string v = line.substr(8);
      if (plain_name(v)) sys.put_dir("/lib/modules/" + v);
    } else if (plain_name(line)) {
      sys.put_file("/boot/" + line, "");
    }
  }

  auto listed = list_installed_kernels(sys);
  FUZZ_CHECK(listed.ok(), "listing a readable /boot does not fail");
  const auto& kernels = listed.value();
  for (size_t i = 0; i < kernels.size(); ++i) {
    const auto& k = kernels[i];
    FUZZ_CHECK(is_valid_kernel_version(k.version), "a listed version is a valid file-name version");
    FUZZ_CHECK(k.image == "/boot/vmlinuz-" + k.version && sys.has(k.image), "a listed image exists");
    FUZZ_CHECK(k.has_initrd == sys.has("/boot/initrd.img-" + k.version), "has_initrd matches /boot");
    FUZZ_CHECK(compare_kernel_versions(k.version, k.version) == 0, "version order is reflexive");
    if (i + 1 < kernels.size())
      FUZZ_CHECK(compare_kernel_versions(k.version, kernels[i + 1].version) >= 0, "listed newest first");
    // All pairs and triples of the first few: enough to catch an
    // inconsistent order, cheap enough to keep the fuzzer fast.
    if (i >= kPairLimit) continue;
    for (size_t j = i + 1; j < kernels.size() && j < kPairLimit; ++j) {
      FUZZ_CHECK(k.version != kernels[j].version, "each version is listed once");
      int ab = compare_kernel_versions(k.version, kernels[j].version);
      int ba = compare_kernel_versions(kernels[j].version, k.version);
      FUZZ_CHECK(sign(ab) == -sign(ba), "version order is antisymmetric");
      for (size_t l = j + 1; l < kernels.size() && l < kPairLimit; ++l)
        if (ab > 0 && compare_kernel_versions(kernels[j].version, kernels[l].version) > 0)
          FUZZ_CHECK(compare_kernel_versions(k.version, kernels[l].version) > 0, "version order is transitive");
    }
  }

  auto chosen = choose_target(kernels, setting);
  if (chosen.ok()) {
    FUZZ_CHECK(chosen.value().bootable(), "the chosen target is bootable");
    bool listed_one = false;
    for (const auto& k : kernels) listed_one = listed_one || k.version == chosen.value().version;
    FUZZ_CHECK(listed_one, "the chosen target is installed");
    if (setting != "newest") FUZZ_CHECK(chosen.value().version == setting, "a pinned setting is honoured");
  }
  if (setting == "newest") {
    const InstalledKernel* first = nullptr;
    for (const auto& k : kernels)
      if (!first && k.bootable()) first = &k;
    FUZZ_CHECK(chosen.ok() == (first != nullptr), "newest fails only without a bootable kernel");
    if (first) FUZZ_CHECK(chosen.value().version == first->version, "newest is the first bootable one");
  }
  return 0;
}
