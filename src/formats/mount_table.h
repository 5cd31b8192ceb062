// util-linux's libmount over text that came through System::read_file (so
// that tests feed it from a FakeSystem): fstab lines or mountinfo, the
// format guessed by libmount.
#pragma once

#include <libmount/libmount.h>

#include <memory>
#include <set>
#include <string>

#include "base/error.h"

namespace sckl {

struct MountTableDeleter {
  void operator()(libmnt_table* t) const { mnt_unref_table(t); }
};
using MountTable = std::unique_ptr<libmnt_table, MountTableDeleter>;

// Parses `text`. `on_bad_line` and `userdata` are libmount's parser error
// callback and table userdata (either may be null). `parse_rc` receives
// mnt_table_parse_stream's result; out-of-memory and fmemopen failures are
// Errors naming `name`.
Result<MountTable> parse_mount_text(const std::string& text, const std::string& name,
                                    int (*on_bad_line)(libmnt_table*, const char*, int), void* userdata,
                                    int* parse_rc);

// The mount points of a mountinfo text (lines libmount cannot read are
// skipped): what is mounted where, whatever it is.
Result<std::set<std::string>> mount_points(const std::string& mountinfo, const std::string& name);

}  // namespace sckl
