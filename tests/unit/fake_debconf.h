#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "install/debconf.h"
#include "install/grub_preset.h"

namespace sckl::testing {

// debconf's database as a map; fail_next makes the next call fail, fail_at
// the call with that number (counting from 1).
// `interactive` says whether INPUT shows questions (false: like the
// noninteractive frontend, every INPUT is skipped); `on_go` plays the admin
// answering the queued questions.
class FakeDebconf : public Debconf {
 public:
  std::map<std::string, std::string> db;
  std::map<std::string, std::string> substs;  // "question key" -> value
  std::map<std::string, std::string> flags;   // "question flag" -> value
  std::vector<std::string> shown;             // questions INPUT queued, in order
  // Owners of each question that has any; a question no package owns any
  // more is deleted (UNREGISTER, PURGE), as debconf does. Questions set up
  // in `db` without an entry here have owners the fake does not track.
  std::map<std::string, std::set<std::string>> owners;
  // X_LOADTEMPLATEFILE: file path -> the question its template defines.
  std::map<std::string, std::string> template_files;
  std::vector<std::string> loaded;  // files loaded, in order
  static constexpr const char* kPackage = "sckl";
  bool purged = false;
  // SET of a question not in db fails, as in debconf (off: most tests set up
  // questions by setting them).
  bool absent_refuses_set = false;
  bool fail_next = false;
  int fail_at = 0;
  int calls = 0;
  bool fault_hit = false;
  bool interactive = false;
  int gos = 0;
  std::function<void(FakeDebconf&)> on_go;

  // The template files the sckl package ships (GrubPresetData checks them).
  FakeDebconf() {
    for (const auto& p : kGrubPresets) template_files[grub_preset_template_path(p.question)] = p.question;
  }

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
    // debconf's "10 <q> doesn't exist" for a question no template defines.
    if (absent_refuses_set && !db.count(q)) return Error{"debconf refused 'SET " + q + "': 10 doesn't exist", 10, {}};
    db[q] = v;
    return {};
  }
  Status purge() override {
    if (auto e = fault()) return *e;
    purged = true;
    std::vector<std::string> mine;
    for (const auto& [q, o] : owners)
      if (o.count(kPackage)) mine.push_back(q);
    for (const auto& q : mine) remove_owner(q);
    return {};
  }
  Status load_templates(const std::string& path) override {
    if (auto e = fault()) return *e;
    auto it = template_files.find(path);
    if (it == template_files.end()) return Error{"failed to open " + path, 10, {}};
    loaded.push_back(path);
    if (!db.count(it->second)) db[it->second] = "";
    owners[it->second].insert(kPackage);
    return {};
  }
  Status unregister(const std::string& q) override {
    if (auto e = fault()) return *e;
    if (owners.count(q) && owners[q].count(kPackage)) remove_owner(q);
    return {};
  }

 private:
  std::optional<Error> fault() {
    ++calls;
    if (!fail_next && calls != fail_at) return std::nullopt;
    fail_next = false;
    fault_hit = true;
    return Error{"injected debconf fault", EPIPE, {}};
  }
  void remove_owner(const std::string& q) {
    owners[q].erase(kPackage);
    if (!owners[q].empty()) return;
    owners.erase(q);
    db.erase(q);
    std::vector<std::string> stale;
    for (const auto& [key, v] : flags)
      if (key.starts_with(q + " ")) stale.push_back(key);
    for (const auto& key : stale) flags.erase(key);
  }
};

}  // namespace sckl::testing
