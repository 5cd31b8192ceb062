#include "install/maint.h"
#include "install/purge.h"

namespace sckl {

Status run_postrm(System& sys, Debconf* debconf, const MaintCall& call) {
  // "disappear": every file of sckl now belongs to another package; nothing
  // of sckl runs any more, so its changes are undone as on purge.
  if (call.action == "purge" || call.action == "disappear") return purge_sckl(sys, debconf);
  if (call.action == "remove") return remove_sckl(sys);
  // upgrade/abort-*/failed-upgrade: the other version's scripts take over.
  return {};
}

}  // namespace sckl
