// The manifest under /var/lib/sckl records every change sckl makes to the
// system before it makes it: for each file, its original bytes (a saved copy,
// or "absent"), owner, group, mode and extended attributes, the checksum sckl
// wrote and, for a file that existed, the lines sckl changed in it (so that
// purge can undo that edit when the admin changed other lines since); every
// directory sckl
// created; every debconf answer of another package it changed, and every
// question of another package it created. Purge undoes
// exactly that and nothing else.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/system.h"
#include "formats/line_edit.h"

namespace sckl {

inline constexpr const char* kAbsent = "absent";

struct FileChange {
  std::string path;
  std::string original_sha;  // kAbsent when sckl created the file
  mode_t original_mode = 0;
  std::string written_sha;   // what sckl last wrote completely ("" before the first write finished)
  std::string pending_sha;   // what sckl is about to write ("" when no write is under way)
  // Owner, group, mode and extended attributes before sckl (files that
  // existed); nullopt in records of sckl 0.1, which kept the mode only.
  std::optional<FileAttrs> original_attrs;
  // The lines sckl changed in the original (files that existed): undone on
  // purge when the file changed since sckl wrote it. nullopt: none recorded.
  std::optional<LineEdit> edit;
};

struct DebconfChange {
  std::string question;        // e.g. kexec-tools/load_kexec
  std::string original_value;  // restored on purge
};

// A question of another package that sckl created with its own answer
// (grub_preset.h), sckl being its owner. Purge unregisters it.
struct DebconfPreset {
  std::string question;
  bool done = false;  // false: recorded before the answer was (wholly) given
};

struct Manifest {
  std::vector<FileChange> files;
  std::vector<std::string> created_dirs;  // in creation order
  std::vector<DebconfChange> debconf;
  std::vector<DebconfPreset> debconf_presets;

  FileChange* find_file(const std::string& path);
  const DebconfChange* find_debconf(const std::string& question) const;
  const DebconfPreset* find_debconf_preset(const std::string& question) const;

  // Text form; parse() rejects anything serialize() would not produce.
  std::string serialize() const;
  static Result<Manifest> parse(const std::string& text, const std::string& name_for_errors);
};

// Loads the manifest of the target (an empty one when there is none).
Result<Manifest> load_manifest(System& sys);
// Writes it atomically (creating /var/lib/sckl when needed).
Status save_manifest(System& sys, const Manifest& manifest);

// Path of the saved copy of a file whose bytes hash to sha.
std::string saved_copy_path(const std::string& sha);

// Applies changes to the target, recording each in the manifest first, so
// that a crash at any point leaves every file wholly old or wholly new and a
// re-run (or purge) knows what is sckl's.
class ChangeSet {
 public:
  enum class Outcome {
    Written,         // the file now has the new content
    Unchanged,       // it already had it
    LeftAdminCopy,   // the admin changed it since sckl wrote it: left alone
  };

  ChangeSet(System& sys, Manifest& manifest) : sys_(sys), manifest_(manifest) {}

  // Makes `path` hold `content`. A new file gets `mode` (root's); an
  // existing one keeps its owner, group, mode and extended attributes. A file the admin changed after sckl wrote it is left
  // alone (LeftAdminCopy, with a warning).
  Result<Outcome> put_file(const std::string& path, const std::string& content, mode_t mode = 0644);
  // Creates a directory and its missing parents, recording each one created.
  Status ensure_dir(const std::string& path);
  // Settles writes that a crash interrupted: a pending checksum becomes the
  // written one when the file has that content, and is dropped when the
  // file still has its earlier content. Call before planning from the
  // manifest, so that a re-run ends with the same record as a clean run.
  Status settle_interrupted_writes();
  // Records that sckl changed another package's debconf answer (first
  // original wins) and saves the manifest.
  Status record_debconf(const std::string& question, const std::string& original_value);
  // Records that sckl creates (done = false) or has created (done = true)
  // another package's debconf question, and saves the manifest.
  Status record_debconf_preset(const std::string& question, bool done);

 private:
  System& sys_;
  Manifest& manifest_;
};

// Undoes every file change the manifest records (purge). Files sckl wrote
// and the admin did not change since are restored byte-for-byte with their
// owner, group, mode and extended attributes (or removed when sckl created
// them). In a file that existed before sckl and that the admin changed since,
// sckl's own line edit is undone and the admin's changes stay; what cannot be
// undone that way (the admin changed sckl's lines themselves, or a file sckl
// created) is left and named. Directories sckl
// created are removed when empty. Paths that changed are added to
// `changed` when given. Safe to run again after a failure.
Status restore_files(System& sys, const Manifest& manifest, std::vector<std::string>* changed = nullptr);
// Undoes the change to one path (as restore_files does for all); nothing
// when the manifest has no record of it.
Status restore_file(System& sys, const Manifest& manifest, const std::string& path);
// Whose a recorded file is now: the one reading of "is this file still
// sckl's" (purge's admin-edit test, `sckl status`).
enum class FileOwnership {
  Sckl,        // what sckl wrote (or is writing)
  Original,    // what was there before sckl (absent included)
  Admin,       // anything else: changed (or removed) since sckl wrote it
  Replaced,    // no longer a regular file (a directory, a link, ...)
};
Result<FileOwnership> file_ownership(System& sys, const FileChange& f);
// "sckl", "original", "changed-by-admin", "replaced" (status's words).
const char* file_ownership_name(FileOwnership o);

// Whether PATH, recorded in the manifest, is a regular file whose content is
// neither what sckl wrote nor what was there before: an admin's edit. False
// for a path the manifest does not know, or that is gone.
Result<bool> edited_since_written(System& sys, const Manifest& manifest, const std::string& path);
// Removes /var/lib/sckl with the manifest and saved copies.
Status remove_state(System& sys);

}  // namespace sckl
