#include "machine/nic.h"

#include <gtest/gtest.h>

#include <map>

#include "fake_system.h"
#include "log_capture.h"

namespace sckl {
namespace {

using testing::FakeSystem;
using testing::LogCapture;

// /sys/class/net entries are directories here (symlinks on a real sysfs,
// which the kernel resolves); `device` is a link for physical NICs only.
void put_nic(FakeSystem& sys, const std::string& name, const std::string& type, const std::string& mac,
             bool physical) {
  const std::string base = "/sys/class/net/" + name;
  sys.put_dir(base);
  sys.put_file(base + "/type", type + "\n");
  sys.put_file(base + "/address", mac + "\n");
  if (physical) sys.put_link(base + "/device", "../../../0000:00:03.0");
}

class NicDiscoveryTest : public ::testing::Test {
 protected:
  FakeSystem sys;
  void SetUp() override { sys.put_dir("/sys/class/net"); }
  // udev's properties of interface NAME.
  DeviceTags& udev(const std::string& name) { return sys.udev_devices["/sys/class/net/" + name]; }
};

DeviceTags udev_props(const std::string& name, const std::string& id_path) {
  DeviceTags t = {{"DEVPATH", "/devices/pci0000:00/0000:00:03.0/virtio0/net/" + name},
                  {"INTERFACE", name},
                  {"SUBSYSTEM", "net"},
                  {"ID_NET_DRIVER", "virtio_net"},
                  {"ID_NET_NAME_PATH", "enp0s3"}};
  if (!id_path.empty()) {
    t["ID_PATH"] = id_path;
    t["ID_PATH_TAG"] = "x";
  }
  return t;
}

TEST_F(NicDiscoveryTest, FindsPhysicalEthernetNicsOnly) {
  put_nic(sys, "lo", "772", "00:00:00:00:00:00", false);
  put_nic(sys, "eth0", "1", "52:54:00:12:34:56", true);
  put_nic(sys, "br0", "1", "52:54:00:aa:bb:cc", false);
  put_nic(sys, "veth1a2b", "1", "8e:11:22:33:44:55", false);
  put_nic(sys, "ib0", "32", "80:00:00:48:fe:80:00:00:00:00:00:00:00:02:c9:03:00:0e:2f:4d", true);
  put_nic(sys, "ens4", "1", "52:54:00:65:43:21", true);
  udev("eth0") = udev_props("eth0", "pci-0000:00:03.0");
  udev("ens4") = udev_props("ens4", "");
  auto nics = discover_nics(sys);
  ASSERT_TRUE(nics.ok()) << nics.error().describe();
  ASSERT_EQ(nics.value().size(), 2u);
  EXPECT_EQ(nics.value()[0].name, "ens4");
  EXPECT_EQ(nics.value()[0].mac, "52:54:00:65:43:21");
  EXPECT_EQ(nics.value()[0].id_path, "");
  EXPECT_EQ(nics.value()[1].name, "eth0");
  EXPECT_EQ(nics.value()[1].mac, "52:54:00:12:34:56");
  EXPECT_EQ(nics.value()[1].id_path, "pci-0000:00:03.0");
  EXPECT_EQ(sys.device_queries,
            (std::vector<std::string>{"udev /sys/class/net/ens4", "udev /sys/class/net/eth0"}));
  EXPECT_TRUE(sys.commands_run.empty());
}

TEST_F(NicDiscoveryTest, NoNicsIsAnEmptyList) {
  put_nic(sys, "lo", "772", "00:00:00:00:00:00", false);
  auto nics = discover_nics(sys);
  ASSERT_TRUE(nics.ok());
  EXPECT_TRUE(nics.value().empty());
  EXPECT_TRUE(sys.device_queries.empty());
}

TEST_F(NicDiscoveryTest, FailingUdevQueryIsAnErrorNamingTheDevice) {
  put_nic(sys, "eth0", "1", "52:54:00:12:34:56", true);  // no udev answer for it
  auto nics = discover_nics(sys);
  ASSERT_FALSE(nics.ok());
  EXPECT_EQ(nics.error().message, "cannot ask udev about /sys/class/net/eth0: No such file or directory");
  EXPECT_NE(nics.error().hint.find("'classic' or 'off'"), std::string::npos);
}

TEST_F(NicDiscoveryTest, UnreadableTypeIsAnErrorNamingTheFile) {
  put_nic(sys, "eth0", "1", "52:54:00:12:34:56", true);
  sys.nodes.erase("/sys/class/net/eth0/type");
  auto nics = discover_nics(sys);
  ASSERT_FALSE(nics.ok());
  EXPECT_NE(nics.error().message.find("/sys/class/net/eth0/type"), std::string::npos);
}

TEST_F(NicDiscoveryTest, MissingSysClassNetIsAnError) {
  sys.nodes.erase("/sys/class/net");
  EXPECT_FALSE(discover_nics(sys).ok());
}

TEST(NicPolicy, ParsesAndNamesEveryPolicy) {
  for (auto p : {NicPolicy::Path, NicPolicy::Mac, NicPolicy::Classic, NicPolicy::Off})
    EXPECT_EQ(parse_nic_policy(nic_policy_name(p)), p);
  EXPECT_STREQ(nic_policy_name(NicPolicy::Path), "path");
  EXPECT_STREQ(nic_policy_name(NicPolicy::Mac), "mac");
  EXPECT_STREQ(nic_policy_name(NicPolicy::Classic), "classic");
  EXPECT_STREQ(nic_policy_name(NicPolicy::Off), "off");
  EXPECT_EQ(parse_nic_policy("Path"), std::nullopt);
  EXPECT_EQ(parse_nic_policy(""), std::nullopt);
  EXPECT_EQ(parse_nic_policy("path "), std::nullopt);
}

const Nic kEth0{"eth0", "52:54:00:12:34:56", "pci-0000:00:03.0"};
const Nic kEns4{"ens4", "52:54:00:65:43:21", "pci-0000:00:04.0"};

const std::string kHeader =
    "# The provider's kernel and the kernel on this server's disk may name this\n"
    "# network interface differently; this file keeps the name eth0 under\n"
    "# both, so that the network configuration keeps working after the switch.\n"
    "# nic_names in /etc/sckl/sckl.conf sets the policy; 'apt purge sckl' removes this file.\n";

TEST(NicPlan, PathPolicyMatchesIdPath) {
  auto files = plan_link_files({kEth0}, NicPolicy::Path);
  ASSERT_TRUE(files.ok()) << files.error().describe();
  ASSERT_EQ(files.value().size(), 1u);
  EXPECT_EQ(files.value()[0].path, "/etc/systemd/network/10-sckl-eth0.link");
  EXPECT_EQ(files.value()[0].content, "# Written by sckl (NIC naming policy: path).\n" + kHeader +
                                          "[Match]\n"
                                          "Path=pci-0000:00:03.0\n"
                                          "\n"
                                          "[Link]\n"
                                          "Name=eth0\n");
}

TEST(NicPlan, MacPolicyMatchesMacAddress) {
  auto files = plan_link_files({kEth0}, NicPolicy::Mac);
  ASSERT_TRUE(files.ok());
  ASSERT_EQ(files.value().size(), 1u);
  EXPECT_EQ(files.value()[0].path, "/etc/systemd/network/10-sckl-eth0.link");
  EXPECT_EQ(files.value()[0].content, "# Written by sckl (NIC naming policy: mac).\n" + kHeader +
                                          "[Match]\n"
                                          "MACAddress=52:54:00:12:34:56\n"
                                          "\n"
                                          "[Link]\n"
                                          "Name=eth0\n");
}

TEST(NicPlan, OneFilePerNicInOrder) {
  auto files = plan_link_files({kEns4, kEth0}, NicPolicy::Path);
  ASSERT_TRUE(files.ok());
  ASSERT_EQ(files.value().size(), 2u);
  EXPECT_EQ(files.value()[0].path, "/etc/systemd/network/10-sckl-ens4.link");
  EXPECT_NE(files.value()[0].content.find("\nPath=pci-0000:00:04.0\n\n[Link]\nName=ens4\n"), std::string::npos);
  EXPECT_EQ(files.value()[1].path, "/etc/systemd/network/10-sckl-eth0.link");
}

TEST(NicPlan, ClassicAndOffWriteNothing) {
  for (auto p : {NicPolicy::Classic, NicPolicy::Off}) {
    auto files = plan_link_files({kEth0, Nic{"bad name", "x", "*"}}, p);
    ASSERT_TRUE(files.ok());
    EXPECT_TRUE(files.value().empty());
  }
}

TEST(NicPlan, PathPolicyFallsBackToMacWithoutIdPath) {
  LogCapture log;
  Nic nic = kEth0;
  nic.id_path.clear();
  auto files = plan_link_files({nic, kEns4}, NicPolicy::Path);
  ASSERT_TRUE(files.ok());
  ASSERT_EQ(files.value().size(), 2u);
  EXPECT_NE(files.value()[0].content.find("[Match]\nMACAddress=52:54:00:12:34:56\n"), std::string::npos);
  EXPECT_EQ(files.value()[0].content.find("Path="), std::string::npos);
  EXPECT_NE(files.value()[1].content.find("[Match]\nPath=pci-0000:00:04.0\n"), std::string::npos);
  EXPECT_EQ(log.lines, (std::vector<std::string>{"warning: network interface eth0 has no udev ID_PATH: its .link "
                                                 "file matches its MAC address 52:54:00:12:34:56 instead"}));
}

TEST(NicPlan, SharedIdPathFallsBackToMacForBoth) {
  LogCapture log;
  Nic other = kEns4;
  other.id_path = kEth0.id_path;
  auto files = plan_link_files({kEth0, other}, NicPolicy::Path);
  ASSERT_TRUE(files.ok());
  ASSERT_EQ(files.value().size(), 2u);
  EXPECT_NE(files.value()[0].content.find("MACAddress=52:54:00:12:34:56\n"), std::string::npos);
  EXPECT_NE(files.value()[1].content.find("MACAddress=52:54:00:65:43:21\n"), std::string::npos);
  EXPECT_EQ(log.lines.size(), 2u);
  EXPECT_TRUE(log.contains("network interface ens4 shares its udev ID_PATH pci-0000:00:03.0 with another interface"));
}

TEST(NicPlan, FallbackWithoutUsableMacIsAnError) {
  Nic nic = kEth0;
  nic.id_path.clear();
  nic.mac = "";
  auto files = plan_link_files({nic}, NicPolicy::Path);
  ASSERT_FALSE(files.ok());
  EXPECT_EQ(files.error().message,
            "will not write a .link file for eth0: its MAC address '' is not six colon-separated hex pairs");
}

TEST(NicPlan, DuplicateMacIsRefusedWhenMatchedByMac) {
  Nic other = kEns4;
  other.mac = kEth0.mac;
  auto files = plan_link_files({kEth0, other}, NicPolicy::Mac);
  ASSERT_FALSE(files.ok());
  EXPECT_EQ(files.error().message,
            "will not write a .link file for eth0: another interface has its MAC address 52:54:00:12:34:56, so the MAC "
            "cannot tell them apart");
  // Matched by path, the shared MAC does not matter.
  EXPECT_TRUE(plan_link_files({kEth0, other}, NicPolicy::Path).ok());
}

TEST(NicPlan, BadNamesAreRefused) {
  for (const std::string name : {"", ".hidden", "a/b", "eth0\n[Link]", "verylongname0123", "eth 0", "eth0*", "123",
                                 "eth0:1"}) {
    Nic nic = kEth0;
    nic.name = name;
    auto files = plan_link_files({nic}, NicPolicy::Mac);
    ASSERT_FALSE(files.ok()) << name;
    EXPECT_NE(files.error().message.find("will not write a .link file for the network interface '"), std::string::npos);
    EXPECT_EQ(files.error().message.find('\n'), std::string::npos);
  }
  for (const std::string name : {"eth0", "ens3", "enp0s3", "wan_1", "lan-0", "eth0.5", "a", "abcdefghijklmno"})
    EXPECT_TRUE(is_valid_interface_name(name)) << name;
}

TEST(NicPlan, BadMacsAndPathsAreRefused) {
  for (const std::string mac : {"52:54:00:12:34", "52:54:00:12:34:5g", "52-54-00-12-34-56", "52:54:00:12:34:56\nName=x",
                                "52:54:00:12:34:56 "}) {
    Nic nic = kEth0;
    nic.mac = mac;
    EXPECT_FALSE(plan_link_files({nic}, NicPolicy::Mac).ok()) << mac;
    EXPECT_TRUE(plan_link_files({nic}, NicPolicy::Path).ok()) << "path policy does not use the MAC: " << mac;
  }
  for (const std::string path : {"pci-0000:00:0*.0", "pci-0000:00:03.0 pci-0000:00:04.0", "pci\n[Link]", "pci[0]"}) {
    Nic nic = kEth0;
    nic.id_path = path;
    auto files = plan_link_files({nic}, NicPolicy::Path);
    ASSERT_FALSE(files.ok()) << path;
    EXPECT_NE(files.error().message.find("its udev ID_PATH"), std::string::npos);
  }
  EXPECT_TRUE(is_valid_id_path("platform-d0000000.virtio_mmio"));
  EXPECT_TRUE(is_valid_id_path("pci-0000:00:14.0-usb-0:1:1.0"));
  EXPECT_TRUE(is_valid_mac("AA:bb:00:11:22:33"));
}

TEST_F(NicDiscoveryTest, DiscoveredNicsPlanEndToEnd) {
  put_nic(sys, "eth0", "1", "52:54:00:12:34:56", true);
  udev("eth0") = udev_props("eth0", "pci-0000:00:03.0");
  auto nics = discover_nics(sys);
  ASSERT_TRUE(nics.ok());
  auto files = plan_link_files(nics.value(), NicPolicy::Path);
  ASSERT_TRUE(files.ok());
  ASSERT_EQ(files.value().size(), 1u);
  EXPECT_NE(files.value()[0].content.find("\n[Match]\nPath=pci-0000:00:03.0\n\n[Link]\nName=eth0\n"),
            std::string::npos);
}

}  // namespace
}  // namespace sckl
