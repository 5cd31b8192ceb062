// postinst configure, first-boot setup and purge as a whole, on a FakeSystem
// that looks like a freshly built Debian image booted on a provider kernel.
#include "install/setup.h"

#include <gtest/gtest.h>

#include "base/paths.h"
#include "fake_system.h"
#include "install/purge.h"
#include "log_capture.h"

namespace sckl {
namespace {

using testing::FakeSystem;
using testing::LogCapture;

constexpr const char* kUuid = "0b3c2f1e-8d4a-4c56-9e0f-1a2b3c4d5e6f";

FakeSystem provider_booted_server() {
  FakeSystem s;
  s.put_file("/etc/fstab", "# UNCONFIGURED FSTAB FOR BASE SYSTEM\n");
  s.put_file("/etc/default/kexec",
             "# Defaults for kexec initscript\nLOAD_KEXEC=true\nKERNEL_IMAGE=\"/vmlinuz\"\nINITRD=\"/initrd.img\"\n");
  s.put_file("/etc/hostname", "vps1\n");
  s.put_file("/usr/share/sckl/provider-units", "scw-generate-ssh-keys.service provider\nabsent.service target\n");
  s.put_file("/lib/systemd/system/scw-generate-ssh-keys.service", "[Service]\n");
  s.put_dir("/var/lib");
  s.put_dir("/run/systemd/system");
  s.put_file("/proc/self/mountinfo", "22 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n");
  s.put_file("/dev/vda", "");
  s.put_file("/usr/sbin/update-initramfs", "#!/bin/sh\n", 0755);
  s.put_file("/sys/class/net/lo/type", "772\n");
  s.put_file("/sys/class/net/lo/address", "00:00:00:00:00:00\n");
  s.put_link("/sys/class/net/eth0/device", "../../../virtio0");
  s.put_file("/sys/class/net/eth0/type", "1\n");
  s.put_file("/sys/class/net/eth0/address", "52:54:00:12:34:56\n");
  s.block_devices["/dev/vda"] = {{"UUID", kUuid}, {"TYPE", "ext4"}};
  s.udev_devices["/sys/class/net/eth0"] = {{"ID_PATH", "pci-0000:00:03.0"}, {"ID_NET_NAME_PATH", "enp0s3"}};
  s.runner = [](const Command& c) -> Result<ProcessResult> {
    const std::string& p = c.argv[0];
    if (p == "ischroot") return ProcessResult{1, "", ""};
    if (p == "update-initramfs") return ProcessResult{0, "", ""};
    return ProcessResult{127, "", p + ": not found"};
  };
  return s;
}

void expect_same_tree(const FakeSystem& a, const FakeSystem& b, const std::string& when) {
  for (const auto& [p, n] : a.nodes) {
    ASSERT_TRUE(b.has(p)) << p << " missing " << when;
    EXPECT_EQ(static_cast<int>(b.nodes.at(p).kind), static_cast<int>(n.kind)) << p << " " << when;
    EXPECT_EQ(b.nodes.at(p).data, n.data) << p << " " << when;
    EXPECT_EQ(b.nodes.at(p).mode, n.mode) << p << " " << when;
    EXPECT_EQ(b.nodes.at(p).uid, n.uid) << p << " " << when;
    EXPECT_EQ(b.nodes.at(p).gid, n.gid) << p << " " << when;
    EXPECT_EQ(b.nodes.at(p).xattrs, n.xattrs) << p << " " << when;
  }
  for (const auto& [p, n] : b.nodes) EXPECT_TRUE(a.has(p)) << p << " appeared " << when;
}

Status configure(FakeSystem& s) {
  auto facts = gather_install_facts(s);
  if (!facts.ok()) return facts.error();
  return configure_sckl(s, decide_install_site(facts.value()));
}

const char* kLink = "/etc/systemd/network/10-sckl-eth0.link";
const char* kDropIn = "/etc/systemd/system/scw-generate-ssh-keys.service.d/50-sckl-phase.conf";

TEST(Configure, RunningServerGetsEverythingAndPurgeGivesItBackExactly) {
  FakeSystem s = provider_booted_server();
  const FakeSystem pristine = s;
  ASSERT_TRUE(configure(s).ok());

  EXPECT_NE(s.content("/etc/fstab").find(std::string("UUID=") + kUuid + " / ext4"), std::string::npos);
  EXPECT_TRUE(s.content("/etc/fstab").starts_with("# UNCONFIGURED FSTAB FOR BASE SYSTEM\n"));
  EXPECT_NE(s.content(kLink).find("Path=pci-0000:00:03.0"), std::string::npos);
  EXPECT_NE(s.content(kLink).find("Name=eth0"), std::string::npos);
  EXPECT_FALSE(s.has("/etc/systemd/network/10-sckl-lo.link"));
  EXPECT_NE(s.content("/etc/default/kexec").find("\nLOAD_KEXEC=false\n"), std::string::npos);
  EXPECT_TRUE(s.has(kDropIn));
  EXPECT_FALSE(s.has("/etc/systemd/system/absent.service.d"));
  EXPECT_TRUE(s.has(paths::kConfigFile));
  EXPECT_TRUE(s.has(paths::kManifest));
  EXPECT_FALSE(s.has(paths::kFirstBootPending));

  // A second configure changes nothing.
  const FakeSystem once = s;
  ASSERT_TRUE(configure(s).ok());
  expect_same_tree(once, s, "after the second configure");

  ASSERT_TRUE(purge_sckl(s).ok());
  expect_same_tree(pristine, s, "after purge");
}

TEST(Configure, ImageDefersMachineFactsToFirstBoot) {
  FakeSystem s = provider_booted_server();
  s.runner = [inner = s.runner](const Command& c) -> Result<ProcessResult> {
    if (c.argv[0] == "ischroot") return ProcessResult{0, "", ""};
    return inner(c);
  };
  const FakeSystem pristine = s;
  ASSERT_TRUE(configure(s).ok());
  EXPECT_TRUE(s.device_queries.empty()) << "build host probed in an image install";
  EXPECT_EQ(s.content("/etc/fstab"), "# UNCONFIGURED FSTAB FOR BASE SYSTEM\n");
  EXPECT_FALSE(s.has("/etc/systemd/network"));
  EXPECT_TRUE(s.has(paths::kFirstBootPending));
  EXPECT_NE(s.content("/etc/default/kexec").find("LOAD_KEXEC=false"), std::string::npos);

  // First boot: the machine's own facts.
  s.runner = provider_booted_server().runner;
  ASSERT_TRUE(setup_machine(s).ok());
  EXPECT_NE(s.content("/etc/fstab").find(kUuid), std::string::npos);
  EXPECT_TRUE(s.has(kLink));
  EXPECT_FALSE(s.has(paths::kFirstBootPending));

  ASSERT_TRUE(purge_sckl(s).ok());
  expect_same_tree(pristine, s, "after purge");
}

TEST(Configure, DpkgRootIsAnImageWithoutAskingTheHost) {
  FakeSystem s = provider_booted_server();
  // FakeSystem's root is "/"; a foreign root is decided from the facts.
  EXPECT_EQ(decide_install_site({true, false, true}), InstallSite::Image);
  auto config = read_config(s);
  ASSERT_TRUE(config.ok());
  auto plan = plan_configure(s, InstallSite::Image, config.value());
  ASSERT_TRUE(plan.ok());
  for (const auto& f : plan.value().files) EXPECT_NE(f.path, "/etc/fstab");
  EXPECT_TRUE(plan.value().first_boot_pending);
  EXPECT_TRUE(s.device_queries.empty());
}

TEST(Configure, ExistingRootEntryAndAdminConfigAreKept) {
  FakeSystem s = provider_booted_server();
  s.put_file("/etc/fstab", "/dev/vda / ext4 ro 0 1\n");
  s.put_file(paths::kConfigFile, "# mine\nnic_names = off\n");
  LogCapture log;
  ASSERT_TRUE(configure(s).ok());
  EXPECT_EQ(s.content("/etc/fstab"), "/dev/vda / ext4 ro 0 1\n");
  EXPECT_TRUE(log.contains("warning:"));
  EXPECT_EQ(s.content(paths::kConfigFile), "# mine\nnic_names = off\n");
  EXPECT_FALSE(s.has(kLink));  // policy off
}

TEST(Configure, MalformedFstabStopsBeforeAnyChange) {
  FakeSystem s = provider_booted_server();
  s.put_file("/etc/fstab", "# ok\nthisisonefield\n");
  const FakeSystem pristine = s;
  auto st = configure(s);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("/etc/fstab"), std::string::npos);
  EXPECT_NE(st.error().message.find("2"), std::string::npos);
  expect_same_tree(pristine, s, "after a refused configure");
}

TEST(Configure, DamagedConfigStopsBeforeAnyChange) {
  FakeSystem s = provider_booted_server();
  s.put_file(paths::kConfigFile, std::string("\x7f" "ELF\x01\x02 junk\n", 11));
  const FakeSystem pristine = s;
  auto st = configure(s);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find(paths::kConfigFile), std::string::npos);
  expect_same_tree(pristine, s, "after a refused configure");
}

TEST(Configure, DanglingFstabSymlinkIsNamed) {
  FakeSystem s = provider_booted_server();
  s.put_link("/etc/fstab", "/nowhere/fstab");
  const FakeSystem pristine = s;
  auto st = configure(s);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().describe().find("/etc/fstab"), std::string::npos);
  EXPECT_NE(st.error().describe().find("symbolic link"), std::string::npos);
  expect_same_tree(pristine, s, "after a refused configure");
}

TEST(Purge, AdminEditsOfOtherLinesStaySckslLinesGoSckConfGoesAnyway) {
  FakeSystem s = provider_booted_server();
  const std::string fstab_before = s.content("/etc/fstab");
  ASSERT_TRUE(configure(s).ok());
  ASSERT_NE(s.content("/etc/fstab").find(kUuid), std::string::npos);
  s.put_file("/etc/fstab", s.content("/etc/fstab") + "/dev/vdb /srv ext4 defaults 0 2\n");
  // The admin also set an option in /etc/default/kexec; sckl's
  // LOAD_KEXEC=false goes back to true beside it.
  std::string kexec = s.content("/etc/default/kexec");
  kexec.replace(kexec.find("INITRD="), 0, "APPEND=\"quiet\"\n");
  s.put_file("/etc/default/kexec", kexec);
  s.put_file(paths::kConfigFile, "tries = 5\n");
  LogCapture log;
  ASSERT_TRUE(purge_sckl(s).ok());
  EXPECT_EQ(s.content("/etc/fstab"), fstab_before + "/dev/vdb /srv ext4 defaults 0 2\n");
  EXPECT_TRUE(log.contains("undid sckl's change to /etc/fstab")) << log.text();
  EXPECT_FALSE(s.has(paths::kConfigFile));
  EXPECT_FALSE(s.has("/etc/sckl"));
  EXPECT_FALSE(s.has(kLink));
  EXPECT_FALSE(s.has(paths::kStateDir));
  EXPECT_EQ(s.content("/etc/default/kexec"),
            "# Defaults for kexec initscript\nLOAD_KEXEC=true\nKERNEL_IMAGE=\"/vmlinuz\"\nAPPEND=\"quiet\"\n"
            "INITRD=\"/initrd.img\"\n");
}

TEST(Purge, OwnFstabLineTheAdminEditedStaysAndIsNamed) {
  FakeSystem s = provider_booted_server();
  ASSERT_TRUE(configure(s).ok());
  std::string fstab = s.content("/etc/fstab");
  fstab.replace(fstab.find(" defaults 0 1"), 13, " defaults,noatime 0 1");
  s.put_file("/etc/fstab", fstab);
  LogCapture log;
  ASSERT_TRUE(purge_sckl(s).ok());
  EXPECT_NE(s.content("/etc/fstab").find(std::string("UUID=") + kUuid + " / ext4 defaults,noatime 0 1"),
            std::string::npos);
  EXPECT_TRUE(log.contains("/etc/fstab was changed after sckl wrote it, sckl's own lines too")) << log.text();
  EXPECT_TRUE(log.contains(std::string("'UUID=") + kUuid + " / ext4 defaults 0 1'")) << log.text();
}

TEST(Purge, OwnerGroupModeAndXattrsOfEditedFilesAreAsBeforeInstall) {
  FakeSystem s = provider_booted_server();
  for (const char* p : {"/etc/fstab", "/etc/default/kexec"}) {
    auto& n = s.nodes[p];
    n.uid = 1000;
    n.gid = 4;
    n.mode = 0640;
    n.xattrs = {{"system.posix_acl_access", "acl-bytes"}, {"security.selinux", "etc_t"}};
  }
  const FakeSystem pristine = s;
  ASSERT_TRUE(configure(s).ok());
  EXPECT_EQ(s.nodes["/etc/fstab"].uid, 1000u);
  EXPECT_EQ(s.nodes["/etc/fstab"].xattrs, pristine.nodes.at("/etc/fstab").xattrs);
  ASSERT_TRUE(purge_sckl(s).ok());
  expect_same_tree(pristine, s, "after purge");
}

// Every System call of configure fails in turn (each errno the issue names,
// and a killed child): the run reports the failure, every file is wholly old
// or wholly new, a fault-free re-run gives what a clean run gives, and purge
// then gives back the pristine tree.
// The files of `s` (outside sckl's state) that are neither as in `before`
// nor as in `after`.
std::vector<std::string> torn_files(const FakeSystem& before, const FakeSystem& after, const FakeSystem& s) {
  std::vector<std::string> torn;
  for (const auto& [p, node] : s.nodes) {
    if (node.kind != FileKind::Regular || p.starts_with("/var/lib/sckl")) continue;
    bool old_ok = before.has(p) && before.nodes.at(p).data == node.data;
    bool new_ok = after.has(p) && after.nodes.at(p).data == node.data;
    if (!old_ok && !new_ok) torn.push_back(p);
  }
  return torn;
}

// The torn-file check below can fail: with a writer that writes in place
// (FakeSystem::WriteMode::InPlace) it finds torn files.
TEST(Configure, TornFileCheckSeesANonAtomicWriter) {
  const FakeSystem pristine = provider_booted_server();
  FakeSystem clean = pristine;
  ASSERT_TRUE(configure(clean).ok());
  int torn = 0;
  for (int n = 1;; ++n) {
    FakeSystem s = pristine;
    s.write_mode = FakeSystem::WriteMode::InPlace;
    s.fail_call(n, EIO);
    (void)configure(s);
    if (!s.fault_hit()) break;
    torn += static_cast<int>(torn_files(pristine, clean, s).size());
  }
  EXPECT_GT(torn, 3);
}

TEST(Configure, FailingEveryCallInTurnThenRerunConvergesAndPurgeRestores) {
  const FakeSystem pristine = provider_booted_server();
  FakeSystem clean = pristine;
  ASSERT_TRUE(configure(clean).ok());
  int cases = 0;
  for (int err : {ENOSPC, EIO, EROFS, EPERM}) {
    for (int n = 1;; ++n) {
      FakeSystem s = pristine;
      s.fail_call(n, err);
      Status st = configure(s);
      if (!s.fault_hit()) {
        ASSERT_TRUE(st.ok());
        break;
      }
      ++cases;
      ASSERT_FALSE(st.ok()) << "call " << n << " failed but configure reported success";
      for (const auto& p : torn_files(pristine, clean, s)) ADD_FAILURE() << p << " torn after call " << n;
      ASSERT_TRUE(configure(s).ok()) << "re-run after call " << n;
      expect_same_tree(clean, s, "after the re-run of call " + std::to_string(n));
      ASSERT_TRUE(purge_sckl(s).ok());
      expect_same_tree(pristine, s, "after purge, call " + std::to_string(n));
    }
  }
  EXPECT_GT(cases, 100);
  std::printf("figure: postinst configure fault cases run: %d\n", cases);
}

TEST(Purge, FailingEveryCallInTurnThenRerunRestores) {
  FakeSystem installed = provider_booted_server();
  const FakeSystem pristine = installed;
  ASSERT_TRUE(configure(installed).ok());
  int cases = 0;
  for (int err : {EIO, EROFS}) {
    for (int n = 1;; ++n) {
      FakeSystem s = installed;
      s.fail_call(n, err);
      Status st = purge_sckl(s);
      if (!s.fault_hit()) break;
      ++cases;
      EXPECT_FALSE(st.ok()) << "call " << n;
      ASSERT_TRUE(purge_sckl(s).ok()) << "re-run after call " << n;
      expect_same_tree(pristine, s, "after the re-run of call " + std::to_string(n));
    }
  }
  EXPECT_GT(cases, 20);
  std::printf("figure: postrm purge fault cases run: %d\n", cases);
}

}  // namespace
}  // namespace sckl

#include "fake_debconf.h"
#include "formats/config.h"
#include "formats/kexec_tools.h"

namespace sckl {
namespace {

TEST(Debconf, KexecToolsAnswerIsHeldFalseAndGivenBackOnPurge) {
  FakeSystem s = provider_booted_server();
  testing::FakeDebconf dc;
  dc.db[kLoadKexecQuestion] = "true";
  ASSERT_TRUE(configure_sckl(s, InstallSite::RunningServer, &dc).ok());
  EXPECT_EQ(dc.db[kLoadKexecQuestion], "false");
  // A second configure keeps the first original value.
  ASSERT_TRUE(configure_sckl(s, InstallSite::RunningServer, &dc).ok());
  ASSERT_TRUE(purge_sckl(s, &dc).ok());
  EXPECT_EQ(dc.db[kLoadKexecQuestion], "true");
  EXPECT_TRUE(dc.purged);
}

// piuparts' order: sckl removed, kexec-tools purged (its question goes with
// it), then sckl purged: nothing to give back, and the purge succeeds.
TEST(Debconf, PurgeAfterKexecToolsWasPurgedSkipsItsGoneQuestion) {
  FakeSystem s = provider_booted_server();
  testing::FakeDebconf dc;
  dc.db[kLoadKexecQuestion] = "true";
  ASSERT_TRUE(configure_sckl(s, InstallSite::RunningServer, &dc).ok());
  dc.db.erase(kLoadKexecQuestion);
  dc.absent_refuses_set = true;
  LogCapture log;
  ASSERT_TRUE(purge_sckl(s, &dc).ok());
  EXPECT_FALSE(dc.db.count(kLoadKexecQuestion));
  EXPECT_TRUE(dc.purged);
  EXPECT_TRUE(log.contains(std::string(kLoadKexecQuestion) + " no longer exists"));
}

TEST(Debconf, AlreadyFalseOrUnknownQuestionIsNotRecorded) {
  FakeSystem s = provider_booted_server();
  testing::FakeDebconf dc;
  ASSERT_TRUE(configure_sckl(s, InstallSite::RunningServer, &dc).ok());
  EXPECT_FALSE(dc.db.count(kLoadKexecQuestion));
  dc.db[kLoadKexecQuestion] = "false";
  ASSERT_TRUE(configure_sckl(s, InstallSite::RunningServer, &dc).ok());
  ASSERT_TRUE(purge_sckl(s, &dc).ok());
  EXPECT_EQ(dc.db[kLoadKexecQuestion], "false");
}

TEST(Debconf, PreseededAnswersShapeTheNewConfigFile) {
  FakeSystem s = provider_booted_server();
  testing::FakeDebconf dc;
  dc.db["sckl/tries"] = "3";
  dc.db["sckl/nic_names"] = "off";
  dc.db["sckl/autostart"] = "true";
  s.put_file("/proc/cmdline", "root=/dev/vda console=ttyS0\n");
  s.put_file("/proc/sys/kernel/osrelease", "6.1.0-47-cloud-amd64\n");
  LogCapture log;
  auto st = configure_sckl(s, InstallSite::RunningServer, &dc);
  ASSERT_TRUE(st.ok()) << st.error().describe();
  auto config = ConfigFile::parse(s.content(paths::kConfigFile), "sckl.conf");
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config.value().get("tries").value_or(""), "3");
  EXPECT_EQ(config.value().get("nic_names").value_or(""), "off");
  EXPECT_EQ(config.value().get("autostart").value_or(""), "yes");
  EXPECT_TRUE(s.content(paths::kConfigFile).starts_with("# sckl's configuration"));
  EXPECT_FALSE(s.has(kLink));  // nic_names = off was applied in the same run
  EXPECT_TRUE(log.contains("set tries = 3 in /etc/sckl/sckl.conf")) << log.text();
  // Re-armed for the new choices: the next boot's plan is said.
  EXPECT_TRUE(log.contains("next boot")) << log.text();
}

TEST(Debconf, ReconfigureEditsOneValueAndKeepsTheAdminsFile) {
  FakeSystem s = provider_booted_server();
  s.put_file(paths::kConfigFile, "# my fleet's choice\ntries = 2\ncustom = kept\n", 0640);
  ASSERT_TRUE(configure(s).ok());
  testing::FakeDebconf dc;
  dc.db["sckl/tries"] = "7";
  ASSERT_TRUE(configure_sckl(s, InstallSite::RunningServer, &dc).ok());
  EXPECT_EQ(s.content(paths::kConfigFile), "# my fleet's choice\ntries = 7\ncustom = kept\n");
  EXPECT_EQ(s.nodes.at(paths::kConfigFile).mode, 0640u);
  // Purge still removes sckl's own file, edited or not.
  ASSERT_TRUE(purge_sckl(s, &dc).ok());
  EXPECT_FALSE(s.has(paths::kConfigFile));
}

TEST(Debconf, ABadAnswerChangesNothingAtAll) {
  FakeSystem s = provider_booted_server();
  const FakeSystem pristine = s;
  testing::FakeDebconf dc;
  dc.db["sckl/nic_names"] = "off";
  dc.db["sckl/extra_cmdline"] = "init=/bin/sh";
  auto st = configure_sckl(s, InstallSite::RunningServer, &dc);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("sckl/extra_cmdline"), std::string::npos);
  expect_same_tree(pristine, s, "after a refused answer");
  // Installed before, with an admin's file: the file stays whole too.
  ASSERT_TRUE(configure(s).ok());
  s.put_file(paths::kConfigFile, "# mine\ntries = 2\n");
  const FakeSystem configured = s;
  dc.db["sckl/tries"] = "5";
  ASSERT_FALSE(configure_sckl(s, InstallSite::RunningServer, &dc).ok());
  expect_same_tree(configured, s, "after a refused reconfigure");
}

TEST(Debconf, FailureIsReportedAndARerunConverges) {
  FakeSystem s = provider_booted_server();
  testing::FakeDebconf dc;
  dc.db[kLoadKexecQuestion] = "true";
  dc.fail_next = true;
  EXPECT_FALSE(configure_sckl(s, InstallSite::RunningServer, &dc).ok());
  ASSERT_TRUE(configure_sckl(s, InstallSite::RunningServer, &dc).ok());
  EXPECT_EQ(dc.db[kLoadKexecQuestion], "false");
  dc.fail_next = true;
  EXPECT_FALSE(purge_sckl(s, &dc).ok());
  ASSERT_TRUE(purge_sckl(s, &dc).ok());
  EXPECT_EQ(dc.db[kLoadKexecQuestion], "true");
}

}  // namespace
}  // namespace sckl

namespace sckl {
namespace {

int count_runs(const FakeSystem& s, const std::string& prog) {
  int n = 0;
  for (const auto& c : s.commands_run) n += c[0] == prog;
  return n;
}

TEST(Initramfs, RebuiltWhenLinksChangeAndOnPurgeNotOtherwise) {
  FakeSystem s = provider_booted_server();
  ASSERT_TRUE(configure(s).ok());
  EXPECT_EQ(count_runs(s, "update-initramfs"), 1);
  ASSERT_TRUE(configure(s).ok());
  EXPECT_EQ(count_runs(s, "update-initramfs"), 1);  // nothing changed
  ASSERT_TRUE(purge_sckl(s).ok());
  EXPECT_EQ(count_runs(s, "update-initramfs"), 2);
}

// An image's first boot: sckl-setup.service writes the files and leaves the
// initrd rebuild to sckl-setup-initrd.service; until that has finished, the
// first-boot marker stays (the switch waits), also across a failure or a
// power cut (the next boot runs both steps again).
TEST(Initramfs, FirstBootDefersTheRebuildAndKeepsTheSwitchAwayUntilItIsDone) {
  FakeSystem s = provider_booted_server();
  auto inner = s.runner;
  bool image = true, broken = false;
  s.runner = [&](const Command& c) -> Result<ProcessResult> {
    if (c.argv[0] == "ischroot") return ProcessResult{image ? 0 : 1, "", ""};
    if (c.argv[0] == "update-initramfs" && broken) return ProcessResult{1, "", "E: no space left"};
    return inner(c);
  };
  ASSERT_TRUE(configure(s).ok());
  ASSERT_TRUE(s.has(paths::kFirstBootPending));
  image = false;

  ASSERT_TRUE(setup_first_boot(s).ok());
  EXPECT_TRUE(s.has(kLink));
  EXPECT_EQ(count_runs(s, "update-initramfs"), 0);
  EXPECT_TRUE(s.has(paths::kInitramfsStale));
  EXPECT_TRUE(s.has(paths::kFirstBootPending));

  broken = true;  // the rebuild fails (or the power goes): both marks stay
  auto st = finish_first_boot(s);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("update-initramfs"), std::string::npos);
  EXPECT_TRUE(s.has(paths::kInitramfsStale));
  EXPECT_TRUE(s.has(paths::kFirstBootPending));

  broken = false;  // the next boot: both steps again; the files are in place
  const FakeSystem before = s;
  ASSERT_TRUE(setup_first_boot(s).ok());
  expect_same_tree(before, s, "after a second first-boot setup");
  ASSERT_TRUE(finish_first_boot(s).ok());
  EXPECT_EQ(count_runs(s, "update-initramfs"), 2);
  EXPECT_FALSE(s.has(paths::kInitramfsStale));
  EXPECT_FALSE(s.has(paths::kFirstBootPending));
}

// Without the first-boot marker nothing keeps the switch away: the rebuild
// happens in the same run.
TEST(Initramfs, FirstBootSetupWithoutTheMarkerRebuildsAtOnce) {
  FakeSystem s = provider_booted_server();
  ASSERT_TRUE(setup_first_boot(s).ok());
  EXPECT_TRUE(s.has(kLink));
  EXPECT_EQ(count_runs(s, "update-initramfs"), 1);
  EXPECT_FALSE(s.has(paths::kInitramfsStale));
  EXPECT_FALSE(s.has(paths::kFirstBootPending));
}

TEST(Initramfs, AFailedRebuildFailsTheRunAndTheNextRunRetries) {
  FakeSystem s = provider_booted_server();
  auto inner = s.runner;
  bool broken = true;
  s.runner = [&](const Command& c) -> Result<ProcessResult> {
    if (c.argv[0] == "update-initramfs" && broken) return ProcessResult{1, "", "E: no space left"};
    return inner(c);
  };
  auto st = configure(s);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("update-initramfs"), std::string::npos);
  EXPECT_NE(st.error().message.find("no space left"), std::string::npos);
  broken = false;
  ASSERT_TRUE(configure(s).ok());
  EXPECT_EQ(count_runs(s, "update-initramfs"), 2);
  EXPECT_FALSE(s.has(paths::kInitramfsStale));
}

}  // namespace
}  // namespace sckl

namespace sckl {
namespace {

TEST(Remove, AptFilesLeaveWithTheProgramsAndComeBackOnReinstall) {
  FakeSystem s = provider_booted_server();
  ASSERT_TRUE(configure(s).ok());
  ASSERT_TRUE(s.has(paths::kAptPin));
  ASSERT_TRUE(s.has(paths::kAptHookConf));
  const std::string fstab = s.content("/etc/fstab");
  ASSERT_TRUE(remove_sckl(s).ok());
  EXPECT_FALSE(s.has(paths::kAptPin));
  EXPECT_FALSE(s.has(paths::kAptHookConf));
  EXPECT_EQ(s.content("/etc/fstab"), fstab);  // remove keeps the rest
  EXPECT_TRUE(s.has(paths::kConfigFile));
  ASSERT_TRUE(configure(s).ok());  // installed again
  EXPECT_TRUE(s.has(paths::kAptPin));
  EXPECT_TRUE(s.has(paths::kAptHookConf));
  const FakeSystem pristine = provider_booted_server();
  ASSERT_TRUE(purge_sckl(s).ok());
  expect_same_tree(pristine, s, "after remove, reinstall and purge");
}

TEST(Remove, AdminEditedAptFilesAreSetAsideSoAptKeepsWorking) {
  FakeSystem s = provider_booted_server();
  ASSERT_TRUE(configure(s).ok());
  // The admin adds a line to each of sckl's apt files.
  const std::string hook = s.content(paths::kAptHookConf) + "Debug::RunScripts \"true\";\n";
  const std::string pin = s.content(paths::kAptPin) + "\nPackage: lilo\nPin: release *\nPin-Priority: -1\n";
  s.put_file(paths::kAptHookConf, hook);
  s.put_file(paths::kAptPin, pin);
  LogCapture log;
  ASSERT_TRUE(remove_sckl(s).ok());
  // Nothing left under a name apt reads would name a program remove deletes
  // or keep hiding grub; the edits stay, named, under a name apt skips.
  EXPECT_FALSE(s.has(paths::kAptHookConf));
  EXPECT_FALSE(s.has(paths::kAptPin));
  EXPECT_EQ(s.content(std::string(paths::kAptHookConf) + ".disabled"), hook);
  EXPECT_EQ(s.content(std::string(paths::kAptPin) + ".disabled"), pin);
  EXPECT_TRUE(log.contains("/etc/apt/apt.conf.d/50sckl-refuse-grub.disabled"));
  // Reinstalled: sckl's own files again; purge removes the set-aside edits.
  ASSERT_TRUE(configure(s).ok());
  EXPECT_NE(s.content(paths::kAptHookConf), hook);
  const FakeSystem pristine = provider_booted_server();
  ASSERT_TRUE(remove_sckl(s).ok());
  ASSERT_TRUE(purge_sckl(s).ok());
  expect_same_tree(pristine, s, "after an edit, remove, reinstall, remove and purge");
}

TEST(Purge, AdminEditedAptFilesGoOnPurgeWithoutRemoveFirst) {
  FakeSystem s = provider_booted_server();
  ASSERT_TRUE(configure(s).ok());
  s.put_file(paths::kAptHookConf, "// mine\n");
  ASSERT_TRUE(purge_sckl(s).ok());  // as postrm "disappear" does
  EXPECT_FALSE(s.has(paths::kAptHookConf));
  EXPECT_FALSE(s.has(std::string(paths::kAptHookConf) + ".disabled"));
}

}  // namespace
}  // namespace sckl

#include "install/grub_preset.h"

namespace sckl {
namespace {

// postinst and purge with grub's questions in debconf (grub_preset.h).
struct DebconfState {
  std::map<std::string, std::string> db, flags;
  std::map<std::string, std::set<std::string>> owners;
  bool operator==(const DebconfState&) const = default;
};
DebconfState state_of(const testing::FakeDebconf& dc) { return {dc.db, dc.flags, dc.owners}; }

TEST(GrubPresets, CreatedOnConfigureKeptOnRerunGoneWithoutATraceAfterPurge) {
  FakeSystem s = provider_booted_server();
  const FakeSystem pristine = s;
  testing::FakeDebconf dc;
  dc.db[kLoadKexecQuestion] = "false";
  const DebconfState before = state_of(dc);
  LogCapture log;
  ASSERT_TRUE(configure_sckl(s, InstallSite::RunningServer, &dc).ok());
  for (const auto& p : kGrubPresets) {
    EXPECT_EQ(dc.db.at(p.question), p.value) << p.question;
    EXPECT_EQ(dc.flags[std::string(p.question) + " seen"], "true") << p.question;
    EXPECT_EQ(dc.owners[p.question], std::set<std::string>{"sckl"}) << p.question;
  }
  EXPECT_EQ(dc.loaded.size(), std::size(kGrubPresets));
  EXPECT_TRUE(log.contains("preset debconf question grub-pc/install_devices = ''")) << log.text();
  auto m = load_manifest(s);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m.value().debconf_presets.size(), std::size(kGrubPresets));
  for (const auto& r : m.value().debconf_presets) EXPECT_TRUE(r.done) << r.question;

  const DebconfState configured = state_of(dc);
  ASSERT_TRUE(configure_sckl(s, InstallSite::RunningServer, &dc).ok());
  EXPECT_EQ(dc.loaded.size(), std::size(kGrubPresets));  // nothing loaded again
  EXPECT_TRUE(state_of(dc) == configured);

  ASSERT_TRUE(purge_sckl(s, &dc).ok());
  EXPECT_TRUE(state_of(dc) == before);
  expect_same_tree(pristine, s, "after purge");
}

TEST(GrubPresets, EarlierAnswersAreLeftAsTheyAreAndNamed) {
  FakeSystem s = provider_booted_server();
  testing::FakeDebconf dc;
  // A grub-pc that was installed once (removed, not purged) left its answers.
  dc.db["grub-pc/install_devices"] = "/dev/vda";
  dc.owners["grub-pc/install_devices"] = {"grub-pc"};
  dc.db["grub2/linux_cmdline"] = "console=ttyS0";
  dc.owners["grub2/linux_cmdline"] = {"grub-pc"};
  LogCapture log;
  ASSERT_TRUE(configure_sckl(s, InstallSite::RunningServer, &dc).ok());
  EXPECT_EQ(dc.db["grub-pc/install_devices"], "/dev/vda");
  EXPECT_EQ(dc.db["grub2/linux_cmdline"], "console=ttyS0");
  EXPECT_FALSE(dc.flags.count("grub-pc/install_devices seen"));
  EXPECT_EQ(dc.owners["grub-pc/install_devices"], std::set<std::string>{"grub-pc"});
  EXPECT_TRUE(log.contains("grub-pc/install_devices holds an earlier answer ('/dev/vda')")) << log.text();
  // The missing ones are created.
  EXPECT_EQ(dc.db["grub-pc/install_devices_empty"], "true");
  ASSERT_TRUE(purge_sckl(s, &dc).ok());
  EXPECT_EQ(dc.db["grub-pc/install_devices"], "/dev/vda");
  EXPECT_EQ(dc.db["grub2/linux_cmdline"], "console=ttyS0");
  EXPECT_FALSE(dc.db.count("grub-pc/install_devices_empty"));
  EXPECT_FALSE(dc.db.count("grub2/linux_cmdline_default"));
}

TEST(GrubPresets, AGrubPcInstalledAnywayKeepsItsAnswersAfterPurge) {
  FakeSystem s = provider_booted_server();
  testing::FakeDebconf dc;
  ASSERT_TRUE(configure_sckl(s, InstallSite::RunningServer, &dc).ok());
  // grub-pc came with dpkg -i: its templates made it an owner of each question.
  for (const auto& p : kGrubPresets) dc.owners[p.question].insert("grub-pc");
  dc.db["grub2/linux_cmdline"] = "console=ttyS0";  // the admin's later choice
  ASSERT_TRUE(configure_sckl(s, InstallSite::RunningServer, &dc).ok());
  EXPECT_EQ(dc.db["grub2/linux_cmdline"], "console=ttyS0");
  ASSERT_TRUE(purge_sckl(s, &dc).ok());
  for (const auto& p : kGrubPresets) {
    ASSERT_TRUE(dc.db.count(p.question)) << p.question;
    EXPECT_EQ(dc.owners[p.question], std::set<std::string>{"grub-pc"}) << p.question;
  }
  EXPECT_EQ(dc.db["grub-pc/install_devices_empty"], "true");
  EXPECT_EQ(dc.db["grub2/linux_cmdline"], "console=ttyS0");
}

TEST(GrubPresets, WithoutDebconfNothingIsPresetAndPurgeSaysWhatStays) {
  FakeSystem s = provider_booted_server();
  testing::FakeDebconf dc;
  ASSERT_TRUE(configure_sckl(s, InstallSite::RunningServer, &dc).ok());
  LogCapture log;
  ASSERT_TRUE(purge_sckl(s).ok());
  EXPECT_TRUE(log.contains("keeps sckl's preset")) << log.text();
}

// Every debconf call of configure fails in turn: the run reports it, a
// re-run ends with what a clean run gives, and purge leaves debconf as it
// was. Then every call of purge fails in turn, and a re-run still cleans up.
TEST(GrubPresets, FailingEveryDebconfCallInTurnThenRerunConvergesAndPurgeCleans) {
  const FakeSystem pristine = provider_booted_server();
  testing::FakeDebconf initial;
  initial.db[kLoadKexecQuestion] = "true";
  FakeSystem clean_fs = pristine;
  testing::FakeDebconf clean = initial;
  ASSERT_TRUE(configure_sckl(clean_fs, InstallSite::RunningServer, &clean).ok());
  int cases = 0;
  for (int n = 1;; ++n) {
    FakeSystem s = pristine;
    testing::FakeDebconf dc = initial;
    dc.fail_at = n;
    Status st = configure_sckl(s, InstallSite::RunningServer, &dc);
    if (!dc.fault_hit) {
      ASSERT_TRUE(st.ok());
      break;
    }
    ++cases;
    ASSERT_FALSE(st.ok()) << "debconf call " << n << " failed but configure reported success";
    dc.fail_at = 0;
    ASSERT_TRUE(configure_sckl(s, InstallSite::RunningServer, &dc).ok()) << "re-run after call " << n;
    EXPECT_TRUE(state_of(dc) == state_of(clean)) << "debconf differs after the re-run of call " << n;
    expect_same_tree(clean_fs, s, "after the re-run of debconf call " + std::to_string(n));
    ASSERT_TRUE(purge_sckl(s, &dc).ok());
    EXPECT_TRUE(state_of(dc) == state_of(initial)) << "debconf not as before after purge, call " << n;
    expect_same_tree(pristine, s, "after purge, debconf call " + std::to_string(n));
  }
  int purge_cases = 0;
  for (int n = 1;; ++n) {
    FakeSystem s = clean_fs;
    testing::FakeDebconf dc = clean;
    dc.calls = 0;
    dc.fail_at = n;
    Status st = purge_sckl(s, &dc);
    if (!dc.fault_hit) {
      ASSERT_TRUE(st.ok());
      break;
    }
    ++purge_cases;
    EXPECT_FALSE(st.ok()) << "purge, debconf call " << n;
    dc.fail_at = 0;
    ASSERT_TRUE(purge_sckl(s, &dc).ok()) << "purge re-run after debconf call " << n;
    EXPECT_TRUE(state_of(dc) == state_of(initial)) << "purge, debconf call " << n;
    expect_same_tree(pristine, s, "after the purge re-run, debconf call " + std::to_string(n));
  }
  EXPECT_GE(cases, 4 * static_cast<int>(std::size(kGrubPresets)));
  EXPECT_GE(purge_cases, static_cast<int>(std::size(kGrubPresets)));
  std::printf("figure: debconf fault cases run: configure %d, purge %d\n", cases, purge_cases);
}

// The same with every System call failing in turn while debconf is
// connected: the manifest writes around each preset are among them.
TEST(GrubPresets, FailingEverySystemCallInTurnWithDebconfConvergesAndPurgeCleans) {
  const FakeSystem pristine = provider_booted_server();
  const testing::FakeDebconf initial;
  FakeSystem clean_fs = pristine;
  testing::FakeDebconf clean = initial;
  ASSERT_TRUE(configure_sckl(clean_fs, InstallSite::RunningServer, &clean).ok());
  int cases = 0;
  for (int n = 1;; ++n) {
    FakeSystem s = pristine;
    testing::FakeDebconf dc = initial;
    s.fail_call(n, EIO);
    Status st = configure_sckl(s, InstallSite::RunningServer, &dc);
    if (!s.fault_hit()) {
      ASSERT_TRUE(st.ok());
      break;
    }
    ++cases;
    ASSERT_FALSE(st.ok()) << "call " << n;
    ASSERT_TRUE(configure_sckl(s, InstallSite::RunningServer, &dc).ok()) << "re-run after call " << n;
    EXPECT_TRUE(state_of(dc) == state_of(clean)) << "debconf differs after the re-run of call " << n;
    ASSERT_TRUE(purge_sckl(s, &dc).ok());
    EXPECT_TRUE(state_of(dc) == state_of(initial)) << "debconf not as before after purge, call " << n;
    expect_same_tree(pristine, s, "after purge, call " + std::to_string(n));
  }
  EXPECT_GT(cases, 50);
  std::printf("figure: postinst configure with debconf, fault cases run: %d\n", cases);
}

}  // namespace
}  // namespace sckl
