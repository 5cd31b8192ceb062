// Which binary may load which library (hooks/CMakeLists.txt says why):
// preinst and postrm may run while sckl's dependencies, its own private
// library included, are absent (Debian Policy 6.5/6.6): they must need
// nothing but libc. The generator runs in the boot's critical path: it
// carries the code it reaches and loads neither the private library nor
// libraries it does not use. Everything else is a thin main() over the one
// copy of the library, libsckl-VERSION.so. Checked on the built binaries with
// readelf.
#include <gtest/gtest.h>

#include <cstdio>
#include <set>
#include <string>

namespace {

const std::string kPrivateLib = std::string("libsckl-") + SCKL_VERSION + ".so";

std::set<std::string> needed(const std::string& binary) {
  std::set<std::string> out;
  std::string cmd = "readelf -d '" + binary + "'";
  FILE* p = ::popen(cmd.c_str(), "r");  // test-only helper; the product never uses a shell
  if (!p) return out;
  char line[512];
  while (std::fgets(line, sizeof line, p)) {
    std::string l = line;
    auto a = l.find("(NEEDED)");
    if (a == std::string::npos) continue;
    auto b = l.find('['), e = l.find(']');
    if (b != std::string::npos && e != std::string::npos) out.insert(l.substr(b + 1, e - b - 1));
  }
  ::pclose(p);
  return out;
}

std::string hook(const char* name) { return std::string(SCKL_BINARY_DIR) + "/hooks/" + name; }

TEST(ElfNeeded, PreinstAndPostrmNeedOnlyLibc) {
  const std::set<std::string> allowed = {"libc.so.6", "ld-linux-x86-64.so.2"};
  for (const char* name : {"preinst", "postrm"}) {
    auto libs = needed(hook(name));
    ASSERT_FALSE(libs.empty()) << name << ": readelf found no DT_NEEDED (missing binary?)";
    EXPECT_TRUE(libs.count("libc.so.6")) << name;
    for (const auto& l : libs) EXPECT_TRUE(allowed.count(l)) << name << " needs " << l;
  }
}

TEST(ElfNeeded, GeneratorAndInitLoadNeitherThePrivateLibraryNorUnusedOnes) {
  // One file for both (src/boot/early_program.h); sckl's init is PID 1: it
  // must start with nothing but / mounted.
  for (const char* name : {"sckl-switch-generator"}) {
    auto libs = needed(hook(name));
    ASSERT_FALSE(libs.empty()) << name << ": readelf found no DT_NEEDED (missing binary?)";
    EXPECT_FALSE(libs.count(kPrivateLib)) << name << " links " << kPrivateLib;
    // Device queries and debconf are no business of the early switch.
    for (const char* l : {"libblkid.so.1", "libudev.so.1"}) EXPECT_FALSE(libs.count(l)) << name << " needs " << l;
  }
}

TEST(ElfNeeded, EveryOtherBinaryIsAThinMainOverThePrivateLibrary) {
  for (const char* name : {"sckl", "postinst", "sckl-kernel-postinst", "sckl-kernel-postrm",
                           "sckl-initramfs-post-update", "apt-refuse-grub", "apt-grub-notice", "sckl-fast-reboot"}) {
    auto libs = needed(hook(name));
    ASSERT_FALSE(libs.empty()) << name << ": readelf found no DT_NEEDED (missing binary?)";
    EXPECT_TRUE(libs.count(kPrivateLib)) << name << " does not link " << kPrivateLib;
  }
  // ... and the library takes libstdc++ from the system (no static copy).
  auto libs = needed(std::string(SCKL_BINARY_DIR) + "/src/" + kPrivateLib);
  EXPECT_TRUE(libs.count("libstdc++.so.6")) << kPrivateLib << " does not need libstdc++.so.6";
}

}  // namespace
