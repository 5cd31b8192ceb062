// AptPackageFacts (grub_notice.h) read from apt's own package cache with
// libapt-pkg, opened read-only with the system's apt configuration.
#pragma once

#include <memory>

#include "apt/grub_notice.h"

class pkgCacheFile;

namespace sckl {

class AptCacheFacts : public AptPackageFacts {
 public:
  AptCacheFacts();
  ~AptCacheFacts() override;
  std::string newest_version(const std::string& pkg) override;
  std::vector<std::vector<std::string>> recommends(const std::string& pkg, const std::string& version) override;
  bool installed(const std::string& pkg) override;

 private:
  // Opened on first use: most notifications need no lookup at all.
  pkgCacheFile* cache();
  std::unique_ptr<pkgCacheFile> cache_;
  bool tried_ = false;
};

}  // namespace sckl
