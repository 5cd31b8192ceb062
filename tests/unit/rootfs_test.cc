#include "machine/rootfs.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <map>

#include "base/paths.h"
#include "fake_system.h"

namespace sckl {
namespace {

using testing::FakeSystem;

const std::string kUuid = "0f6e4b2c-4c1d-4c55-9a8e-2b8a3c1e7d10";

// A booted VPS: the root on /dev/vda (254:0), with the usual pseudo file systems.
const std::string kVdaMountInfo =
    "22 28 0:21 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw\n"
    "23 28 0:22 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw\n"
    "28 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw\n"
    "24 28 0:5 / /dev rw,nosuid,relatime shared:2 - devtmpfs udev rw,size=485340k,mode=755\n"
    "29 28 0:26 / /run rw,nosuid,nodev,noexec,relatime shared:5 - tmpfs tmpfs rw,size=100000k,mode=755\n";

// What libblkid's superblock probe reports for a file system.
DeviceTags blkid_tags(const std::string& uuid, const std::string& type) {
  return {{"UUID", uuid}, {"VERSION", "1.0"}, {"BLOCK_SIZE", "4096"}, {"TYPE", type}, {"USAGE", "filesystem"}};
}

class RootfsTest : public ::testing::Test {
 protected:
  FakeSystem sys;
  void SetUp() override { sys.put_file("/dev/vda", ""); }
};

TEST_F(RootfsTest, FindsRootDeviceUuidAndTypeThroughBlkid) {
  sys.put_file(paths::kMountInfo, kVdaMountInfo);
  sys.block_devices["/dev/vda"] = blkid_tags(kUuid, "ext4");
  auto r = detect_root_filesystem(sys);
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ(r.value().uuid, kUuid);
  EXPECT_EQ(r.value().fstype, "ext4");
  EXPECT_EQ(r.value().source, "/dev/vda");
  EXPECT_EQ(sys.device_queries, (std::vector<std::string>{"blkid /dev/vda"}));
  EXPECT_TRUE(sys.commands_run.empty());
}

TEST_F(RootfsTest, BlkidTypeWinsOverTheMountedType) {
  // The ext4 driver mounts an ext3 file system; fstab names what is on disk.
  sys.put_file(paths::kMountInfo, kVdaMountInfo);
  sys.block_devices["/dev/vda"] = blkid_tags(kUuid, "ext3");
  auto r = detect_root_filesystem(sys);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().fstype, "ext3");
}

TEST_F(RootfsTest, LastOfStackedMountsOnRootWins) {
  sys.put_file(paths::kMountInfo,
               "1 1 0:2 / / rw - rootfs rootfs rw\n"
               "20 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n"
               "21 20 0:21 / /sys rw - sysfs sysfs rw\n"
               "30 20 254:17 / / rw,relatime shared:9 - xfs /dev/vdb1 rw\n"
               "31 30 0:22 / /proc rw - proc proc rw\n");
  sys.put_file("/dev/vdb1", "");
  sys.block_devices["/dev/vdb1"] = blkid_tags(kUuid, "xfs");
  auto r = detect_root_filesystem(sys);
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ(r.value().source, "/dev/vdb1");
  EXPECT_EQ(r.value().fstype, "xfs");
  EXPECT_EQ(sys.device_queries, (std::vector<std::string>{"blkid /dev/vdb1"}));
}

TEST(RootMountOptions, ReadOnlyComesFromThePerMountOptions) {
  auto ro = find_root_mount("22 1 254:0 / / ro,relatime - ext4 /dev/vda rw\n", "mi");
  ASSERT_TRUE(ro.ok());
  EXPECT_TRUE(ro.value().read_only);
  auto rw = find_root_mount("22 1 254:0 / / rw,relatime - ext4 /dev/vda ro\n", "mi");
  ASSERT_TRUE(rw.ok());
  EXPECT_FALSE(rw.value().read_only);
}

TEST(RootMount, ParsesTheVisibleRootMount) {
  auto m = find_root_mount(kVdaMountInfo, "/proc/self/mountinfo");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m.value().source, "/dev/vda");
  EXPECT_EQ(m.value().fstype, "ext4");
  EXPECT_EQ(m.value().major, 254u);
  EXPECT_EQ(m.value().minor, 0u);
}

TEST(RootMount, NoRootMountIsAnErrorNamingTheFile) {
  auto m = find_root_mount("22 28 0:21 / /sys rw - sysfs sysfs rw\n", "/proc/self/mountinfo");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().message, "no file system is mounted on / according to /proc/self/mountinfo");
  EXPECT_FALSE(find_root_mount("", "/proc/self/mountinfo").ok());
  // fstab-format text is not mountinfo.
  EXPECT_FALSE(find_root_mount("/dev/vda / ext4 rw 0 0\n", "/proc/self/mountinfo").ok());
}

TEST_F(RootfsTest, MissingDevicePathFallsBackToDevBlock) {
  sys.put_file(paths::kMountInfo, "25 1 252:3 / / rw,relatime - ext4 /dev/mapper/vg-root rw\n");
  sys.put_link("/dev/block/252:3", "../dm-3");
  sys.block_devices["/dev/block/252:3"] = blkid_tags(kUuid, "ext4");
  auto r = detect_root_filesystem(sys);
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ(r.value().uuid, kUuid);
  EXPECT_EQ(r.value().source, "/dev/mapper/vg-root");
  EXPECT_EQ(sys.device_queries, (std::vector<std::string>{"blkid /dev/block/252:3"}));
}

TEST_F(RootfsTest, NonDevSourceAlsoUsesDevBlock) {
  sys.put_file(paths::kMountInfo, "25 1 254:2 / / rw - ext4 LABEL=root rw\n");
  sys.put_link("/dev/block/254:2", "../vda2");
  sys.block_devices["/dev/block/254:2"] = blkid_tags(kUuid, "ext4");
  auto r = detect_root_filesystem(sys);
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ(sys.device_queries, (std::vector<std::string>{"blkid /dev/block/254:2"}));
}

TEST_F(RootfsTest, NeitherDeviceNorDevBlockIsAnError) {
  sys.put_file(paths::kMountInfo, "25 1 252:3 / / rw - ext4 /dev/mapper/vg-root rw\n");
  auto r = detect_root_filesystem(sys);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "the root file system (ext4 '/dev/mapper/vg-root' on /) has no UUID: neither /dev/mapper/vg-root nor "
            "/dev/block/252:3 exists to ask blkid, so sckl cannot add an entry for / to /etc/fstab");
  EXPECT_TRUE(sys.device_queries.empty());
}

// A device that cannot be read is a system failure (errnum set: stop), named.
TEST_F(RootfsTest, UnreadableDeviceIsAnErrorNamingItAndWhy) {
  sys.put_file(paths::kMountInfo, kVdaMountInfo);  // /dev/vda exists, but the probe cannot open it
  auto r = detect_root_filesystem(sys);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().errnum, ENOENT);
  EXPECT_EQ(r.error().message, "cannot open /dev/vda to read its file system signature: No such file or directory");
  EXPECT_EQ(r.error().hint, "add a line for / to /etc/fstab by hand");
}

TEST_F(RootfsTest, AmbivalentDeviceIsAWarningNamingIt) {
  sys.put_file(paths::kMountInfo, kVdaMountInfo);
  sys.ambivalent_devices = {"/dev/vda"};
  auto r = detect_root_filesystem(sys);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().errnum, 0);
  EXPECT_EQ(r.error().message, "/dev/vda holds more than one file system signature (libblkid: ambivalent result)");
}

TEST_F(RootfsTest, OverlayAndOtherUuidlessRootsAreErrors) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"overlay", "overlay"}, {"tmpfs", "tmpfs"}, {"nfs4", "10.0.0.1:/export/root"}, {"9p", "rootfs"},
      {"rootfs", "rootfs"},   {"virtiofs", "myfs"}, {"fuse.sshfs", "host:/"}};
  for (const auto& [type, source] : cases) {
    sys.put_file(paths::kMountInfo, "40 1 0:45 / / rw - " + type + " " + source + " rw\n");
    auto r = detect_root_filesystem(sys);
    ASSERT_FALSE(r.ok()) << type;
    EXPECT_EQ(r.error().message, "the root file system (" + type + " '" + source +
                                     "' on /) has no UUID, so sckl cannot add an entry for / to /etc/fstab");
    EXPECT_EQ(r.error().hint, "if the disk's kernel must mount / read-write, add a line for / to /etc/fstab by hand");
  }
  EXPECT_TRUE(sys.device_queries.empty());
}

TEST_F(RootfsTest, AnonymousDeviceWithoutDevSourceIsAnError) {
  sys.put_file(paths::kMountInfo, "40 1 0:45 / / rw - myfs none rw\n");
  auto r = detect_root_filesystem(sys);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "the root file system (myfs 'none' on /) has no UUID: it is not on a block device, so sckl cannot add an "
            "entry for / to /etc/fstab");
}

TEST_F(RootfsTest, BtrfsSubvolumeUsesItsSourceDespiteAnonymousDevno) {
  sys.put_file(paths::kMountInfo, "40 1 0:33 /@ / rw,relatime - btrfs /dev/vda2 rw,subvol=/@\n");
  sys.put_file("/dev/vda2", "");
  sys.block_devices["/dev/vda2"] = blkid_tags(kUuid, "btrfs");
  auto r = detect_root_filesystem(sys);
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ(r.value().fstype, "btrfs");
}

TEST_F(RootfsTest, BlkidWithoutUuidIsAnError) {
  sys.put_file(paths::kMountInfo, kVdaMountInfo);
  sys.block_devices["/dev/vda"] = {{"PART_ENTRY_UUID", "abcd"}, {"UUID_SUB", "1234"}, {"TYPE", "ext4"}};
  auto r = detect_root_filesystem(sys);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "the root file system (ext4 '/dev/vda' on /) has no UUID: libblkid finds none on /dev/vda, so sckl cannot add an entry for / to /etc/fstab");
}

// errnum 0: "no UUID to name" (warn and go on); errnum set: a system call failed (stop).
TEST_F(RootfsTest, ErrnumTellsNoUuidFromSystemFailure) {
  sys.put_file(paths::kMountInfo, "40 1 0:45 / / rw - overlay overlay rw\n");
  auto overlay = detect_root_filesystem(sys);
  ASSERT_FALSE(overlay.ok());
  EXPECT_EQ(overlay.error().errnum, 0);

  sys.put_file(paths::kMountInfo, kVdaMountInfo);
  sys.ambivalent_devices = {"/dev/vda"};
  auto ambivalent = detect_root_filesystem(sys);
  ASSERT_FALSE(ambivalent.ok());
  EXPECT_EQ(ambivalent.error().errnum, 0);
  sys.ambivalent_devices.clear();

  auto no_root = find_root_mount("22 28 0:21 / /sys rw - sysfs sysfs rw\n", "/proc/self/mountinfo");
  ASSERT_FALSE(no_root.ok());
  EXPECT_EQ(no_root.error().errnum, 0);

  sys.block_devices["/dev/vda"] = blkid_tags(kUuid, "ext4");
  for (int n : {1, 2, 3}) {  // read of mountinfo, lstat of /dev/vda, the probe
    sys.fail_call(n, EIO);
    auto r = detect_root_filesystem(sys);
    ASSERT_TRUE(sys.fault_hit());
    ASSERT_FALSE(r.ok()) << "call " << n;
    EXPECT_EQ(r.error().errnum, EIO) << "call " << n;
  }
}

TEST_F(RootfsTest, FailingLstatOfDevBlockIsASystemError) {
  sys.put_file(paths::kMountInfo, "25 1 252:3 / / rw - ext4 /dev/mapper/vg-root rw\n");
  sys.fail_call(3, EACCES);  // read, lstat of the source, lstat of /dev/block/252:3
  auto r = detect_root_filesystem(sys);
  ASSERT_TRUE(sys.fault_hit());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().errnum, EACCES);
  EXPECT_NE(r.error().message.find("/dev/block/252:3"), std::string::npos);
}

TEST_F(RootfsTest, UnreadableMountInfoIsAnError) {
  auto r = detect_root_filesystem(sys);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("/proc/self/mountinfo"), std::string::npos);
}

TEST_F(RootfsTest, DetectedRootFeedsTheFstabPlan) {
  sys.put_file(paths::kMountInfo, kVdaMountInfo);
  sys.block_devices["/dev/vda"] = blkid_tags(kUuid, "ext4");
  auto r = detect_root_filesystem(sys);
  ASSERT_TRUE(r.ok());
  auto d = plan_root_entry("# UNCONFIGURED FSTAB FOR BASE SYSTEM\n", "/etc/fstab", r.value());
  ASSERT_TRUE(d.ok() && d.value().new_text);
  EXPECT_EQ(d.value().new_text->substr(d.value().new_text->rfind("UUID=")), "UUID=" + kUuid + " / ext4 defaults 0 1\n");
}

}  // namespace
}  // namespace sckl
