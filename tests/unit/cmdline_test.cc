#include "formats/cmdline.h"

#include <gtest/gtest.h>

namespace sckl {
namespace {

TEST(KernelCmdline, SplitsLikeTheKernelKeepingQuotedBlanks) {
  EXPECT_EQ(split_kernel_cmdline("  root=/dev/vda  ro\tconsole=ttyS0\n"),
            (std::vector<std::string>{"root=/dev/vda", "ro", "console=ttyS0"}));
  EXPECT_EQ(split_kernel_cmdline("a=\"x y\" b"), (std::vector<std::string>{"a=\"x y\"", "b"}));
  EXPECT_TRUE(split_kernel_cmdline("").empty());
  EXPECT_EQ(cmdline_key("root=/dev/vda"), "root");
  EXPECT_EQ(cmdline_key("quiet"), "quiet");
  EXPECT_TRUE(cmdline_has_key({"sckl.boot=2"}, "sckl.boot"));
  EXPECT_FALSE(cmdline_has_key({"sckl.booty=2"}, "sckl.boot"));
}

TEST(TargetCmdline, ProviderLineMinusDropsPlusExtrasPanicAndMarker) {
  CmdlineSpec spec;
  spec.provider_cmdline = "root=/dev/vda console=ttyS0 scw.bootscript=abc panic=0 quiet\n";
  spec.drop_keys = {"scw.bootscript"};
  spec.extra = "mitigations=auto quiet";
  spec.attempt = 2;
  auto line = build_target_cmdline(spec);
  ASSERT_TRUE(line.ok()) << line.error().describe();
  EXPECT_EQ(line.value(), "root=/dev/vda console=ttyS0 mitigations=auto quiet panic=10 sckl.boot=2");
}

TEST(TargetCmdline, ClassicNicNamesAndNoDoubleMarker) {
  CmdlineSpec spec;
  spec.provider_cmdline = "root=/dev/vda net.ifnames=1 sckl.boot=1 sckl.disable";
  spec.classic_nic_names = true;
  auto line = build_target_cmdline(spec);
  ASSERT_TRUE(line.ok());
  EXPECT_EQ(line.value(), "root=/dev/vda net.ifnames=0 panic=10 sckl.boot=1");
}

TEST(TargetCmdline, RefusesForgedMarkersQuotesNewlinesAndInit) {
  for (const char* bad : {"sckl.boot=9", "sckl.disable", "a=\"b c\"", "x\ny", "init=/bin/sh", "rdinit=/x", "it's",
                          "caf\xc3\xa9"}) {
    CmdlineSpec spec;
    spec.provider_cmdline = "root=/dev/vda";
    spec.extra = bad;
    auto line = build_target_cmdline(spec);
    EXPECT_FALSE(line.ok()) << bad;
    if (!line.ok()) {
      EXPECT_NE(line.error().message.find("extra_cmdline"), std::string::npos) << bad;
    }
  }
}

// Found by tests/fuzz/cmdline: this machine's own provider line ends with
// "-- --firecracker-init ...": the kernel stops at "--" and hands the rest to
// init, so panic= and the marker appended after it never reached the kernel.
TEST(TargetCmdline, ProviderInitArgumentsStayBehindScklsWords) {
  CmdlineSpec spec;
  spec.provider_cmdline = "console=ttyS0 rdinit=/process_api -- --firecracker-init --addr 0.0.0.0:2024\n";
  auto line = build_target_cmdline(spec);
  ASSERT_TRUE(line.ok()) << line.error().describe();
  EXPECT_EQ(line.value(),
            "console=ttyS0 rdinit=/process_api panic=10 sckl.boot=1 -- --firecracker-init --addr 0.0.0.0:2024");
  spec.extra = "quiet --";
  EXPECT_FALSE(build_target_cmdline(spec).ok());
}

// Found by tests/fuzz/cmdline: an open quote at the end of the provider's
// line swallowed the words appended after it (for the kernel and for sckl's
// own split), and blanks the kernel knows (\v, \f, 0xa0) did not split words.
TEST(TargetCmdline, OpenQuoteIsClosedAndKernelBlanksSplit) {
  CmdlineSpec spec;
  spec.provider_cmdline = "root=/dev/vda dyndbg=\"file x +p";
  auto line = build_target_cmdline(spec);
  ASSERT_TRUE(line.ok()) << line.error().describe();
  EXPECT_EQ(line.value(), "root=/dev/vda dyndbg=\"file x +p\" panic=10 sckl.boot=1");
  EXPECT_EQ(split_kernel_cmdline("a\vb\fc\xa0--"), (std::vector<std::string>{"a", "b", "c", "--"}));
  spec.provider_cmdline = "root=/dev/vda\v--\vinit-arg";
  line = build_target_cmdline(spec);
  ASSERT_TRUE(line.ok()) << line.error().describe();
  EXPECT_EQ(line.value(), "root=/dev/vda panic=10 sckl.boot=1 -- init-arg");
}

TEST(TargetCmdline, TooLongIsRefusedWithTheLength) {
  CmdlineSpec spec;
  spec.provider_cmdline = "root=/dev/vda " + std::string(2030, 'x');
  auto line = build_target_cmdline(spec);
  ASSERT_FALSE(line.ok());
  EXPECT_NE(line.error().message.find("bytes"), std::string::npos);
}

}  // namespace
}  // namespace sckl
