#include "machine/nic.h"

#include <cerrno>
#include <map>

#include "base/log.h"
#include "base/paths.h"
#include "base/process.h"
#include "base/text.h"

namespace sckl {

namespace {

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool is_alnum(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }



// Shown in messages without letting odd bytes through.
std::string shown(std::string_view s) {
  std::string out = "'";
  for (char c : s) out += (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) ? c : '?';
  return out + "'";
}

std::string link_file(const Nic& nic, NicPolicy policy, bool by_path) {
  std::string c;
  c += "# Written by sckl (NIC naming policy: " + std::string(nic_policy_name(policy)) + ").\n";
  c += "# The provider's kernel and the kernel on this server's disk may name this\n";
  c += "# network interface differently; this file keeps the name " + nic.name + " under\n";
  c += "# both, so that the network configuration keeps working after the switch.\n";
  c += "# nic_names in /etc/sckl/sckl.conf sets the policy; 'apt purge sckl' removes this file.\n";
  c += "[Match]\n";
  c += by_path ? "Path=" + nic.id_path + "\n" : "MACAddress=" + nic.mac + "\n";
  c += "\n[Link]\n";
  c += "Name=" + nic.name + "\n";
  return c;
}

}  // namespace

std::optional<NicPolicy> parse_nic_policy(std::string_view word) {
  if (word == "path") return NicPolicy::Path;
  if (word == "mac") return NicPolicy::Mac;
  if (word == "classic") return NicPolicy::Classic;
  if (word == "off") return NicPolicy::Off;
  return std::nullopt;
}

const char* nic_policy_name(NicPolicy policy) {
  switch (policy) {
    case NicPolicy::Path: return "path";
    case NicPolicy::Mac: return "mac";
    case NicPolicy::Classic: return "classic";
    case NicPolicy::Off: return "off";
  }
  return "?";
}

bool is_valid_interface_name(std::string_view name) {
  if (name.empty() || name.size() > 15 || name.front() == '.') return false;
  bool all_digits = true;
  for (char c : name) {
    if (!is_alnum(c) && c != '_' && c != '.' && c != '-') return false;
    if (c < '0' || c > '9') all_digits = false;
  }
  // ip(8) and systemd read an all-digit name as an interface index.
  return !all_digits;
}

bool is_valid_mac(std::string_view mac) {
  if (mac.size() != 17) return false;
  for (size_t i = 0; i < mac.size(); ++i) {
    if (i % 3 == 2 ? mac[i] != ':' : !is_hex(mac[i])) return false;
  }
  return true;
}

bool is_valid_id_path(std::string_view id_path) {
  if (id_path.empty() || id_path.size() > 200) return false;
  for (char c : id_path)
    if (!is_alnum(c) && c != ':' && c != '.' && c != '_' && c != '+' && c != '-') return false;
  return true;
}

Result<std::vector<Nic>> discover_nics(System& sys) {
  const std::string dir = paths::kSysClassNet;
  auto names = sys.list_dir(dir);
  SCKL_TRY(names);
  std::vector<Nic> nics;
  for (const auto& name : names.value()) {
    const std::string base = dir + "/" + name;
    auto device = sys.stat(base + "/device");
    SCKL_TRY(device);
    if (device.value().kind == FileKind::Missing) continue;  // virtual: lo, bridge, veth, tun, ...
    auto type = sys.read_file(base + "/type");
    SCKL_TRY(type);
    if (trim(type.value()) != "1") continue;  // not ARPHRD_ETHER (InfiniBand, CAN, ...)
    auto address = sys.read_file(base + "/address");
    SCKL_TRY(address);

    auto props = sys.udev_properties(base);
    const std::string hint = "sckl names NICs through udev (package udev); install it or choose the NIC naming "
                             "policy 'classic' or 'off' (nic_names in /etc/sckl/sckl.conf)";
    if (!props.ok()) return props.error().with_hint(hint);
    auto id_path = props.value().find("ID_PATH");
    nics.push_back(Nic{name, trim(address.value()), id_path == props.value().end() ? "" : id_path->second});
  }
  return nics;
}

Result<std::vector<LinkFile>> plan_link_files(const std::vector<Nic>& nics, NicPolicy policy) {
  std::vector<LinkFile> files;
  if (policy == NicPolicy::Classic || policy == NicPolicy::Off) return files;

  const std::string hint = "choose the NIC naming policy 'classic' or 'off' (nic_names in /etc/sckl/sckl.conf)";
  std::map<std::string, int> path_count, mac_count;
  for (const auto& nic : nics) {
    if (!is_valid_interface_name(nic.name))
      return Error{"will not write a .link file for the network interface " + shown(nic.name) +
                       ": an interface name has 1-15 letters, digits, '_', '.' or '-'",
                   EINVAL, hint};
    ++path_count[nic.id_path];
    ++mac_count[nic.mac];
  }

  for (const auto& nic : nics) {
    bool by_path = policy == NicPolicy::Path;
    if (by_path && (nic.id_path.empty() || path_count[nic.id_path] > 1)) {
      by_path = false;
      log_warning("network interface " + nic.name +
                  (nic.id_path.empty() ? std::string(" has no udev ID_PATH")
                                       : " shares its udev ID_PATH " + nic.id_path + " with another interface") +
                  ": its .link file matches its MAC address " + nic.mac + " instead");
    }
    if (by_path && !is_valid_id_path(nic.id_path))
      return Error{"will not write a .link file for " + nic.name + ": its udev ID_PATH " + shown(nic.id_path) +
                       " has characters other than letters, digits and ':._+-'",
                   EINVAL, hint};
    if (!by_path) {
      if (!is_valid_mac(nic.mac))
        return Error{"will not write a .link file for " + nic.name + ": its MAC address " + shown(nic.mac) +
                         " is not six colon-separated hex pairs",
                     EINVAL, hint};
      // Counted over all NICs: a MAC-matched file sorted first would also
      // catch a path-matched NIC with the same address.
      if (mac_count[nic.mac] > 1)
        return Error{"will not write a .link file for " + nic.name + ": another interface has its MAC address " +
                         nic.mac + ", so the MAC cannot tell them apart",
                     EINVAL, "choose the NIC naming policy 'path' (nic_names in /etc/sckl/sckl.conf)"};
    }
    files.push_back(LinkFile{std::string(paths::kNetworkLinkDir) + "/10-sckl-" + nic.name + ".link",
                             link_file(nic, policy, by_path)});
  }
  return files;
}

}  // namespace sckl
