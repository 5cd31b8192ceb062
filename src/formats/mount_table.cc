#include "formats/mount_table.h"

#include <cerrno>
#include <cstdio>

namespace sckl {

Result<MountTable> parse_mount_text(const std::string& text, const std::string& name,
                                    int (*on_bad_line)(libmnt_table*, const char*, int), void* userdata,
                                    int* parse_rc) {
  MountTable table(mnt_new_table());
  if (!table) return Error{"cannot parse " + name + ": out of memory", ENOMEM, {}};
  if (userdata) mnt_table_set_userdata(table.get(), userdata);
  if (on_bad_line) mnt_table_set_parser_errcb(table.get(), on_bad_line);
  std::string buf = text;
  std::unique_ptr<FILE, int (*)(FILE*)> stream(fmemopen(buf.data(), buf.size(), "r"), &std::fclose);
  if (!stream) return system_error("cannot parse " + name, errno);
  int rc = mnt_table_parse_stream(table.get(), stream.get(), name.c_str());
  if (parse_rc) *parse_rc = rc;
  return table;
}

Result<std::set<std::string>> mount_points(const std::string& mountinfo, const std::string& name) {
  int rc = 0;
  auto parsed = parse_mount_text(mountinfo, name, [](libmnt_table*, const char*, int) { return 1; }, nullptr, &rc);
  if (!parsed.ok()) return parsed.error();
  if (rc < 0) return system_error("cannot parse " + name, -rc);
  std::set<std::string> points;
  std::unique_ptr<libmnt_iter, void (*)(libmnt_iter*)> it(mnt_new_iter(MNT_ITER_FORWARD), &mnt_free_iter);
  if (!it) return Error{"cannot parse " + name + ": out of memory", ENOMEM, {}};
  libmnt_fs* fs = nullptr;
  while (mnt_table_next_fs(parsed.value().get(), it.get(), &fs) == 0)
    if (const char* target = mnt_fs_get_target(fs)) points.insert(target);
  return points;
}

}  // namespace sckl
