#include "kernel/kernels.h"

#include <gtest/gtest.h>

#include "fake_system.h"

namespace sckl {
namespace {

using testing::FakeSystem;

void add_kernel(FakeSystem& s, const std::string& v, bool initrd = true, bool modules = true) {
  s.put_file("/boot/vmlinuz-" + v, "MZ kernel");
  if (initrd) s.put_file("/boot/initrd.img-" + v, "initrd");
  if (modules) s.put_dir("/lib/modules/" + v);
}

TEST(KernelVersions, DebianOrder) {
  EXPECT_GT(compare_kernel_versions("6.1.0-56-amd64", "6.1.0-47-cloud-amd64"), 0);
  EXPECT_GT(compare_kernel_versions("6.1.0-10-amd64", "6.1.0-9-amd64"), 0);  // not string order
  EXPECT_LT(compare_kernel_versions("6.1.0-56-amd64", "6.10.0-1-amd64"), 0);
  EXPECT_LT(compare_kernel_versions("6.1.0~rc1", "6.1.0"), 0);
  EXPECT_EQ(compare_kernel_versions("5.15.0-91-generic", "5.15.0-91-generic"), 0);
}

// Debian 13 names its kernels after the full version (6.12.118+deb13-amd64,
// linux-base/linux 6.12 in trixie): they order among themselves and above
// bookworm's 6.1 ABIs (a provider kernel a trixie server may be booted with).
TEST(KernelVersions, Debian13Names) {
  EXPECT_GT(compare_kernel_versions("6.12.118+deb13-amd64", "6.1.0-47-cloud-amd64"), 0);
  EXPECT_GT(compare_kernel_versions("6.12.118+deb13-amd64", "6.12.107+deb13-cloud-amd64"), 0);
  EXPECT_GT(compare_kernel_versions("6.12.118+deb13-amd64", "6.12.41+deb13-amd64"), 0);  // not string order
  EXPECT_LT(compare_kernel_versions("6.12.118+deb13-amd64", "6.12.118+deb13.1-amd64"), 0);
  EXPECT_TRUE(is_valid_kernel_version("6.12.118+deb13-amd64"));
}

TEST(InstalledKernels, Debian13NamesNewestFirst) {
  FakeSystem s;
  add_kernel(s, "6.12.41+deb13-amd64");
  add_kernel(s, "6.12.118+deb13-amd64");
  add_kernel(s, "6.12.107+deb13-cloud-amd64");
  add_kernel(s, "6.1.0-47-cloud-amd64");
  auto r = list_installed_kernels(s);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r.value().size(), 4u);
  EXPECT_EQ(r.value()[0].version, "6.12.118+deb13-amd64");
  EXPECT_EQ(r.value()[1].version, "6.12.107+deb13-cloud-amd64");
  EXPECT_EQ(r.value()[2].version, "6.12.41+deb13-amd64");
  EXPECT_EQ(r.value()[3].version, "6.1.0-47-cloud-amd64");
  auto t = choose_target(r.value(), "newest");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t.value().version, "6.12.118+deb13-amd64");
}

TEST(KernelVersions, Validity) {
  EXPECT_TRUE(is_valid_kernel_version("6.1.0-28-amd64"));
  EXPECT_FALSE(is_valid_kernel_version(""));
  EXPECT_FALSE(is_valid_kernel_version(".."));
  EXPECT_FALSE(is_valid_kernel_version("a/b"));
  EXPECT_FALSE(is_valid_kernel_version("a b"));
  EXPECT_FALSE(is_valid_kernel_version("a\nb"));
}

// Ubuntu keeps the kernel links in /boot (link_in_boot = yes; FACTS.md
// "Ubuntu's kernel packaging") and none in /: the links are no kernels of
// their own, and the target comes from /boot/vmlinuz-VERSION alone.
TEST(InstalledKernels, UbuntuLinksInBootAndNoneInRoot) {
  FakeSystem s;
  add_kernel(s, "6.8.0-45-generic");
  add_kernel(s, "6.8.0-48-generic");
  s.put_link("/boot/vmlinuz", "vmlinuz-6.8.0-48-generic");
  s.put_link("/boot/vmlinuz.old", "vmlinuz-6.8.0-45-generic");
  s.put_link("/boot/initrd.img", "initrd.img-6.8.0-48-generic");
  s.put_link("/boot/initrd.img.old", "initrd.img-6.8.0-45-generic");
  ASSERT_FALSE(s.has("/vmlinuz"));
  auto k = list_installed_kernels(s);
  ASSERT_TRUE(k.ok()) << k.error().describe();
  ASSERT_EQ(k.value().size(), 2u);
  EXPECT_EQ(k.value()[0].version, "6.8.0-48-generic");
  EXPECT_EQ(k.value()[1].version, "6.8.0-45-generic");
  auto t = choose_target(k.value(), "newest");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t.value().image, "/boot/vmlinuz-6.8.0-48-generic");
  EXPECT_EQ(t.value().initrd, "/boot/initrd.img-6.8.0-48-generic");
}

TEST(InstalledKernels, ListsNewestFirstIgnoringLeftovers) {
  FakeSystem s;
  add_kernel(s, "6.1.0-47-cloud-amd64");
  add_kernel(s, "6.1.0-56-amd64");
  add_kernel(s, "6.1.0-9-amd64");
  s.put_file("/boot/vmlinuz-6.1.0-56-amd64.dpkg-tmp", "");
  s.put_file("/boot/config-6.1.0-56-amd64", "");
  s.put_link("/boot/vmlinuz-dangling", "vmlinuz-gone");
  auto k = list_installed_kernels(s);
  ASSERT_TRUE(k.ok());
  ASSERT_EQ(k.value().size(), 3u);
  EXPECT_EQ(k.value()[0].version, "6.1.0-56-amd64");
  EXPECT_EQ(k.value()[1].version, "6.1.0-47-cloud-amd64");
  EXPECT_EQ(k.value()[2].version, "6.1.0-9-amd64");
}

TEST(ChooseTarget, NewestIsTheNewestBootableNotWhatVmlinuzSays) {
  FakeSystem s;
  add_kernel(s, "6.1.0-47-cloud-amd64");
  add_kernel(s, "6.1.0-56-amd64");
  s.put_link("/vmlinuz", "boot/vmlinuz-6.1.0-47-cloud-amd64");  // last configured wins there
  auto k = list_installed_kernels(s);
  ASSERT_TRUE(k.ok());
  auto t = choose_target(k.value(), "newest");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t.value().version, "6.1.0-56-amd64");
  EXPECT_EQ(t.value().initrd, "/boot/initrd.img-6.1.0-56-amd64");
}

TEST(ChooseTarget, SkipsAKernelWhoseInitrdIsNotReadyYet) {
  FakeSystem s;
  add_kernel(s, "6.1.0-47-amd64");
  add_kernel(s, "6.1.0-56-amd64", /*initrd=*/false);
  auto t = choose_target(list_installed_kernels(s).value(), "newest");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t.value().version, "6.1.0-47-amd64");
}

TEST(ChooseTarget, ModulesUnderUsrLibCount) {
  FakeSystem s;
  add_kernel(s, "6.1.0-56-amd64", true, false);
  s.put_dir("/usr/lib/modules/6.1.0-56-amd64");
  EXPECT_TRUE(choose_target(list_installed_kernels(s).value(), "newest").ok());
}

TEST(ChooseTarget, PinnedVersionMustBeInstalledAndReady) {
  FakeSystem s;
  add_kernel(s, "6.1.0-47-amd64");
  add_kernel(s, "6.1.0-56-amd64", true, false);
  auto ks = list_installed_kernels(s).value();
  EXPECT_EQ(choose_target(ks, "6.1.0-47-amd64").value().version, "6.1.0-47-amd64");
  auto missing = choose_target(ks, "6.1.0-99-amd64");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("6.1.0-99-amd64 is not installed"), std::string::npos);
  auto no_modules = choose_target(ks, "6.1.0-56-amd64");
  ASSERT_FALSE(no_modules.ok());
  EXPECT_NE(no_modules.error().message.find("/lib/modules/6.1.0-56-amd64"), std::string::npos);
}

TEST(ChooseTarget, NothingInstalledOrNothingReady) {
  EXPECT_FALSE(choose_target({}, "newest").ok());
  FakeSystem s;
  add_kernel(s, "6.1.0-56-amd64", false);
  auto t = choose_target(list_installed_kernels(s).value(), "newest");
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.error().hint.find("update-initramfs"), std::string::npos);
}

}  // namespace
}  // namespace sckl
