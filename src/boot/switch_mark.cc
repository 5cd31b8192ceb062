#include "boot/switch_mark.h"

#include "base/paths.h"

namespace sckl {

Status mark_switch_done_for_this_boot(System& sys, const std::string& why) {
  SCKL_TRY(sys.make_dir(paths::kRunDir, 0755));
  return sys.write_file(paths::kSwitchRan, why + "\n", 0644);
}

Status mark_switch_done_if_booted(System& sys, const std::string& why) {
  if (sys.root() != "/") return {};
  auto booted = sys.stat(paths::kRunSystemd);
  if (!booted.ok()) return booted.error();
  if (booted.value().kind != FileKind::Directory) return {};
  return mark_switch_done_for_this_boot(sys, why);
}

}  // namespace sckl
