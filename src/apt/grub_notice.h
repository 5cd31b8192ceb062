// What sckl tells the admin, inside apt's own output, about the bootloaders
// it keeps off the disk (grub_guard.h keeps them off). sckl's APT pin hides
// them, so apt alone says only "has no installation candidate" for
// "apt install grub-pc", and nothing at all when a kernel's Recommends go
// unmet. apt's JSON hooks (AptCli::Hooks::Install and ::Upgrade, apt's
// doc/json-hooks-protocol.md, apt >= 1.6; apt and apt-get both run them)
// are told of each install: on a failed one that asked for a bootloader
// by name, the hook says that sckl refused it, why, and the one override; on
// one whose packages recommend a bootloader that stays out, one line says
// sckl declined it.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/json.h"

namespace sckl {

// What the hook looks up in apt's package cache (apt_cache_facts.h reads the
// real one; the unit tests use a fake).
class AptPackageFacts {
 public:
  virtual ~AptPackageFacts() = default;
  // The highest version of PKG any source offers, pins aside; "" when none.
  virtual std::string newest_version(const std::string& pkg) = 0;
  // The Recommends of PKG at VERSION, one or-group per entry.
  virtual std::vector<std::vector<std::string>> recommends(const std::string& pkg, const std::string& version) = 0;
  // Whether PKG (or a package other than sckl that provides it) is
  // installed now.
  virtual bool installed(const std::string& pkg) = 0;
};

// The package a command-line term names: "grub-pc=2.06-13" -> "grub-pc",
// likewise "PKG/RELEASE" and "PKG:ARCH".
std::string package_of_term(const std::string& term);

// Why sckl keeps bootloaders out, in one sentence (no final period).
std::string grub_refusal_reason();

// The override that the notices and sckl's docs show, and that works with
// sckl's pin in place: the version chosen by hand gets past the pin, and the
// option gets past the Pre-Install-Pkgs hook. VERSION "" is shown as VERSION.
std::string grub_override_command(const std::string& package, const std::string& version);

// The lines (logged with the "sckl: " prefix) the hook prints for one of apt's
// notifications ({"method": ..., "params": {...}}); none for most.
std::vector<std::string> json_hook_notices(const JsonValue& notification, AptPackageFacts& facts);

// Serves one run of a JSON hook on the socket FD (apt's $APT_HOOK_SOCKET):
// answers the hello with version 0.2, reads the notifications until apt
// closes the socket, and logs the notices. A message it cannot read is an
// error value (the caller warns and exits 0: a hook must never break apt).
Status serve_json_hook(int fd, AptPackageFacts& facts);

// The hook's main: /usr/lib/sckl/apt-grub-notice.
int apt_grub_notice_main();

}  // namespace sckl
