#pragma once

#include <map>
#include <string>

#include "debconf.h"

namespace sckl::testing {

// debconf's database as a map; fail_next makes the next call fail.
class FakeDebconf : public Debconf {
 public:
  std::map<std::string, std::string> db;
  bool purged = false;
  bool fail_next = false;

  Result<std::optional<std::string>> get(const std::string& q) override {
    if (auto e = fault()) return *e;
    auto it = db.find(q);
    if (it == db.end()) return std::optional<std::string>();
    return std::optional<std::string>(it->second);
  }
  Status set(const std::string& q, const std::string& v) override {
    if (auto e = fault()) return *e;
    db[q] = v;
    return {};
  }
  Status purge() override {
    if (auto e = fault()) return *e;
    purged = true;
    return {};
  }

 private:
  std::optional<Error> fault() {
    if (!fail_next) return std::nullopt;
    fail_next = false;
    return Error{"injected debconf fault", EPIPE, {}};
  }
};

}  // namespace sckl::testing
