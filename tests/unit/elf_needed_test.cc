// preinst and postrm may run while sckl's dependencies are absent (Debian
// Policy 6.5/6.6): they must need nothing but libc. Checked on the built
// binaries with readelf.
#include <gtest/gtest.h>

#include <cstdio>
#include <set>
#include <string>

namespace {

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

TEST(ElfNeeded, PreinstAndPostrmNeedOnlyLibc) {
  const std::set<std::string> allowed = {"libc.so.6", "ld-linux-x86-64.so.2"};
  for (const char* name : {"preinst", "postrm"}) {
    auto libs = needed(std::string(SCKL_BINARY_DIR) + "/hooks/" + name);
    ASSERT_FALSE(libs.empty()) << name << ": readelf found no DT_NEEDED (missing binary?)";
    EXPECT_TRUE(libs.count("libc.so.6")) << name;
    for (const auto& l : libs) EXPECT_TRUE(allowed.count(l)) << name << " needs " << l;
  }
}

}  // namespace
