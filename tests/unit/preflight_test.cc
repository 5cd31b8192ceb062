#include "kernel/preflight.h"

#include <gtest/gtest.h>

#include "fake_system.h"

namespace sckl {
namespace {

PreflightFacts good_facts() {
  PreflightFacts f;
  f.kexec_load_disabled = "0\n";
  f.kexec_supported = true;
  f.lockdown = "[none] integrity confidentiality";
  f.image_head = testing::fake_bzimage();
  f.image_size = 8 << 20;
  f.initrd_present = true;
  f.initrd_size = 30 << 20;
  f.initrd_recorded = true;
  f.mem_available_kib = 900 * 1024;
  f.cmdline_length = 100;
  return f;
}

const PreflightCheck& check(const std::vector<PreflightCheck>& cs, const std::string& name) {
  for (const auto& c : cs)
    if (c.name == name) return c;
  static PreflightCheck none{"<missing>", false, ""};
  ADD_FAILURE() << "no check " << name;
  return none;
}

TEST(Preflight, AllGoodPasses) {
  auto cs = run_preflight(good_facts());
  EXPECT_TRUE(preflight_passed(cs));
  EXPECT_TRUE(preflight_status(cs, "6.1.0-56-amd64").ok());
  EXPECT_EQ(cs.size(), 10u);
}

// On a boot sckl switched into, the checks of the running kernel describe
// the target, not the provider's kernel that does the next switch: they do
// not stop the next boot (status and check agree on it). Decided by the
// check's kind, not its name.
TEST(Preflight, ChecksOfTheRunningKernelCountForTheNextBootOnlyOnTheProvider) {
  auto f = good_facts();
  f.kexec_supported = false;
  f.mem_available_kib = 10 * 1024;
  f.image_head = std::string(0x400, 'x');
  auto cs = run_preflight(f);
  for (const char* name : {"kexec support", "kexec_load_disabled", "kexec method", "memory"})
    EXPECT_TRUE(check(cs, name).of_running_kernel) << name;
  for (const char* name : {"image format", "initrd", "initrd built for this version", "command line length"})
    EXPECT_FALSE(check(cs, name).of_running_kernel) << name;
  EXPECT_TRUE(check_counts_for_next_boot(check(cs, "memory"), true));
  EXPECT_FALSE(check_counts_for_next_boot(check(cs, "memory"), false));
  EXPECT_TRUE(check_counts_for_next_boot(check(cs, "image format"), false));
  auto on_target = next_boot_blockers(cs, "6.1.0-56-amd64", false);
  ASSERT_EQ(on_target.size(), 1u);
  EXPECT_TRUE(on_target[0].starts_with("image format: ")) << on_target[0];
  // kexec support, kexec method (none left without kexec), memory, image format.
  EXPECT_EQ(next_boot_blockers(cs, "6.1.0-56-amd64", true).size(), 4u);
}

TEST(Preflight, EachFailureIsNamedWithWhatToDo) {
  struct Case {
    const char* check;
    void (*breakit)(PreflightFacts&);
    const char* advice;
  } cases[] = {
      {"kexec support", [](PreflightFacts& f) { f.kexec_supported = false; }, "without kexec"},
      {"kexec_load_disabled", [](PreflightFacts& f) { f.kexec_load_disabled = "1\n"; }, "sysctl"},
      // Under lockdown only kexec_file_load of a signed image is left.
      {"kexec method", [](PreflightFacts& f) { f.lockdown = "none [integrity] confidentiality"; }, "signed kernel"},
      {"kexec method", [](PreflightFacts& f) { f.file_load = FileLoadSupport::No; f.lockdown = "none none [confidentiality]"; },
       "CONFIG_KEXEC_FILE"},
      {"image format", [](PreflightFacts& f) { f.image_head = std::string(0x400, 'x'); }, "reinstall"},
      {"initrd", [](PreflightFacts& f) { f.initrd_present = false; }, "update-initramfs -c -k 6.1.0-56-amd64"},
      {"initrd", [](PreflightFacts& f) { f.initrd_size = 0; }, "empty"},
      {"memory", [](PreflightFacts& f) { f.mem_available_kib = 50 * 1024; }, "MiB needed"},
      {"command line length", [](PreflightFacts& f) { f.cmdline_length = 2048; }, "extra_cmdline"},
  };
  for (const auto& c : cases) {
    auto f = good_facts();
    c.breakit(f);
    auto cs = run_preflight(f);
    EXPECT_FALSE(check(cs, c.check).ok) << c.check;
    EXPECT_FALSE(preflight_passed(cs)) << c.check;
    auto st = preflight_status(cs, "6.1.0-56-amd64");
    ASSERT_FALSE(st.ok()) << c.check;
    EXPECT_NE(st.error().message.find(c.check), std::string::npos) << c.check;
    EXPECT_NE(st.error().hint.find(c.advice), std::string::npos) << c.check << ": " << st.error().hint;
  }
}

TEST(Preflight, AnInitrdWithoutInitramfsToolsRecordOnlyWarns) {
  auto f = good_facts();
  f.initrd_recorded = false;
  auto cs = run_preflight(f);
  EXPECT_FALSE(check(cs, "initrd built for this version").ok);
  EXPECT_TRUE(check(cs, "initrd built for this version").advisory);
  EXPECT_TRUE(preflight_passed(cs));
  EXPECT_TRUE(preflight_status(cs, "6.1.0-56-amd64").ok());
  std::string detail = preflight_detail(check(cs, "initrd built for this version"), "6.1.0-56-amd64");
  EXPECT_NE(detail.find("/var/lib/initramfs-tools/6.1.0-56-amd64"), std::string::npos);
  EXPECT_NE(detail.find("update-initramfs -u -k 6.1.0-56-amd64"), std::string::npos);
  EXPECT_EQ(detail.find("VERSION"), std::string::npos);
}

TEST(Preflight, LockdownWithASignedTargetLeavesKexecFileLoad) {
  auto f = good_facts();
  f.lockdown = "none [integrity] confidentiality";
  f.image_head = testing::fake_signed_bzimage();
  auto cs = run_preflight(f);
  EXPECT_TRUE(preflight_passed(cs));
  EXPECT_TRUE(check(cs, "kexec method").ok);
  EXPECT_NE(check(cs, "kexec method").detail.find("kexec_file_load first"), std::string::npos)
      << check(cs, "kexec method").detail;
  EXPECT_FALSE(check(cs, "kexec_load").ok);
  EXPECT_TRUE(check(cs, "kexec_load").advisory);
  EXPECT_EQ(check(cs, "kexec_load").detail, "refused by lockdown (integrity)");
  EXPECT_TRUE(check(cs, "kexec_file_load").ok);
  EXPECT_NE(check(cs, "kexec_file_load").detail.find("needs a signed kernel"), std::string::npos);
}

TEST(Preflight, WithoutLockdownKexecLoadComesFirst) {
  auto cs = run_preflight(good_facts());
  EXPECT_EQ(check(cs, "kexec method").detail, "kexec_load first, kexec_file_load when the kernel refuses it");
  EXPECT_EQ(check(cs, "kexec_load").detail, "ok");
}

TEST(Preflight, GathersFromProcSysAndBoot) {
  testing::FakeSystem s;
  s.put_file("/proc/sys/kernel/kexec_load_disabled", "0\n");
  s.put_file("/sys/kernel/kexec_loaded", "0\n");
  s.put_file("/proc/meminfo", "MemTotal:        1000000 kB\nMemAvailable:     800000 kB\n");
  s.put_file("/boot/vmlinuz-6.1.0-56-amd64", testing::fake_bzimage());
  s.put_file("/boot/initrd.img-6.1.0-56-amd64", "initrd-bytes");
  s.put_file("/var/lib/initramfs-tools/6.1.0-56-amd64", "sha1");
  s.put_dir("/lib/modules/6.1.0-56-amd64");
  auto ks = list_installed_kernels(s);
  ASSERT_TRUE(ks.ok());
  auto f = gather_preflight_facts(s, ks.value().at(0), 120);
  ASSERT_TRUE(f.ok()) << f.error().describe();
  EXPECT_TRUE(f.value().kexec_supported);
  EXPECT_EQ(f.value().lockdown, "");
  EXPECT_EQ(f.value().initrd_size, 12u);
  EXPECT_EQ(f.value().mem_available_kib, 800000u);
  EXPECT_TRUE(f.value().initrd_recorded);
  EXPECT_TRUE(preflight_passed(run_preflight(f.value())));
  // No /proc/sys/kernel/osrelease, no config: the kernel answers when tried.
  EXPECT_EQ(f.value().file_load, FileLoadSupport::Unknown);
  s.put_file("/proc/sys/kernel/osrelease", "6.1.0-47-cloud-amd64\n");
  s.put_file("/boot/config-6.1.0-47-cloud-amd64", "CONFIG_KEXEC=y\n# CONFIG_KEXEC_FILE is not set\n");
  f = gather_preflight_facts(s, ks.value().at(0), 120);
  ASSERT_TRUE(f.ok()) << f.error().describe();
  EXPECT_EQ(f.value().file_load, FileLoadSupport::No);
  EXPECT_EQ(f.value().running_config, "/boot/config-6.1.0-47-cloud-amd64");
  s.put_file("/boot/config-6.1.0-47-cloud-amd64", "CONFIG_KEXEC=y\nCONFIG_KEXEC_FILE=y\nCONFIG_KEXEC_SIG=y\n");
  f = gather_preflight_facts(s, ks.value().at(0), 120);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f.value().file_load, FileLoadSupport::Yes);
}

}  // namespace
}  // namespace sckl
