// A line-level edit of a text file, as sckl records it for a file that
// existed before sckl changed it (/etc/fstab: the root entry it appended;
// /etc/default/kexec: LOAD_KEXEC=true that became false). Purge undoes the
// edit itself when the admin changed other lines of the file since, instead
// of giving up on the whole file.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace sckl {

// Lines `removed` (possibly none) replaced by lines `added` at one place.
// Lines are without their '\n'.
struct LineEdit {
  std::vector<std::string> removed;
  std::vector<std::string> added;
  bool operator==(const LineEdit&) const = default;
};

// The one edit that turns `before` into `after`: everything between their
// common leading and common trailing lines. nullopt when the texts have the
// same lines (they may still differ in the final newline).
std::optional<LineEdit> diff_lines(const std::string& before, const std::string& after);

struct LineRevert {
  std::string text;                // `current` with what could be undone undone
  bool changed = false;            // text differs from current
  bool complete = false;           // the whole edit was undone
  std::vector<std::string> kept;   // lines of sckl's that are left, for the message
};

// Undoes `edit` in `current`, a later version of the text the edit produced:
// where sckl's `added` lines are there as one block, exactly once, they
// become `removed` again. Otherwise, for an edit that only added lines, each
// added line found exactly once is removed on its own; a line the admin
// changed (not there as sckl wrote it) or repeated is kept and listed. An
// edit that replaced lines whose new lines are not there as one block is
// left whole (its added lines listed): what to put back is not clear then;
// so is an edit that only removed lines.
// The text keeps current's final newline, or lack of one.
LineRevert revert_line_edit(const std::string& current, const LineEdit& edit);

}  // namespace sckl
