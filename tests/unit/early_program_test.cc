// One file is both the generator and sckl's init (src/boot/early_program.h):
// the name it runs by chooses. The decision, and the built file run by the
// name "init" (not as PID 1: it must do nothing and say what it is for).
#include "boot/early_program.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <string>

#include "base/process.h"
#include "base/system.h"

namespace fs = std::filesystem;
using namespace sckl;

TEST(EarlyProgram, TheNameInitMakesItScklsInit) {
  EXPECT_EQ(early_program("/usr/lib/sckl/init"), EarlyProgram::Init);  // the kernel's argv[0] for init=
  EXPECT_EQ(early_program("init"), EarlyProgram::Init);
  EXPECT_EQ(early_program("/lib/systemd/system-generators/sckl-switch"), EarlyProgram::Generator);
  EXPECT_EQ(early_program("/usr/lib/sckl/sckl-switch-generator"), EarlyProgram::Generator);
  // Only the last part counts, and only all of it.
  EXPECT_EQ(early_program("/usr/lib/init/sckl-switch"), EarlyProgram::Generator);
  EXPECT_EQ(early_program("/usr/lib/sckl/init.old"), EarlyProgram::Generator);
  EXPECT_EQ(early_program("/usr/lib/sckl/sbin-init"), EarlyProgram::Generator);
  EXPECT_EQ(early_program("/usr/lib/sckl/init/"), EarlyProgram::Generator);
  EXPECT_EQ(early_program(""), EarlyProgram::Generator);
}

TEST(EarlyProgram, TheBuiltFileRunByTheNameInitIsScklsInit) {
  char tmpl[] = "/tmp/sckl-early-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  const fs::path dir = tmpl;
  fs::create_symlink(std::string(SCKL_BINARY_DIR) + "/hooks/sckl-switch-generator", dir / "init");
  RealSystem host;
  // Not PID 1 here: sckl's init does nothing, exits 2 and says what it is for.
  auto r = host.run(Command({(dir / "init").string()}, std::chrono::seconds(30)));
  fs::remove_all(dir);
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ(r.value().exit_code, 2) << r.value().err;
  EXPECT_NE(r.value().err.find("sckl's init: not PID 1, nothing done"), std::string::npos) << r.value().err;
}
