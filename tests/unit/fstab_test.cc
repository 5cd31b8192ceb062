#include "formats/fstab.h"

#include <gtest/gtest.h>

namespace sckl {
namespace {

const std::string kName = "/etc/fstab";
const std::string kUnconfigured = "# UNCONFIGURED FSTAB FOR BASE SYSTEM\n";
const std::string kUuid = "0f6e4b2c-4c1d-4c55-9a8e-2b8a3c1e7d10";

RootFilesystem ext4_root() { return RootFilesystem{kUuid, "ext4", "/dev/vda"}; }

Result<FstabDecision> plan(const std::string& text, std::optional<RootFilesystem> root = ext4_root()) {
  return plan_root_entry(text, kName, root);
}

std::string added(const std::string& uuid, const std::string& type, int pass) {
  return "# / added by sckl: the disk's kernel mounts the root file system read-write\nUUID=" + uuid + " / " + type +
         " defaults 0 " + std::to_string(pass) + "\n";
}

TEST(Fstab, UnconfiguredFstabGetsRootEntryAppended) {
  auto d = plan(kUnconfigured);
  ASSERT_TRUE(d.ok()) << d.error().describe();
  ASSERT_TRUE(d.value().new_text.has_value());
  EXPECT_EQ(*d.value().new_text,
            "# UNCONFIGURED FSTAB FOR BASE SYSTEM\n"
            "# / added by sckl: the disk's kernel mounts the root file system read-write\n"
            "UUID=0f6e4b2c-4c1d-4c55-9a8e-2b8a3c1e7d10 / ext4 defaults 0 1\n");
  EXPECT_TRUE(d.value().warnings.empty());
}

TEST(Fstab, AppendedEntryParsesBackAsTheRootEntry) {
  auto d = plan(kUnconfigured);
  ASSERT_TRUE(d.ok() && d.value().new_text);
  auto entries = parse_fstab(*d.value().new_text, kName);
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries.value().size(), 1u);
  EXPECT_EQ(entries.value()[0].line, 3);
  EXPECT_EQ(entries.value()[0].source, "UUID=" + kUuid);
  EXPECT_EQ(entries.value()[0].target, "/");
  EXPECT_EQ(entries.value()[0].fstype, "ext4");
  EXPECT_EQ(entries.value()[0].options, "defaults");
  // A second run finds it and changes nothing.
  auto again = plan(*d.value().new_text);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again.value().new_text.has_value());
  EXPECT_TRUE(again.value().warnings.empty());
}

TEST(Fstab, EmptyFileGetsOnlyTheEntry) {
  auto d = plan("");
  ASSERT_TRUE(d.ok());
  ASSERT_TRUE(d.value().new_text.has_value());
  EXPECT_EQ(*d.value().new_text, added(kUuid, "ext4", 1));
}

TEST(Fstab, UnterminatedLastLineGetsANewlineBeforeOurs) {
  const std::string text = "# fstab\nUUID=1234-ABCD /boot/efi vfat umask=0077 0 1";
  auto d = plan(text);
  ASSERT_TRUE(d.ok()) << d.error().describe();
  ASSERT_TRUE(d.value().new_text.has_value());
  EXPECT_EQ(*d.value().new_text, text + "\n" + added(kUuid, "ext4", 1));
}

TEST(Fstab, CommentsBlankLinesAndOddSpacingArePreservedByteForByte) {
  const std::string text =
      "# <file system> <mount point>   <type>  <options>       <dump>  <pass>\n"
      "\n"
      "   \t\n"
      "  # indented comment\r\n"
      "/dev/vdb1\t/srv   ext4  noatime,nofail\t0 2\n"
      "tmpfs /tmp tmpfs mode=1777 0 0\r\n"
      "# UUID=dead-beef / ext4 defaults 0 1   (commented out: not an entry)\n"
      "\n";
  auto d = plan(text);
  ASSERT_TRUE(d.ok()) << d.error().describe();
  ASSERT_TRUE(d.value().new_text.has_value());
  EXPECT_EQ(*d.value().new_text, text + added(kUuid, "ext4", 1));
}

TEST(Fstab, ParseReportsEntriesWithTheirLines) {
  auto e = parse_fstab("# c\n\n/dev/vdb1\t/srv   ext4  noatime,nofail\t0 2\ntmpfs /tmp tmpfs mode=1777 0 0\r\n", kName);
  ASSERT_TRUE(e.ok()) << e.error().describe();
  ASSERT_EQ(e.value().size(), 2u);
  EXPECT_EQ(e.value()[0].line, 3);
  EXPECT_EQ(e.value()[0].source, "/dev/vdb1");
  EXPECT_EQ(e.value()[0].target, "/srv");
  EXPECT_EQ(e.value()[0].options, "noatime,nofail");
  EXPECT_EQ(e.value()[1].line, 4);
  EXPECT_EQ(e.value()[1].fstype, "tmpfs");
  EXPECT_EQ(e.value()[1].options, "mode=1777");
}

TEST(Fstab, ParseDecodesOctalEscapes) {
  auto e = parse_fstab("/dev/vdb1 /srv/my\\040data ext4 defaults 0 2\n", kName);
  ASSERT_TRUE(e.ok());
  ASSERT_EQ(e.value().size(), 1u);
  EXPECT_EQ(e.value()[0].target, "/srv/my data");
}

TEST(Fstab, ExistingRootEntryStaysAsItIs) {
  for (const std::string line : {"UUID=11111111-2222-3333-4444-555555555555 / ext4 errors=remount-ro 0 1",
                                 "/dev/vda / ext4 rw 0 0", "LABEL=cloudimg-rootfs\t/\text4\tdiscard,errors=remount-ro\t0 1",
                                 "/dev/vda // ext4 defaults 0 1", "PARTUUID=abc-01 / xfs defaults"}) {
    auto d = plan("# fstab\n" + line + "\n");
    ASSERT_TRUE(d.ok()) << line << ": " << d.error().describe();
    EXPECT_FALSE(d.value().new_text.has_value()) << line;
    EXPECT_TRUE(d.value().warnings.empty()) << line;
  }
}

TEST(Fstab, ReadOnlyRootEntryStaysWithAWarningNamingTheLine) {
  auto d = plan("# fstab\n\n/dev/vda / ext4 defaults,ro 0 1\n");
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE(d.value().new_text.has_value());
  ASSERT_EQ(d.value().warnings.size(), 1u);
  EXPECT_EQ(d.value().warnings[0],
            "/etc/fstab line 3 mounts / read-only (options 'defaults,ro'): the disk's kernel will keep the root file "
            "system read-only; remove 'ro' from that line unless that is what you want");
}

TEST(Fstab, ReadOnlyFollowsTheLastWordLikeMount) {
  EXPECT_TRUE(options_mount_read_only("ro"));
  EXPECT_TRUE(options_mount_read_only("rw,ro"));
  EXPECT_TRUE(options_mount_read_only("ro,defaults"));
  EXPECT_FALSE(options_mount_read_only("ro,rw"));
  EXPECT_FALSE(options_mount_read_only("defaults"));
  EXPECT_FALSE(options_mount_read_only("errors=remount-ro"));
  EXPECT_FALSE(options_mount_read_only(""));
  auto d = plan("/dev/vda / ext4 errors=remount-ro 0 1\n");
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d.value().warnings.empty());
}

TEST(Fstab, RootTargetInTheSpellingsLibmountTreatsAsRoot) {
  EXPECT_TRUE(is_root_target("/"));
  EXPECT_TRUE(is_root_target("//"));
  EXPECT_TRUE(is_root_target("///"));
  EXPECT_FALSE(is_root_target(""));
  EXPECT_FALSE(is_root_target("/root"));
  EXPECT_FALSE(is_root_target("/srv/"));
}

TEST(Fstab, MalformedLineIsAnErrorNamingFileAndLine) {
  auto d = plan("# fstab\n/dev/vda / ext4 defaults 0 1\n\n/dev/vdb1 /srv\n");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().message,
            "/etc/fstab line 4 is not an fstab entry (source, mount point, type, options, dump, pass): "
            "'/dev/vdb1 /srv'");
  EXPECT_EQ(d.error().hint, "fix or remove that line of /etc/fstab, then run 'dpkg --configure -a'");
}

TEST(Fstab, OtherMalformedLines) {
  for (const std::string bad : {"justone", "/dev/vdb /srv ext4 defaults zero 2", "/dev/vdb /srv ext4 defaults 0 x",
                                "1 2 3"}) {
    auto e = parse_fstab("\n" + bad + "\n", "/target/etc/fstab");
    ASSERT_FALSE(e.ok()) << bad;
    EXPECT_EQ(e.error().message.rfind("/target/etc/fstab line 2 ", 0), 0u) << e.error().message;
  }
}

TEST(Fstab, NulByteIsAnErrorNamingTheLine) {
  const char raw[] = "# ok\n/dev/vda / ext4\0 defaults 0 1\n";
  auto e = parse_fstab(std::string(raw, sizeof(raw) - 1), kName);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().message, "/etc/fstab line 2 contains a NUL byte: '/dev/vda / ext4\\x00 defaults 0 1'");
}

TEST(Fstab, UnknownRootLeavesFileAndSaysWhatToAdd) {
  for (auto root : {std::optional<RootFilesystem>(), std::optional<RootFilesystem>(RootFilesystem{"", "xfs", "/dev/vda"})}) {
    auto d = plan(kUnconfigured, root);
    ASSERT_TRUE(d.ok());
    EXPECT_FALSE(d.value().new_text.has_value());
    ASSERT_EQ(d.value().warnings.size(), 1u);
    const std::string type = root ? "xfs" : "ext4";
    const std::string pass = root ? "0" : "1";
    EXPECT_EQ(d.value().warnings[0],
              "/etc/fstab has no entry for / and the UUID of the root file system is unknown, so the disk's kernel "
              "may leave / read-only: add a line such as 'UUID=<UUID shown by blkid> / " +
                  type + " defaults 0 " + pass + "' to /etc/fstab by hand");
  }
}

TEST(Fstab, UnknownRootWithExistingEntryIsSilent) {
  auto d = plan("/dev/vda / ext4 defaults 0 1\n", std::nullopt);
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE(d.value().new_text.has_value());
  EXPECT_TRUE(d.value().warnings.empty());
}

TEST(Fstab, MalformedFileIsAnErrorEvenWhenRootIsUnknown) {
  EXPECT_FALSE(plan("bad\n", std::nullopt).ok());
}

TEST(Fstab, FsckPassOnlyForTypesFsckReallyChecks) {
  for (const std::string t : {"ext2", "ext3", "ext4"}) EXPECT_EQ(root_fsck_pass(t), 1) << t;
  for (const std::string t : {"xfs", "btrfs", "f2fs", "vfat", "weird"}) EXPECT_EQ(root_fsck_pass(t), 0) << t;
  auto d = plan(kUnconfigured, RootFilesystem{kUuid, "btrfs", "/dev/vda"});
  ASSERT_TRUE(d.ok() && d.value().new_text);
  EXPECT_EQ(*d.value().new_text, kUnconfigured + added(kUuid, "btrfs", 0));
}

TEST(Fstab, FatVolumeIdIsAValidUuid) {
  auto d = plan("", RootFilesystem{"1234-ABCD", "ext4", "/dev/vda"});
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d.value().new_text, added("1234-ABCD", "ext4", 1));
}

TEST(Fstab, InjectedJunkInUuidOrTypeIsRefused) {
  for (const std::string& uuid : std::vector<std::string>{kUuid + " / ext4 ro 0 0\nUUID=x", kUuid + "\n/dev/evil /",
                                                          "abc/def", "ghij", kUuid + " ", std::string(65, 'a')}) {
    auto d = plan(kUnconfigured, RootFilesystem{uuid, "ext4", "/dev/vda"});
    ASSERT_FALSE(d.ok()) << uuid;
    EXPECT_NE(d.error().message.find("will not write the root file system's UUID"), std::string::npos);
    EXPECT_EQ(d.error().message.find('\n'), std::string::npos) << "message must not carry the injected newline";
    EXPECT_EQ(d.error().hint, "add a line for / to /etc/fstab by hand, then run 'dpkg --configure -a'");
  }
  for (const std::string type : {"ext4 ro", "ext4\n/dev/x", "ext4,ro", "", "a/b", "ext4#"}) {
    auto d = plan(kUnconfigured, RootFilesystem{kUuid, type, "/dev/vda"});
    ASSERT_FALSE(d.ok()) << type;
    EXPECT_NE(d.error().message.find("will not write the root file system's type"), std::string::npos);
  }
  EXPECT_TRUE(is_valid_fs_type("fuse.sshfs"));
  EXPECT_TRUE(is_valid_fs_type("ext4"));
  EXPECT_TRUE(is_valid_fs_uuid(kUuid));
}

}  // namespace
}  // namespace sckl
