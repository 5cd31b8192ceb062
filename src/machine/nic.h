// Network interface names across the kernel switch. The provider's kernel
// and the disk's kernel may name the same virtio NIC differently (eth0 under
// one, ens3 under the other), and the network configuration names one of
// them. sckl pins today's names with systemd .link files, which udev applies
// under every kernel:
//
//  - systemd.link(5): all .link files are sorted by file name across
//    /etc, /run and /usr/lib/systemd/network and the first one whose [Match]
//    fits a device is the only one applied; 10-sckl-*.link therefore wins
//    over 99-default.link (the man page asks for a number below 70).
//  - Path= matches the udev property ID_PATH as shell globs (we refuse glob
//    characters, so it is an exact match); MACAddress= matches the current
//    hardware address.
//  - Name= applies because our files set no NamePolicy= (Name= ranks below
//    it). The man page warns that a kernel-style name such as eth0 races with
//    the kernel's own naming: under the disk's kernel eth1 may already exist
//    when udev wants to rename another NIC to eth1. With one NIC (the usual
//    VPS) there is no such conflict.
//  - udev does not rename an interface whose name userspace already chose
//    (VLANs, bonds): MACAddress= matching their copied address is harmless.
//  - Debian's initramfs copies /etc/systemd/network/*.link: after writing or
//    removing these files, run `update-initramfs -u` so that early boot
//    names the NIC the same way.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "base/system.h"

namespace sckl {

// path (default): match the NIC's udev ID_PATH, e.g. pci-0000:00:03.0;
// mac: match its MAC address; classic: no files, the boot engine puts
// net.ifnames=0 on the target command line; off: nothing.
enum class NicPolicy { Path, Mac, Classic, Off };

// "path", "mac", "classic", "off"; anything else is nullopt.
std::optional<NicPolicy> parse_nic_policy(std::string_view word);
const char* nic_policy_name(NicPolicy policy);

struct Nic {
  std::string name;     // "eth0"
  std::string mac;      // "52:54:00:12:34:56"
  std::string id_path;  // udev ID_PATH; may be empty
};

// Physical Ethernet NICs, sorted by name: entries of /sys/class/net with a
// `device` entry and `type` 1 (ARPHRD_ETHER); lo, bridges, veth, tun, ...
// are skipped. mac from `address`; id_path from
// udev's properties of /sys/class/net/NAME (System::udev_properties); a NIC
// udev has no database entry for (no udevd) has none. A failing query is an
// Error.
Result<std::vector<Nic>> discover_nics(System& sys);

// 1-15 characters of [A-Za-z0-9_.-], not starting with '.', not all digits.
bool is_valid_interface_name(std::string_view name);
// Six colon-separated pairs of hex digits.
bool is_valid_mac(std::string_view mac);
// Letters, digits and ":._+-" (no glob or space characters).
bool is_valid_id_path(std::string_view id_path);

struct LinkFile {
  std::string path;     // paths::kNetworkLinkDir + "/10-sckl-<name>.link"
  std::string content;
};

// One .link file per NIC that keeps its current name: [Match] Path= (policy
// path) or MACAddress= (policy mac), [Link] Name=<name>, after a comment that
// says sckl wrote it, why, and that `apt purge sckl` removes it. Under policy
// path a NIC without an ID_PATH, or sharing it with another NIC, is matched by
// its MAC instead (logged as a warning). An invalid name, MAC or path, or two
// NICs with one MAC where the MAC is matched, is an Error. Classic and Off
// give no files.
Result<std::vector<LinkFile>> plan_link_files(const std::vector<Nic>& nics, NicPolicy policy);

}  // namespace sckl
