#include "install/manifest.h"

#include <cerrno>
#include <sstream>

#include "base/log.h"
#include "base/paths.h"
#include "base/sha256.h"

namespace sckl {
namespace {

constexpr const char* kHeader = "sckl-manifest 1";

// Fields are space separated; paths and values are percent-encoded so that
// any byte survives a round trip.
std::string encode(const std::string& s) {
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    if (c <= 0x20 || c == 0x7f || c == '%') {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out.empty() ? "%" : out;  // "%" alone stands for the empty string
}

std::optional<std::string> decode(const std::string& s) {
  if (s == "%") return std::string();
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size()) return std::nullopt;
    auto val = [](char h) -> int {
      if (h >= '0' && h <= '9') return h - '0';
      if (h >= 'a' && h <= 'f') return h - 'a' + 10;
      return -1;
    };
    int hi = val(s[i + 1]), lo = val(s[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

bool is_sha_or(const std::string& s, const char* alt) {
  if (s == alt) return true;
  if (s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

std::vector<std::string> split_ws(const std::string& line) {
  std::vector<std::string> out;
  std::istringstream in(line);
  std::string w;
  while (in >> w) out.push_back(w);
  return out;
}

std::string sha_of_current(System& sys, const std::string& path, FileInfo info, Status& st) {
  if (info.kind == FileKind::Missing) return kAbsent;
  auto data = sys.read_file(path);
  if (!data.ok()) {
    st = data.error();
    return {};
  }
  return sha256_hex(data.value());
}

// The line edit from the saved original to `content`; nullopt (and the
// whole-file rules on purge) when the saved copy cannot be read.
std::optional<LineEdit> edit_from_original(System& sys, const FileChange& f, const std::string& content) {
  auto saved = sys.read_file(saved_copy_path(f.original_sha));
  if (!saved.ok()) {
    log_warning(saved.error().describe() + " (purge can then undo sckl's change to " + sys.display(f.path) +
                " only while the file is as sckl wrote it)");
    return std::nullopt;
  }
  return diff_lines(saved.value(), content);
}

}  // namespace

FileChange* Manifest::find_file(const std::string& path) {
  for (auto& f : files)
    if (f.path == path) return &f;
  return nullptr;
}

const DebconfPreset* Manifest::find_debconf_preset(const std::string& question) const {
  for (const auto& p : debconf_presets)
    if (p.question == question) return &p;
  return nullptr;
}

const DebconfChange* Manifest::find_debconf(const std::string& question) const {
  for (const auto& d : debconf)
    if (d.question == question) return &d;
  return nullptr;
}

std::string Manifest::serialize() const {
  std::ostringstream out;
  out << "# sckl's record of its changes to this system; 'apt purge sckl' undoes them. Do not edit.\n";
  out << kHeader << "\n";
  for (const auto& d : created_dirs) out << "dir " << encode(d) << "\n";
  for (const auto& f : files) {
    char mode[16];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(f.original_mode & 07777));
    out << "file " << encode(f.path) << " " << f.original_sha << " " << mode << " "
        << (f.written_sha.empty() ? "-" : f.written_sha) << " " << (f.pending_sha.empty() ? "-" : f.pending_sha);
    if (f.original_attrs) out << " " << f.original_attrs->uid << ":" << f.original_attrs->gid;
    out << "\n";
    if (f.original_attrs)
      for (const auto& [name, value] : f.original_attrs->xattrs)
        out << "xattr " << encode(f.path) << " " << encode(name) << " " << encode(value) << "\n";
    if (f.edit) {
      out << "edit " << encode(f.path) << " " << f.edit->removed.size() << " " << f.edit->added.size();
      for (const auto& l : f.edit->removed) out << " " << encode(l);
      for (const auto& l : f.edit->added) out << " " << encode(l);
      out << "\n";
    }
  }
  for (const auto& d : debconf) out << "debconf " << encode(d.question) << " " << encode(d.original_value) << "\n";
  for (const auto& p : debconf_presets)
    out << "debconf-preset " << encode(p.question) << " " << (p.done ? "done" : "pending") << "\n";
  return out.str();
}

Result<Manifest> Manifest::parse(const std::string& text, const std::string& name) {
  Manifest m;
  std::istringstream in(text);
  std::string line;
  int lineno = 0;
  bool header = false;
  const std::string hint =
      "the manifest is written only by sckl; restore it from a backup, or remove sckl's changes by hand "
      "(see 'man sckl') and delete the file";
  auto bad = [&](const std::string& why) {
    return Error{name + " line " + std::to_string(lineno) + ": " + why, EINVAL, hint};
  };
  while (std::getline(in, line)) {
    ++lineno;
    if (line.empty() || line[0] == '#') continue;
    if (!header) {
      if (line != kHeader) return bad("not a sckl manifest (expected '" + std::string(kHeader) + "')");
      header = true;
      continue;
    }
    auto w = split_ws(line);
    if (w.empty()) return bad("a line of blanks only");  // serialize() writes none
    if (w[0] == "dir" && w.size() == 2) {
      auto p = decode(w[1]);
      if (!p || !p->starts_with("/")) return bad("bad directory path");
      m.created_dirs.push_back(*p);
    } else if (w[0] == "file" && (w.size() == 6 || w.size() == 7)) {
      FileChange f;
      auto p = decode(w[1]);
      if (!p || !p->starts_with("/")) return bad("bad file path");
      f.path = *p;
      if (!is_sha_or(w[2], kAbsent)) return bad("bad original checksum");
      f.original_sha = w[2];
      char* end = nullptr;
      unsigned long mode = std::strtoul(w[3].c_str(), &end, 8);
      if (*end || mode > 07777) return bad("bad mode");
      f.original_mode = static_cast<mode_t>(mode);
      if (!is_sha_or(w[4], "-") || !is_sha_or(w[5], "-")) return bad("bad checksum");
      f.written_sha = w[4] == "-" ? "" : w[4];
      f.pending_sha = w[5] == "-" ? "" : w[5];
      if (w.size() == 7) {
        // UID:GID, both decimal (sckl 0.1 wrote six fields).
        unsigned long uid = 0, gid = 0;
        const auto colon = w[6].find(':');
        if (colon == std::string::npos || colon == 0 || colon + 1 == w[6].size() ||
            w[6].find_first_not_of("0123456789:") != std::string::npos || w[6].find(':', colon + 1) != std::string::npos ||
            w[6].size() > 21)
          return bad("bad owner");
        uid = std::strtoul(w[6].c_str(), nullptr, 10);
        gid = std::strtoul(w[6].c_str() + colon + 1, nullptr, 10);
        if (uid > 0xfffffffful || gid > 0xfffffffful || f.original_sha == kAbsent) return bad("bad owner");
        f.original_attrs = FileAttrs{static_cast<uid_t>(uid), static_cast<gid_t>(gid), f.original_mode, {}};
      }
      if (m.find_file(f.path)) return bad("a second record of the same file");
      m.files.push_back(std::move(f));
    } else if (w[0] == "xattr" && w.size() == 4) {
      auto p = decode(w[1]);
      auto attr = decode(w[2]);
      auto value = decode(w[3]);
      FileChange* f = p ? m.find_file(*p) : nullptr;
      if (!f || !f->original_attrs) return bad("an xattr record without the file's owner record before it");
      if (!attr || attr->empty() || !value || f->original_attrs->xattrs.count(*attr)) return bad("bad xattr record");
      f->original_attrs->xattrs[*attr] = *value;
    } else if (w[0] == "edit" && w.size() >= 4) {
      auto p = decode(w[1]);
      FileChange* f = p ? m.find_file(*p) : nullptr;
      if (!f || f->original_sha == kAbsent || f->edit) return bad("an edit record without its file record before it");
      char* end1 = nullptr;
      char* end2 = nullptr;
      unsigned long nr = std::strtoul(w[2].c_str(), &end1, 10), na = std::strtoul(w[3].c_str(), &end2, 10);
      if (*end1 || *end2 || w[2].empty() || w[3].empty() || w[2][0] == '-' || w[3][0] == '-' ||
          nr > w.size() || na > w.size() || nr + na != w.size() - 4 || nr + na == 0)
        return bad("bad edit record");
      LineEdit e;
      for (size_t i = 0; i < nr + na; ++i) {
        auto l = decode(w[4 + i]);
        if (!l || l->find('\n') != std::string::npos) return bad("bad line in edit record");
        (i < nr ? e.removed : e.added).push_back(*l);
      }
      f->edit = std::move(e);
    } else if (w[0] == "debconf" && w.size() == 3) {
      auto q = decode(w[1]);
      auto v = decode(w[2]);
      if (!q || !v) return bad("bad debconf record");
      m.debconf.push_back({*q, *v});
    } else if (w[0] == "debconf-preset" && w.size() == 3) {
      auto q = decode(w[1]);
      if (!q || q->empty() || (w[2] != "done" && w[2] != "pending")) return bad("bad debconf-preset record");
      m.debconf_presets.push_back({*q, w[2] == "done"});
    } else {
      return bad("unknown record '" + w[0] + "'");
    }
  }
  if (!header && lineno > 0 && !text.empty()) {
    // A file of only comments/blank lines is damaged too: sckl always writes the header.
    return Error{name + ": not a sckl manifest (no '" + std::string(kHeader) + "' line)", EINVAL, hint};
  }
  return m;
}

Result<Manifest> load_manifest(System& sys) {
  auto st = sys.stat(paths::kManifest);
  if (!st.ok()) return st.error();
  if (st.value().kind == FileKind::Missing) return Manifest{};
  auto text = sys.read_file(paths::kManifest);
  if (!text.ok()) return text.error();
  return Manifest::parse(text.value(), sys.display(paths::kManifest));
}

Status save_manifest(System& sys, const Manifest& manifest) {
  SCKL_TRY(sys.make_dir(paths::kStateDir, 0755));
  return sys.write_file(paths::kManifest, manifest.serialize(), 0644);
}

std::string saved_copy_path(const std::string& sha) { return std::string(paths::kOriginalsDir) + "/" + sha; }

Result<ChangeSet::Outcome> ChangeSet::put_file(const std::string& path, const std::string& content, mode_t mode) {
  auto info = sys_.stat(path);
  if (!info.ok()) return info.error();
  if (info.value().kind == FileKind::Symlink)
    return Error{"will not change " + sys_.display(path) + ": it is a symbolic link", ELOOP,
                 "sckl edits only regular files; replace the link by the file it points to, then run again"};
  if (info.value().kind != FileKind::Missing && info.value().kind != FileKind::Regular)
    return Error{"will not change " + sys_.display(path) + ": it is not a regular file", EISDIR,
                 "move it away, then run again"};
  std::string current;
  const bool present = info.value().kind == FileKind::Regular;
  if (present) {
    auto data = sys_.read_file(path);
    if (!data.ok()) return data.error();
    current = std::move(data.value());
  }
  const std::string cur_sha = present ? sha256_hex(current) : kAbsent;
  const std::string new_sha = sha256_hex(content);

  FileChange* entry = manifest_.find_file(path);
  if (entry) {
    bool ours = cur_sha == entry->written_sha || cur_sha == entry->pending_sha || cur_sha == entry->original_sha;
    if (!ours) {
      log_warning(sys_.display(path) + " was changed after sckl wrote it; sckl leaves it as it is");
      return Outcome::LeftAdminCopy;
    }
    if (present && current == content) {
      bool save = false;
      if (entry->written_sha != new_sha || !entry->pending_sha.empty()) {
        entry->written_sha = new_sha;
        entry->pending_sha.clear();
        save = true;
      }
      // A record of sckl 0.1 has no line edit: work it out now, while the
      // file is still as sckl wrote it.
      if (!entry->edit && entry->original_sha != kAbsent) {
        entry->edit = edit_from_original(sys_, *entry, content);
        save = save || entry->edit.has_value();
      }
      if (save) SCKL_TRY(save_manifest(sys_, manifest_));
      return Outcome::Unchanged;
    }
    if (entry->original_sha != kAbsent) entry->edit = edit_from_original(sys_, *entry, content);
  } else {
    if (present && current == content) return Outcome::Unchanged;
    FileChange change{path, cur_sha, present ? info.value().mode : mode_t{0}, "", "", {}, {}};
    if (present) {
      auto attrs = sys_.file_attrs(path);
      if (!attrs.ok()) return attrs.error();
      change.original_attrs = attrs.value();
      change.original_mode = attrs.value().mode;
      change.edit = diff_lines(current, content);
      SCKL_TRY(sys_.make_dir(paths::kStateDir, 0755));
      SCKL_TRY(sys_.make_dir(paths::kOriginalsDir, 0700));
      SCKL_TRY(sys_.write_file(saved_copy_path(cur_sha), current, 0600));
    }
    manifest_.files.push_back(std::move(change));
    entry = &manifest_.files.back();
  }
  entry->pending_sha = new_sha;
  SCKL_TRY(save_manifest(sys_, manifest_));
  if (present) {
    // The admin's file stays theirs: owner, group, mode, ACLs and labels
    // as they are now.
    auto attrs = sys_.file_attrs(path);
    if (!attrs.ok()) return attrs.error();
    SCKL_TRY(sys_.write_file_as(path, content, attrs.value()));
  } else {
    SCKL_TRY(sys_.write_file(path, content, mode));
  }
  entry = manifest_.find_file(path);
  entry->written_sha = new_sha;
  entry->pending_sha.clear();
  SCKL_TRY(save_manifest(sys_, manifest_));
  return Outcome::Written;
}

Status ChangeSet::ensure_dir(const std::string& path) {
  auto st = sys_.stat(path);
  if (!st.ok()) return st.error();
  if (st.value().kind == FileKind::Directory) return {};
  if (st.value().kind != FileKind::Missing)
    return Error{"cannot create directory " + sys_.display(path) + ": something else is in the way", EEXIST,
                 "move it away, then run again"};
  SCKL_TRY(ensure_dir(parent_dir(path)));
  bool known = false;
  for (const auto& d : manifest_.created_dirs) known = known || d == path;
  if (!known) {
    manifest_.created_dirs.push_back(path);
    SCKL_TRY(save_manifest(sys_, manifest_));
  }
  return sys_.make_dir(path, 0755);
}

Status ChangeSet::settle_interrupted_writes() {
  bool changed = false;
  for (auto& f : manifest_.files) {
    if (f.pending_sha.empty()) continue;
    auto info = sys_.stat(f.path);
    if (!info.ok()) return info.error();
    Status st;
    std::string cur = sha_of_current(sys_, f.path, info.value(), st);
    if (!st.ok()) return st;
    if (cur == f.pending_sha) {
      f.written_sha = f.pending_sha;
      f.pending_sha.clear();
      changed = true;
    } else if (cur == f.written_sha || cur == f.original_sha) {
      f.pending_sha.clear();
      changed = true;
    }
  }
  return changed ? save_manifest(sys_, manifest_) : Status();
}

Status ChangeSet::record_debconf_preset(const std::string& question, bool done) {
  for (auto& p : manifest_.debconf_presets) {
    if (p.question != question) continue;
    if (p.done == done) return {};
    p.done = done;
    return save_manifest(sys_, manifest_);
  }
  manifest_.debconf_presets.push_back({question, done});
  return save_manifest(sys_, manifest_);
}

Status ChangeSet::record_debconf(const std::string& question, const std::string& original_value) {
  if (manifest_.find_debconf(question)) return {};
  manifest_.debconf.push_back({question, original_value});
  return save_manifest(sys_, manifest_);
}

namespace {

// Undoes sckl's line edit in a file the admin changed since sckl wrote it
// (see revert_line_edit); their changes and the file's attributes stay.
Status revert_edit(System& sys, const FileChange& f, const std::string& current, std::vector<std::string>* changed) {
  const LineRevert r = revert_line_edit(current, *f.edit);
  if (r.changed) {
    auto attrs = sys.file_attrs(f.path);
    if (!attrs.ok()) return attrs.error();
    SCKL_TRY(sys.write_file_as(f.path, r.text, attrs.value()));
    log_info("undid sckl's change to " + sys.display(f.path) + "; the changes made there since stay");
    if (changed) changed->push_back(f.path);
  }
  if (!r.complete) {
    std::string lines;
    for (const auto& l : r.kept) lines += (lines.empty() ? "'" : ", '") + l + "'";
    log_warning(sys.display(f.path) + " was changed after sckl wrote it, sckl's own lines too: " +
                (lines.empty() ? std::string("its change there is left as it is")
                               : "left as they are now: " + lines) +
                "; edit the file by hand if they are not wanted");
  }
  return {};
}

Status restore_one(System& sys, const FileChange& f, std::vector<std::string>* changed) {
  auto info = sys.stat(f.path);
  if (!info.ok()) return info.error();
  if (info.value().kind == FileKind::Symlink || info.value().kind == FileKind::Directory ||
      info.value().kind == FileKind::Other) {
    log_warning(sys.display(f.path) + " is no longer a regular file; left as it is");
    return {};
  }
  std::string current;
  if (info.value().kind == FileKind::Regular) {
    auto data = sys.read_file(f.path);
    if (!data.ok()) return data.error();
    current = std::move(data.value());
  }
  const std::string cur = info.value().kind == FileKind::Missing ? std::string(kAbsent) : sha256_hex(current);
  if (cur == f.original_sha) return {};  // already as it was (or never written)
  if (cur != f.written_sha && cur != f.pending_sha) {
    if (f.edit && f.original_sha != kAbsent && info.value().kind == FileKind::Regular)
      return revert_edit(sys, f, current, changed);
    log_warning(sys.display(f.path) + " was changed after sckl wrote it; left as it is" +
                (f.original_sha == kAbsent ? std::string(" (sckl had created it)")
                                           : std::string(" (its content before sckl is lost with the purge)")));
    return {};
  }
  if (f.original_sha == kAbsent) {
    SCKL_TRY(sys.remove_file(f.path));
    log_info("removed " + sys.display(f.path));
    if (changed) changed->push_back(f.path);
    return {};
  }
  auto saved = sys.read_file(saved_copy_path(f.original_sha));
  if (!saved.ok())
    return saved.error().with_hint("sckl cannot restore " + sys.display(f.path) +
                                   " without its saved copy; restore the file by hand, then run the purge again");
  if (sha256_hex(saved.value()) != f.original_sha)
    return Error{"the saved copy of " + sys.display(f.path) + " (" + sys.display(saved_copy_path(f.original_sha)) +
                     ") is damaged",
                 EIO, "restore the file by hand, then run the purge again"};
  // Records of sckl 0.1 have the mode only; the owner is then root's.
  if (f.original_attrs) SCKL_TRY(sys.write_file_as(f.path, saved.value(), *f.original_attrs));
  else SCKL_TRY(sys.write_file(f.path, saved.value(), f.original_mode));
  log_info("restored " + sys.display(f.path));
  if (changed) changed->push_back(f.path);
  return {};
}

Status remove_tree(System& sys, const std::string& path) {
  auto info = sys.stat(path);
  if (!info.ok()) return info.error();
  if (info.value().kind == FileKind::Missing) return {};
  if (info.value().kind != FileKind::Directory) return sys.remove_file(path);
  auto names = sys.list_dir(path);
  if (!names.ok()) return names.error();
  for (const auto& n : names.value()) SCKL_TRY(remove_tree(sys, path + "/" + n));
  return sys.remove_dir(path);
}

}  // namespace

Status restore_files(System& sys, const Manifest& manifest, std::vector<std::string>* changed) {
  for (auto it = manifest.files.rbegin(); it != manifest.files.rend(); ++it)
    SCKL_TRY(restore_one(sys, *it, changed));
  for (auto it = manifest.created_dirs.rbegin(); it != manifest.created_dirs.rend(); ++it) {
    auto info = sys.stat(*it);
    if (!info.ok()) return info.error();
    if (info.value().kind != FileKind::Directory) continue;
    auto names = sys.list_dir(*it);
    if (!names.ok()) return names.error();
    if (!names.value().empty()) {
      log_info("kept " + sys.display(*it) + ": it holds files that are not sckl's");
      continue;
    }
    SCKL_TRY(sys.remove_dir(*it));
  }
  return {};
}

Status restore_file(System& sys, const Manifest& manifest, const std::string& path) {
  for (const auto& f : manifest.files)
    if (f.path == path) return restore_one(sys, f, nullptr);
  return {};
}

Result<FileOwnership> file_ownership(System& sys, const FileChange& f) {
  auto info = sys.stat(f.path);
  if (!info.ok()) return info.error();
  if (info.value().kind != FileKind::Regular && info.value().kind != FileKind::Missing) return FileOwnership::Replaced;
  Status st;
  std::string cur = sha_of_current(sys, f.path, info.value(), st);
  if (!st.ok()) return st.error();
  if (cur == f.written_sha || cur == f.pending_sha) return FileOwnership::Sckl;
  if (cur == f.original_sha) return FileOwnership::Original;
  return FileOwnership::Admin;
}

const char* file_ownership_name(FileOwnership o) {
  switch (o) {
    case FileOwnership::Sckl: return "sckl";
    case FileOwnership::Original: return "original";
    case FileOwnership::Admin: return "changed-by-admin";
    case FileOwnership::Replaced: return "replaced";
  }
  return "?";
}

Result<bool> edited_since_written(System& sys, const Manifest& manifest, const std::string& path) {
  for (const auto& f : manifest.files) {
    if (f.path != path) continue;
    auto kind = sys.stat(path);
    if (!kind.ok()) return kind.error();
    // A file removed since is no edit to undo line by line.
    if (kind.value().kind != FileKind::Regular) return false;
    auto owner = file_ownership(sys, f);
    if (!owner.ok()) return owner.error();
    return owner.value() == FileOwnership::Admin;
  }
  return false;
}

Status remove_state(System& sys) { return remove_tree(sys, paths::kStateDir); }

}  // namespace sckl
