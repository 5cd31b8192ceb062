#include "formats/kexec_tools.h"

#include <gtest/gtest.h>

namespace sckl {
namespace {

TEST(DisableLoadKexec, FlipsTrueToFalseKeepingEverythingElse) {
  const std::string in = "# Load a kexec kernel (true/false)\nLOAD_KEXEC=true\n\nKERNEL_IMAGE=\"/vmlinuz\"\n";
  auto out = disable_load_kexec(in);
  ASSERT_TRUE(out);
  EXPECT_EQ(*out, "# Load a kexec kernel (true/false)\nLOAD_KEXEC=false\n\nKERNEL_IMAGE=\"/vmlinuz\"\n");
}

TEST(DisableLoadKexec, AlreadyFalseIsUnchanged) {
  EXPECT_FALSE(disable_load_kexec("LOAD_KEXEC=false\n"));
}

TEST(DisableLoadKexec, EveryActiveAssignmentAndIndentedOnes) {
  auto out = disable_load_kexec("LOAD_KEXEC=false\n  LOAD_KEXEC=1\n# LOAD_KEXEC=true\n");
  ASSERT_TRUE(out);
  EXPECT_EQ(*out, "LOAD_KEXEC=false\n  LOAD_KEXEC=false\n# LOAD_KEXEC=true\n");
}

TEST(DisableLoadKexec, AppendsWhenMissingEvenWithoutFinalNewline) {
  auto out = disable_load_kexec("KERNEL_IMAGE=\"/vmlinuz\"");
  ASSERT_TRUE(out);
  EXPECT_EQ(*out, "KERNEL_IMAGE=\"/vmlinuz\"\n# sckl loads kernels itself; see sckl(8)\nLOAD_KEXEC=false\n");
}

}  // namespace
}  // namespace sckl
