#include "formats/line_edit.h"

#include <gtest/gtest.h>

namespace sckl {
namespace {

const std::string kBase = "# UNCONFIGURED FSTAB FOR BASE SYSTEM\n/dev/vdb /srv ext4 defaults 0 2\n";
const std::string kComment = "# / added by sckl: the disk's kernel mounts the root file system read-write";
const std::string kRoot = "UUID=0b3c / ext4 defaults 0 1";

TEST(DiffLines, AnAppendIsAnInsertionOfThoseLines) {
  auto e = diff_lines(kBase, kBase + kComment + "\n" + kRoot + "\n");
  ASSERT_TRUE(e);
  EXPECT_TRUE(e->removed.empty());
  EXPECT_EQ(e->added, (std::vector<std::string>{kComment, kRoot}));
}

TEST(DiffLines, AChangedLineIsAReplacement) {
  auto e = diff_lines("# x\nLOAD_KEXEC=true\nKERNEL_IMAGE=/vmlinuz\n", "# x\nLOAD_KEXEC=false\nKERNEL_IMAGE=/vmlinuz\n");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->removed, std::vector<std::string>{"LOAD_KEXEC=true"});
  EXPECT_EQ(e->added, std::vector<std::string>{"LOAD_KEXEC=false"});
  EXPECT_FALSE(diff_lines("a\nb\n", "a\nb\n"));
  EXPECT_FALSE(diff_lines("a\nb", "a\nb\n"));  // same lines: only the final newline differs
  auto from_nothing = diff_lines("", "a\n");
  ASSERT_TRUE(from_nothing);
  EXPECT_EQ(from_nothing->added, std::vector<std::string>{"a"});
}

TEST(RevertLineEdit, RemovesOnlySckslsLinesWhenTheAdminEditedOthers) {
  const std::string written = kBase + kComment + "\n" + kRoot + "\n";
  auto e = diff_lines(kBase, written);
  ASSERT_TRUE(e);
  // The admin changed the /srv line and added one after sckl's.
  std::string now = "# UNCONFIGURED FSTAB FOR BASE SYSTEM\n/dev/vdb /srv ext4 noatime 0 2\n" + kComment + "\n" + kRoot +
                    "\ntmpfs /tmp tmpfs defaults 0 0\n";
  auto r = revert_line_edit(now, *e);
  EXPECT_TRUE(r.complete);
  EXPECT_TRUE(r.changed);
  EXPECT_TRUE(r.kept.empty());
  EXPECT_EQ(r.text, "# UNCONFIGURED FSTAB FOR BASE SYSTEM\n/dev/vdb /srv ext4 noatime 0 2\ntmpfs /tmp tmpfs defaults 0 0\n");
}

TEST(RevertLineEdit, KeepsAndNamesSckslsLineTheAdminEdited) {
  auto e = diff_lines(kBase, kBase + kComment + "\n" + kRoot + "\n");
  ASSERT_TRUE(e);
  std::string now = kBase + kComment + "\nUUID=0b3c / ext4 defaults,noatime 0 1\n";
  auto r = revert_line_edit(now, *e);
  EXPECT_FALSE(r.complete);
  EXPECT_EQ(r.kept, std::vector<std::string>{kRoot});
  // The comment alone is sckl's and goes; the admin's line stays.
  EXPECT_EQ(r.text, kBase + "UUID=0b3c / ext4 defaults,noatime 0 1\n");
}

TEST(RevertLineEdit, AReplacementIsPutBackOrLeftWhole) {
  auto e = diff_lines("# x\nLOAD_KEXEC=true\nKERNEL_IMAGE=/vmlinuz\n", "# x\nLOAD_KEXEC=false\nKERNEL_IMAGE=/vmlinuz\n");
  ASSERT_TRUE(e);
  auto r = revert_line_edit("# x\nLOAD_KEXEC=false\nKERNEL_IMAGE=/boot/vmlinuz\nAPPEND=quiet\n", *e);
  EXPECT_TRUE(r.complete);
  EXPECT_EQ(r.text, "# x\nLOAD_KEXEC=true\nKERNEL_IMAGE=/boot/vmlinuz\nAPPEND=quiet\n");
  auto edited = revert_line_edit("# x\nLOAD_KEXEC=no\nKERNEL_IMAGE=/vmlinuz\n", *e);
  EXPECT_FALSE(edited.complete);
  EXPECT_FALSE(edited.changed);
  EXPECT_EQ(edited.kept, std::vector<std::string>{"LOAD_KEXEC=false"});
}

TEST(RevertLineEdit, ARepeatedLineIsNotGuessedAt) {
  LineEdit e{{}, {"x"}};
  auto r = revert_line_edit("a\nx\nb\nx\n", e);
  EXPECT_FALSE(r.complete);
  EXPECT_FALSE(r.changed);
  EXPECT_EQ(r.kept, std::vector<std::string>{"x"});
  // A deletion cannot be put back without knowing where.
  auto d = revert_line_edit("a\n", LineEdit{{"gone"}, {}});
  EXPECT_FALSE(d.complete);
  EXPECT_FALSE(d.changed);
}

TEST(RevertLineEdit, KeepsTheCurrentFinalNewline) {
  LineEdit e{{}, {"x"}};
  EXPECT_EQ(revert_line_edit("a\nx\nb", e).text, "a\nb");
  EXPECT_EQ(revert_line_edit("a\nx\n", e).text, "a\n");
}

}  // namespace
}  // namespace sckl
