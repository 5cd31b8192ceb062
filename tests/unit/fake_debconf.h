#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "debconf.h"

namespace sckl::testing {

// debconf's database as a map; fail_next makes the next call fail.
// `interactive` says whether INPUT shows questions (false: like the
// noninteractive frontend, every INPUT is skipped); `on_go` plays the admin
// answering the queued questions.
class FakeDebconf : public Debconf {
 public:
  std::map<std::string, std::string> db;
  std::map<std::string, std::string> substs;  // "question key" -> value
  std::map<std::string, std::string> flags;   // "question flag" -> value
  std::vector<std::string> shown;             // questions INPUT queued, in order
  bool purged = false;
  bool fail_next = false;
  bool interactive = false;
  int gos = 0;
  std::function<void(FakeDebconf&)> on_go;

  Result<bool> input(const std::string& priority, const std::string& q) override {
    if (auto e = fault()) return *e;
    if (!interactive) return false;
    shown.push_back(priority + " " + q);
    return true;
  }
  Result<bool> go() override {
    if (auto e = fault()) return *e;
    ++gos;
    if (on_go) on_go(*this);
    return true;
  }
  Status fset(const std::string& q, const std::string& flag, const std::string& v) override {
    if (auto e = fault()) return *e;
    flags[q + " " + flag] = v;
    return {};
  }
  Status subst(const std::string& q, const std::string& key, const std::string& v) override {
    if (auto e = fault()) return *e;
    substs[q + " " + key] = v;
    return {};
  }

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
