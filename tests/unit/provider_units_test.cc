#include "formats/provider_units.h"

#include <gtest/gtest.h>

#include "fake_system.h"

namespace sckl {
namespace {

TEST(ProviderUnits, ParsesTheShippedFile) {
  auto text = testing::FakeSystem();  // unused; the real file is read below
  (void)text;
  FILE* f = std::fopen(SCKL_SOURCE_DIR "/data/provider-units", "r");
  ASSERT_NE(f, nullptr);
  std::string data;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) data.append(buf, n);
  std::fclose(f);
  auto units = parse_provider_units(data, "provider-units");
  ASSERT_TRUE(units.ok()) << units.error().describe();
  ASSERT_EQ(units.value().size(), 1u);
  EXPECT_EQ(units.value()[0].unit, "scw-generate-ssh-keys.service");
  EXPECT_EQ(units.value()[0].phase, BootPhase::Provider);
}

TEST(ProviderUnits, DropInConditionsOnTheBootMarker) {
  ProviderUnit p{"a.service", BootPhase::Provider}, t{"b.service", BootPhase::Target};
  EXPECT_EQ(provider_dropin_path(p), "/etc/systemd/system/a.service.d/50-sckl-phase.conf");
  EXPECT_NE(provider_dropin_content(p).find("\nConditionKernelCommandLine=!sckl.boot\n"), std::string::npos);
  EXPECT_NE(provider_dropin_content(t).find("\nConditionKernelCommandLine=sckl.boot\n"), std::string::npos);
  EXPECT_NE(provider_dropin_content(t).find("[Unit]\n"), std::string::npos);
}

TEST(ProviderUnits, RejectsBadLinesNamingThem) {
  auto r = parse_provider_units("ok.service provider\nx.service sometimes\n", "pu");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("pu line 2"), std::string::npos);
  EXPECT_FALSE(parse_provider_units("../../etc/passwd provider\n", "pu").ok());
  EXPECT_FALSE(parse_provider_units("a.service\n", "pu").ok());
  EXPECT_FALSE(parse_provider_units("a.service provider extra\n", "pu").ok());
  EXPECT_FALSE(parse_provider_units("noextension provider\n", "pu").ok());
  auto ok = parse_provider_units("# c\n\n  a@x.service   target  # why\n", "pu");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok.value().size(), 1u);
}

}  // namespace
}  // namespace sckl
