#include "formats/fstab.h"

#include <libmount/libmount.h>

#include <cerrno>
#include <cstdio>
#include <memory>

#include "formats/mount_table.h"

namespace sckl {

namespace {


// libmount reports a line it cannot read through this callback; the table's
// userdata points at a bool that records it. 1 = skip the line, go on.
int record_bad_line(libmnt_table* table, const char* /*filename*/, int /*line*/) {
  if (auto* bad = static_cast<bool*>(mnt_table_get_userdata(table))) *bad = true;
  return 1;
}

// The line as it may be quoted in a message: printable, short.
std::string quoted(std::string_view line) {
  std::string s;
  for (char c : line) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u != 0x7f) {
      s += c;
    } else {
      static const char* hex = "0123456789abcdef";
      s += "\\x";
      s += hex[u >> 4];
      s += hex[u & 15];
    }
    if (s.size() > 80) {
      s += "...";
      break;
    }
  }
  return "'" + s + "'";
}

Error bad_line(const std::string& name, int line, const std::string& what) {
  return Error{name + " line " + std::to_string(line) + " " + what, EINVAL,
               "fix or remove that line of " + name + ", then run 'dpkg --configure -a'"};
}

// As libmount decides: a trailing '\r' is dropped, then blanks are skipped.
bool is_blank_or_comment(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  auto p = line.find_first_not_of(" \t");
  return p == std::string_view::npos || line[p] == '#';
}

// Parses one line (not blank, not a comment) with libmount. Each line gets a
// table of its own so that the line number of every entry and every error is
// exact; fstab has no construct that spans lines.
Result<FstabEntryView> parse_line(std::string_view line, int number, const std::string& name) {
  bool bad = false;
  int rc = 0;
  auto parsed = parse_mount_text(std::string(line) + "\n", name, record_bad_line, &bad, &rc);
  if (!parsed.ok()) return parsed.error();
  const MountTable& table = parsed.value();
  if (rc < 0 && !bad) return system_error("cannot parse " + name + " line " + std::to_string(number), -rc);
  if (bad || mnt_table_get_nents(table.get()) != 1)
    return bad_line(name, number, "is not an fstab entry (source, mount point, type, options, dump, pass): " +
                                      quoted(line));

  libmnt_fs* fs = nullptr;
  if (mnt_table_first_fs(table.get(), &fs) != 0 || !fs)
    return bad_line(name, number, "is not an fstab entry: " + quoted(line));
  auto str = [](const char* s) { return s ? std::string(s) : std::string(); };
  FstabEntryView e;
  e.line = number;
  e.source = str(mnt_fs_get_source(fs));
  e.target = str(mnt_fs_get_target(fs));
  e.fstype = str(mnt_fs_get_fstype(fs));
  e.options = str(mnt_fs_get_options(fs));
  return e;
}

bool all_of(std::string_view s, bool (*ok)(char)) {
  if (s.empty()) return false;
  for (char c : s)
    if (!ok(c)) return false;
  return true;
}

bool is_alnum(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

}  // namespace

bool is_valid_fs_uuid(std::string_view uuid) {
  // FAT volume ids (ABCD-1234) and 128-bit UUIDs both fit; 64 is plenty.
  return uuid.size() <= 64 && all_of(uuid, [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '-';
         });
}

bool is_valid_fs_type(std::string_view fstype) {
  return fstype.size() <= 32 && all_of(fstype, [](char c) { return is_alnum(c) || c == '.' || c == '_' || c == '-'; });
}

int root_fsck_pass(std::string_view fstype) {
  return (fstype == "ext2" || fstype == "ext3" || fstype == "ext4") ? 1 : 0;
}

bool is_root_target(const std::string& target) {
  if (target.empty()) return false;  // libmount would call "" equal to "/"
  std::unique_ptr<libmnt_fs, void (*)(libmnt_fs*)> fs(mnt_new_fs(), mnt_unref_fs);
  if (!fs || mnt_fs_set_target(fs.get(), target.c_str()) != 0) return target == "/";
  return mnt_fs_streq_target(fs.get(), "/") != 0;
}

bool options_mount_read_only(const std::string& options) {
  unsigned long flags = 0;
  if (mnt_optstr_get_flags(options.c_str(), &flags, mnt_get_builtin_optmap(MNT_LINUX_MAP)) != 0) return false;
  return (flags & MS_RDONLY) != 0;
}

Result<std::vector<FstabEntryView>> parse_fstab(const std::string& text, const std::string& name_for_errors) {
  std::vector<FstabEntryView> entries;
  int number = 0;
  std::string_view rest(text);
  while (!rest.empty()) {
    ++number;
    auto nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    if (line.find('\0') != std::string_view::npos)
      return bad_line(name_for_errors, number, "contains a NUL byte: " + quoted(line));
    if (is_blank_or_comment(line)) continue;
    auto entry = parse_line(line, number, name_for_errors);
    SCKL_TRY(entry);
    entries.push_back(std::move(entry).value());
  }
  return entries;
}

Result<FstabDecision> plan_root_entry(const std::string& text, const std::string& name_for_errors,
                                      const std::optional<RootFilesystem>& root) {
  auto entries = parse_fstab(text, name_for_errors);
  SCKL_TRY(entries);

  FstabDecision decision;
  bool has_root = false;
  for (const auto& e : entries.value()) {
    if (!is_root_target(e.target)) continue;
    has_root = true;
    if (options_mount_read_only(e.options))
      decision.warnings.push_back(name_for_errors + " line " + std::to_string(e.line) + " mounts / read-only (options '" +
                                  e.options + "'): the disk's kernel will keep the root file system read-only; " +
                                  "remove 'ro' from that line unless that is what you want");
  }
  if (has_root) return decision;

  if (!root || root->uuid.empty()) {
    std::string type = root && is_valid_fs_type(root->fstype) ? root->fstype : "ext4";
    decision.warnings.push_back(name_for_errors + " has no entry for / and the UUID of the root file system is unknown, " +
                                "so the disk's kernel may leave / read-only: add a line such as 'UUID=<UUID shown by " +
                                "blkid> / " + type + " defaults 0 " + std::to_string(root_fsck_pass(type)) +
                                "' to " + name_for_errors + " by hand");
    return decision;
  }

  const std::string hint = "add a line for / to " + name_for_errors + " by hand, then run 'dpkg --configure -a'";
  if (!is_valid_fs_uuid(root->uuid))
    return Error{"will not write the root file system's UUID " + quoted(root->uuid) + " into " + name_for_errors +
                     ": a UUID has only hexadecimal digits and '-'",
                 EINVAL, hint};
  if (!is_valid_fs_type(root->fstype))
    return Error{"will not write the root file system's type " + quoted(root->fstype) + " into " + name_for_errors +
                     ": a type has only letters, digits, '.', '_' and '-'",
                 EINVAL, hint};

  std::string out = text;
  if (!out.empty() && out.back() != '\n') out += '\n';
  out += kFstabRootComment;
  out += '\n';
  out += "UUID=" + root->uuid + " / " + root->fstype + " defaults 0 " + std::to_string(root_fsck_pass(root->fstype)) +
         "\n";
  decision.new_text = std::move(out);
  return decision;
}

}  // namespace sckl
