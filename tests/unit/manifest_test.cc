#include "install/manifest.h"

#include <gtest/gtest.h>

#include "base/paths.h"
#include "base/sha256.h"
#include "fake_system.h"
#include "log_capture.h"

namespace sckl {
namespace {

using testing::FakeSystem;
using testing::LogCapture;

// What purge does with the files (purge.cc: restore_files, then the state
// directory goes last), without purge's debconf part.
Status undo_all(System& sys, const Manifest& manifest) {
  SCKL_TRY(restore_files(sys, manifest));
  return remove_state(sys);
}

TEST(Manifest, RoundTripsEveryRecordKind) {
  Manifest m;
  m.created_dirs = {"/etc/sckl", "/etc/systemd/system/odd dir%"};
  m.files.push_back({"/etc/fstab", sha256_hex("orig"), 0640, sha256_hex("new"), "", {}, {}});
  m.files.push_back({"/etc/sckl/sckl.conf", kAbsent, 0, "", sha256_hex("x"), {}, {}});
  m.debconf.push_back({"kexec-tools/load_kexec", "true"});
  m.debconf.push_back({"q/empty", ""});
  auto back = Manifest::parse(m.serialize(), "manifest");
  ASSERT_TRUE(back.ok()) << back.error().describe();
  EXPECT_EQ(back.value().serialize(), m.serialize());
  EXPECT_EQ(back.value().created_dirs[1], "/etc/systemd/system/odd dir%");
  EXPECT_EQ(back.value().files[0].original_mode, 0640u);
  EXPECT_EQ(back.value().files[1].pending_sha, sha256_hex("x"));
  EXPECT_EQ(back.value().debconf[1].original_value, "");
}

TEST(Manifest, RoundTripsOwnerAttributesAndLineEdits) {
  Manifest m;
  FileChange f{"/etc/fstab", sha256_hex("orig"), 0600, sha256_hex("new"), "", {}, {}};
  f.original_attrs = FileAttrs{1000, 27, 0600, {{"user.note", "a b\n%"}, {"system.posix_acl_access", std::string("\x02\0\0", 3)}}};
  f.edit = LineEdit{{}, {"# comment", "UUID=x / ext4 defaults 0 1", ""}};
  m.files.push_back(f);
  FileChange k{"/etc/default/kexec", sha256_hex("k"), 0644, sha256_hex("k2"), "", {}, {}};
  k.original_attrs = FileAttrs{0, 0, 0644, {}};
  k.edit = LineEdit{{"LOAD_KEXEC=true"}, {"LOAD_KEXEC=false"}};
  m.files.push_back(k);
  auto back = Manifest::parse(m.serialize(), "manifest");
  ASSERT_TRUE(back.ok()) << back.error().describe();
  EXPECT_EQ(back.value().serialize(), m.serialize());
  ASSERT_TRUE(back.value().files[0].original_attrs);
  EXPECT_EQ(*back.value().files[0].original_attrs, *f.original_attrs);
  EXPECT_EQ(back.value().files[0].edit, f.edit);
  EXPECT_EQ(back.value().files[1].edit, k.edit);
}

TEST(Manifest, ReadsTheRecordsOfSckl01) {
  // Six fields, no owner, no edit: purge then works as 0.1 did.
  auto r = Manifest::parse("sckl-manifest 1\nfile /etc/fstab " + sha256_hex("o") + " 0640 " + sha256_hex("n") + " -\n",
                           "m");
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_FALSE(r.value().files[0].original_attrs);
  EXPECT_FALSE(r.value().files[0].edit);
}

TEST(Manifest, RejectsOrphanAndMalformedAttributeAndEditRecords) {
  const std::string file = "file /etc/a " + sha256_hex("o") + " 0644 - -";
  EXPECT_FALSE(Manifest::parse("sckl-manifest 1\nedit /etc/a 0 1 x\n", "m").ok());           // no file before
  EXPECT_FALSE(Manifest::parse("sckl-manifest 1\n" + file + "\nxattr /etc/a user.x v\n", "m").ok());  // no owner
  EXPECT_FALSE(Manifest::parse("sckl-manifest 1\n" + file + " 0:x\n", "m").ok());
  EXPECT_FALSE(Manifest::parse("sckl-manifest 1\n" + file + " 0:0:0\n", "m").ok());
  EXPECT_FALSE(Manifest::parse("sckl-manifest 1\n" + file + "\nedit /etc/a 1 1 x\n", "m").ok());  // count
  EXPECT_FALSE(Manifest::parse("sckl-manifest 1\n" + file + "\nedit /etc/a 0 0\n", "m").ok());
  EXPECT_FALSE(Manifest::parse("sckl-manifest 1\n" + file + "\nedit /etc/a 18446744073709551615 2 x\n", "m").ok());
  EXPECT_FALSE(Manifest::parse("sckl-manifest 1\n" + file + "\n" + file + "\n", "m").ok());
  EXPECT_FALSE(Manifest::parse("sckl-manifest 1\nfile /etc/a absent 0 - - 0:0\n", "m").ok());
  EXPECT_TRUE(Manifest::parse("sckl-manifest 1\n" + file + " 0:0\nxattr /etc/a user.x v\nedit /etc/a 0 1 x\n", "m").ok());
}

TEST(Manifest, RejectsDamageNamingTheLine) {
  auto r = Manifest::parse("sckl-manifest 1\nfile /etc/fstab nothex 0644 - -\n", "/var/lib/sckl/manifest");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("/var/lib/sckl/manifest line 2"), std::string::npos);
  EXPECT_FALSE(Manifest::parse("garbage\n", "m").ok());
  EXPECT_FALSE(Manifest::parse("sckl-manifest 1\nfile relative absent 0 - -\n", "m").ok());
  EXPECT_FALSE(Manifest::parse("sckl-manifest 1\ndir /a%zz\n", "m").ok());
  EXPECT_FALSE(Manifest::parse("sckl-manifest 1\ndir /a%4\n", "m").ok());
  EXPECT_FALSE(Manifest::parse("sckl-manifest 1\nwhat /x\n", "m").ok());
  EXPECT_FALSE(Manifest::parse("# only a comment\n", "m").ok());
  EXPECT_TRUE(Manifest::parse("", "m").ok());
}

// Found by tests/fuzz/manifest: a line of blanks after the header read the
// first word of an empty list (undefined behaviour) instead of being refused.
TEST(Manifest, RejectsALineOfBlanks) {
  for (const char* blanks : {" ", "\t", "\v", "\r", "  \t "}) {
    auto r = Manifest::parse(std::string("sckl-manifest 1\n") + blanks + "\n", "m");
    ASSERT_FALSE(r.ok()) << "'" << blanks << "'";
    EXPECT_NE(r.error().message.find("m line 2"), std::string::npos);
  }
}

class ChangeSetTest : public ::testing::Test {
 protected:
  FakeSystem sys;
  Manifest m;
  void SetUp() override {
    sys.put_dir("/etc");
    sys.put_dir("/var/lib");
  }
  Manifest reload() {
    auto r = load_manifest(sys);
    EXPECT_TRUE(r.ok());
    return r.ok() ? r.value() : Manifest{};
  }
};

TEST_F(ChangeSetTest, EditRecordsOriginalAndUndoRestoresBytesAndMode) {
  sys.put_file("/etc/fstab", "# UNCONFIGURED FSTAB FOR BASE SYSTEM\n", 0640);
  ChangeSet cs(sys, m);
  auto r = cs.put_file("/etc/fstab", "new\n");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value(), ChangeSet::Outcome::Written);
  EXPECT_EQ(sys.content("/etc/fstab"), "new\n");
  EXPECT_EQ(sys.nodes["/etc/fstab"].mode, 0640u);  // the admin's mode is kept
  Manifest saved = reload();
  ASSERT_EQ(saved.files.size(), 1u);
  EXPECT_EQ(saved.files[0].written_sha, sha256_hex("new\n"));
  EXPECT_TRUE(saved.files[0].pending_sha.empty());

  ASSERT_TRUE(undo_all(sys, saved).ok());
  EXPECT_EQ(sys.content("/etc/fstab"), "# UNCONFIGURED FSTAB FOR BASE SYSTEM\n");
  EXPECT_EQ(sys.nodes["/etc/fstab"].mode, 0640u);
  EXPECT_FALSE(sys.has(paths::kStateDir));
}

TEST_F(ChangeSetTest, OwnerGroupModeAndXattrsAreKeptAndGivenBackExactly) {
  sys.put_file("/etc/fstab", "/dev/vdb /srv ext4 defaults 0 2\n", 0604);
  auto& n = sys.nodes["/etc/fstab"];
  n.uid = 1000;
  n.gid = 27;
  n.xattrs = {{"system.posix_acl_access", "acl"}, {"user.backup", "no"}};
  const FakeSystem::Node before = n;
  ChangeSet cs(sys, m);
  ASSERT_TRUE(cs.put_file("/etc/fstab", before.data + "UUID=x / ext4 defaults 0 1\n").ok());
  // While sckl's edit is in place the file is still the admin's.
  EXPECT_EQ(sys.nodes["/etc/fstab"].uid, 1000u);
  EXPECT_EQ(sys.nodes["/etc/fstab"].gid, 27u);
  EXPECT_EQ(sys.nodes["/etc/fstab"].xattrs, before.xattrs);
  // Purge after someone chmod'ed and chown'ed it: back as before install.
  sys.nodes["/etc/fstab"].mode = 0666;
  sys.nodes["/etc/fstab"].uid = 0;
  sys.nodes["/etc/fstab"].xattrs.clear();
  ASSERT_TRUE(undo_all(sys, reload()).ok());
  const auto& after = sys.nodes["/etc/fstab"];
  EXPECT_EQ(after.data, before.data);
  EXPECT_EQ(after.mode, 0604u);
  EXPECT_EQ(after.uid, 1000u);
  EXPECT_EQ(after.gid, 27u);
  EXPECT_EQ(after.xattrs, before.xattrs);
}

TEST_F(ChangeSetTest, UndoRemovesSckslLinesWhenTheAdminChangedOthers) {
  sys.put_file("/etc/fstab", "# base\n/dev/vdb /srv ext4 defaults 0 2\n", 0640);
  sys.nodes["/etc/fstab"].gid = 4;
  ChangeSet cs(sys, m);
  ASSERT_TRUE(cs.put_file("/etc/fstab", "# base\n/dev/vdb /srv ext4 defaults 0 2\n# sckl\nUUID=x / ext4 defaults 0 1\n").ok());
  sys.nodes["/etc/fstab"].data = "# base\n/dev/vdb /srv ext4 noatime 0 2\n# sckl\nUUID=x / ext4 defaults 0 1\n";
  sys.nodes["/etc/fstab"].mode = 0644;  // the admin's change of mode stays with their content
  LogCapture log;
  ASSERT_TRUE(undo_all(sys, reload()).ok());
  EXPECT_EQ(sys.content("/etc/fstab"), "# base\n/dev/vdb /srv ext4 noatime 0 2\n");
  EXPECT_EQ(sys.nodes["/etc/fstab"].mode, 0644u);
  EXPECT_EQ(sys.nodes["/etc/fstab"].gid, 4u);
  EXPECT_TRUE(log.contains("undid sckl's change to /etc/fstab")) << log.text();
}

TEST_F(ChangeSetTest, UndoLeavesAndNamesSckslLineTheAdminEdited) {
  sys.put_file("/etc/fstab", "# base\n");
  ChangeSet cs(sys, m);
  ASSERT_TRUE(cs.put_file("/etc/fstab", "# base\nUUID=x / ext4 defaults 0 1\n").ok());
  sys.put_file("/etc/fstab", "# base\nUUID=x / ext4 defaults,noatime 0 1\n");
  LogCapture log;
  ASSERT_TRUE(undo_all(sys, reload()).ok());
  EXPECT_EQ(sys.content("/etc/fstab"), "# base\nUUID=x / ext4 defaults,noatime 0 1\n");
  EXPECT_TRUE(log.contains("/etc/fstab was changed after sckl wrote it, sckl's own lines too")) << log.text();
  EXPECT_TRUE(log.contains("'UUID=x / ext4 defaults 0 1'")) << log.text();
}

TEST_F(ChangeSetTest, ARecordOfSckl01GetsItsEditOnTheNextConfigure) {
  sys.put_file("/etc/fstab", "# base\n");
  ChangeSet cs(sys, m);
  ASSERT_TRUE(cs.put_file("/etc/fstab", "# base\nUUID=x / ext4 defaults 0 1\n").ok());
  Manifest old = reload();
  old.files[0].edit.reset();
  old.files[0].original_attrs.reset();
  ASSERT_TRUE(save_manifest(sys, old).ok());
  Manifest again = reload();
  ChangeSet cs2(sys, again);
  ASSERT_EQ(cs2.put_file("/etc/fstab", "# base\nUUID=x / ext4 defaults 0 1\n").value(), ChangeSet::Outcome::Unchanged);
  ASSERT_TRUE(reload().files[0].edit);
  EXPECT_EQ(reload().files[0].edit->added, std::vector<std::string>{"UUID=x / ext4 defaults 0 1"});
}

TEST_F(ChangeSetTest, CreatedFilesAndDirsAreRemovedOnUndo) {
  ChangeSet cs(sys, m);
  ASSERT_TRUE(cs.ensure_dir("/etc/systemd/network").ok());
  ASSERT_TRUE(cs.put_file("/etc/systemd/network/10-sckl-eth0.link", "x").ok());
  EXPECT_EQ(reload().created_dirs, (std::vector<std::string>{"/etc/systemd", "/etc/systemd/network"}));
  ASSERT_TRUE(undo_all(sys, reload()).ok());
  EXPECT_FALSE(sys.has("/etc/systemd"));
  EXPECT_TRUE(sys.has("/etc"));
}

TEST_F(ChangeSetTest, DirectoryWithAdminFilesIsKept) {
  ChangeSet cs(sys, m);
  ASSERT_TRUE(cs.ensure_dir("/etc/systemd/network").ok());
  ASSERT_TRUE(cs.put_file("/etc/systemd/network/10-sckl-eth0.link", "x").ok());
  sys.put_file("/etc/systemd/network/20-admin.network", "mine");
  ASSERT_TRUE(undo_all(sys, reload()).ok());
  EXPECT_FALSE(sys.has("/etc/systemd/network/10-sckl-eth0.link"));
  EXPECT_EQ(sys.content("/etc/systemd/network/20-admin.network"), "mine");
}

TEST_F(ChangeSetTest, SameContentTwiceChangesNothing) {
  sys.put_file("/etc/a", "old");
  ChangeSet cs(sys, m);
  ASSERT_TRUE(cs.put_file("/etc/a", "new").ok());
  auto before = sys.nodes;
  auto r = cs.put_file("/etc/a", "new");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value(), ChangeSet::Outcome::Unchanged);
  EXPECT_EQ(sys.nodes.size(), before.size());
  for (const auto& [p, n] : before) EXPECT_EQ(sys.nodes[p].data, n.data) << p;
}

TEST_F(ChangeSetTest, FileAlreadyRightIsNotRecorded) {
  sys.put_file("/etc/a", "same");
  ChangeSet cs(sys, m);
  auto r = cs.put_file("/etc/a", "same");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value(), ChangeSet::Outcome::Unchanged);
  EXPECT_TRUE(m.files.empty());
}

TEST_F(ChangeSetTest, AdminEditIsLeftOnRerunAndOnUndo) {
  sys.put_file("/etc/a", "old");
  ChangeSet cs(sys, m);
  ASSERT_TRUE(cs.put_file("/etc/a", "new").ok());
  sys.put_file("/etc/a", "admin's");
  auto r = cs.put_file("/etc/a", "newer");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value(), ChangeSet::Outcome::LeftAdminCopy);
  EXPECT_EQ(sys.content("/etc/a"), "admin's");
  ASSERT_TRUE(undo_all(sys, reload()).ok());
  EXPECT_EQ(sys.content("/etc/a"), "admin's");
}

TEST_F(ChangeSetTest, AdminRemovingACreatedFileIsRespected) {
  ChangeSet cs(sys, m);
  ASSERT_TRUE(cs.put_file("/etc/created", "x").ok());
  sys.nodes.erase("/etc/created");
  // absent == original: sckl may write it again (nothing of the admin's is lost).
  ASSERT_TRUE(undo_all(sys, reload()).ok());
  EXPECT_FALSE(sys.has("/etc/created"));
}

TEST_F(ChangeSetTest, RefusesSymlinksAndNamesThem) {
  sys.put_link("/etc/fstab", "/nowhere");
  ChangeSet cs(sys, m);
  auto r = cs.put_file("/etc/fstab", "x");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("/etc/fstab"), std::string::npos);
  EXPECT_NE(r.error().message.find("symbolic link"), std::string::npos);
  EXPECT_EQ(sys.nodes["/etc/fstab"].kind, FileKind::Symlink);
}

TEST_F(ChangeSetTest, DamagedSavedCopyStopsUndoWithAMessage) {
  sys.put_file("/etc/a", "old");
  ChangeSet cs(sys, m);
  ASSERT_TRUE(cs.put_file("/etc/a", "new").ok());
  sys.put_file(saved_copy_path(sha256_hex("old")), "tampered", 0600);
  auto st = undo_all(sys, reload());
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("/etc/a"), std::string::npos);
  EXPECT_EQ(sys.content("/etc/a"), "new");
}

// Every System call of an edit fails in turn, with each errno the issue
// names. After each failure the file is wholly old or wholly new, and a
// re-run converges to what a clean run gives; undo then gives back the
// original bytes.
// The edits of the fault test below; the first failure is returned.
Status edit_three_files(ChangeSet& cs) {
  Status st = cs.ensure_dir("/etc/new/dir");
  if (st.ok()) st = cs.put_file("/etc/new/dir/f", "created").status();
  if (st.ok()) st = cs.put_file("/etc/a", "new").status();
  return st;
}

// The "torn /etc/a" check below can fail: with a writer that writes in place
// (FakeSystem::WriteMode::InPlace) /etc/a is torn when its write is cut off.
TEST_F(ChangeSetTest, TornFileCheckSeesANonAtomicWriter) {
  sys.put_file("/etc/a", "old");
  const FakeSystem pristine = sys;
  int torn = 0;
  for (int n = 1;; ++n) {
    FakeSystem s = pristine;
    s.write_mode = FakeSystem::WriteMode::InPlace;
    Manifest fm;
    ChangeSet cs(s, fm);
    s.fail_call(n, EIO);
    (void)edit_three_files(cs);
    if (!s.fault_hit()) break;
    const std::string a = s.content("/etc/a");
    if (a != "old" && a != "new") ++torn;
  }
  EXPECT_GE(torn, 1);
}

TEST_F(ChangeSetTest, FailingEveryCallInTurnLeavesOldOrNewAndRerunConverges) {
  const int errnos[] = {ENOSPC, EIO, EROFS, EPERM};
  sys.put_file("/etc/a", "old");
  sys.put_file("/etc/b", "keep");
  const FakeSystem pristine = sys;

  // Clean run for reference.
  FakeSystem clean = pristine;
  {
    Manifest cm;
    ChangeSet cs(clean, cm);
    ASSERT_TRUE(cs.ensure_dir("/etc/new/dir").ok());
    ASSERT_TRUE(cs.put_file("/etc/new/dir/f", "created").ok());
    ASSERT_TRUE(cs.put_file("/etc/a", "new").ok());
  }
  int cases = 0;
  for (int err : errnos) {
    for (int n = 1;; ++n) {
      FakeSystem s = pristine;
      Manifest fm;
      ChangeSet cs(s, fm);
      s.fail_call(n, err);
      Status st = edit_three_files(cs);
      if (!s.fault_hit()) break;  // every call has been failed once
      ++cases;
      ASSERT_FALSE(st.ok()) << "call " << n << " failed but the edit reported success";
      EXPECT_NE(st.error().message.find("injected fault"), std::string::npos);
      std::string a = s.content("/etc/a");
      EXPECT_TRUE(a == "old" || a == "new") << "torn /etc/a after call " << n;
      EXPECT_EQ(s.content("/etc/b"), "keep");

      // Re-run without faults, from the manifest on "disk".
      auto loaded = load_manifest(s);
      ASSERT_TRUE(loaded.ok()) << loaded.error().describe();
      Manifest rm = loaded.value();
      ChangeSet again(s, rm);
      ASSERT_TRUE(again.ensure_dir("/etc/new/dir").ok());
      auto r1 = again.put_file("/etc/new/dir/f", "created");
      ASSERT_TRUE(r1.ok());
      EXPECT_NE(r1.value(), ChangeSet::Outcome::LeftAdminCopy) << "call " << n;
      auto r2 = again.put_file("/etc/a", "new");
      ASSERT_TRUE(r2.ok());
      EXPECT_NE(r2.value(), ChangeSet::Outcome::LeftAdminCopy) << "call " << n;
      EXPECT_EQ(s.content("/etc/a"), "new");
      EXPECT_EQ(s.content("/etc/new/dir/f"), "created");

      // And undo gives back exactly the pristine tree.
      auto final_manifest = load_manifest(s);
      ASSERT_TRUE(final_manifest.ok());
      ASSERT_TRUE(undo_all(s, final_manifest.value()).ok());
      EXPECT_EQ(s.nodes.size(), pristine.nodes.size()) << "call " << n;
      for (const auto& [p, node] : pristine.nodes) {
        ASSERT_TRUE(s.has(p)) << p << " after call " << n;
        EXPECT_EQ(s.nodes.at(p).data, node.data) << p;
        EXPECT_EQ(s.nodes.at(p).mode, node.mode) << p;
      }
    }
  }
  EXPECT_GT(cases, 20);
  std::printf("figure: change-set fault cases run: %d\n", cases);
}

// Undo fails at every call in turn; running it again converges.
TEST_F(ChangeSetTest, FailingUndoAtEveryCallThenRerunRestores) {
  sys.put_file("/etc/a", "old");
  {
    ChangeSet cs(sys, m);
    ASSERT_TRUE(cs.ensure_dir("/etc/new").ok());
    ASSERT_TRUE(cs.put_file("/etc/new/f", "created").ok());
    ASSERT_TRUE(cs.put_file("/etc/a", "new").ok());
  }
  const FakeSystem installed = sys;
  int cases = 0;
  for (int n = 1;; ++n) {
    FakeSystem s = installed;
    s.fail_call(n, EIO);
    auto loaded = load_manifest(s);
    Status st = loaded.ok() ? undo_all(s, loaded.value()) : loaded.status();
    if (!s.fault_hit()) break;
    ++cases;
    EXPECT_FALSE(st.ok());
    std::string a = s.content("/etc/a");
    EXPECT_TRUE(a == "old" || a == "new");
    auto again = load_manifest(s);
    ASSERT_TRUE(again.ok());
    ASSERT_TRUE(undo_all(s, again.value()).ok()) << "call " << n;
    EXPECT_EQ(s.content("/etc/a"), "old");
    EXPECT_FALSE(s.has("/etc/new"));
    EXPECT_FALSE(s.has(paths::kStateDir));
  }
  EXPECT_GT(cases, 5);
}

}  // namespace
}  // namespace sckl
