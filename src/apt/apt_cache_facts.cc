#include "apt/apt_cache_facts.h"

#include <apt-pkg/cachefile.h>
#include <apt-pkg/configuration.h>
#include <apt-pkg/error.h>
#include <apt-pkg/init.h>
#include <apt-pkg/pkgcache.h>
#include <apt-pkg/pkgsystem.h>

#include <string>

#include "base/log.h"

namespace sckl {

AptCacheFacts::AptCacheFacts() = default;
AptCacheFacts::~AptCacheFacts() = default;

pkgCacheFile* AptCacheFacts::cache() {
  if (tried_) return cache_.get();
  tried_ = true;
  if (!pkgInitConfig(*_config) || !pkgInitSystem(*_config, _system)) {
    _error->Discard();
    log_warning("apt-grub-notice: cannot read apt's configuration; no versions looked up");
    return nullptr;
  }
  auto c = std::make_unique<pkgCacheFile>();
  if (c->GetPkgCache() == nullptr) {
    _error->Discard();
    log_warning("apt-grub-notice: cannot open apt's package cache; no versions looked up");
    return nullptr;
  }
  cache_ = std::move(c);
  return cache_.get();
}

std::string AptCacheFacts::newest_version(const std::string& pkg) {
  pkgCacheFile* c = cache();
  if (!c) return {};
  pkgCache::PkgIterator p = c->GetPkgCache()->FindPkg(pkg);
  if (p.end()) return {};
  // VersionList is sorted highest first; a version no source offers (one
  // only installed) is no use for the override.
  for (auto v = p.VersionList(); !v.end(); ++v)
    if (v.Downloadable()) return v.VerStr();
  return {};
}

std::vector<std::vector<std::string>> AptCacheFacts::recommends(const std::string& pkg, const std::string& version) {
  std::vector<std::vector<std::string>> out;
  pkgCacheFile* c = cache();
  if (!c) return out;
  pkgCache::PkgIterator p = c->GetPkgCache()->FindPkg(pkg);
  if (p.end()) return out;
  for (auto v = p.VersionList(); !v.end(); ++v) {
    if (version != v.VerStr()) continue;
    for (auto d = v.DependsList(); !d.end();) {
      pkgCache::DepIterator start, end;
      d.GlobOr(start, end);  // advances d past the or-group
      if (start->Type != pkgCache::Dep::Recommends) continue;
      std::vector<std::string> group;
      while (true) {
        group.push_back(start.TargetPkg().Name());
        if (start.Index() == end.Index()) break;  // not ==: clang (C++20) finds the reversed operator ambiguous
        ++start;
      }
      out.push_back(std::move(group));
    }
    break;
  }
  return out;
}

bool AptCacheFacts::installed(const std::string& pkg) {
  pkgCacheFile* c = cache();
  if (!c) return false;
  pkgCache::PkgIterator p = c->GetPkgCache()->FindPkg(pkg);
  if (p.end()) return false;
  if (p.CurrentVer() != 0) return true;
  // sckl itself Provides "lilo" (debian/control) so that a kernel's
  // Recommends of a bootloader are met without one: that is sckl declining
  // the bootloader, not a bootloader being there.
  for (auto prv = p.ProvidesList(); !prv.end(); ++prv)
    if (prv.OwnerPkg().CurrentVer() != 0 && std::string(prv.OwnerPkg().Name()) != "sckl") return true;
  return false;
}

}  // namespace sckl
