#include "base/state_lock.h"

#include "base/paths.h"

namespace sckl {

Result<std::unique_ptr<HeldLock>> lock_state(System& sys, const std::string& holder, std::chrono::milliseconds wait) {
  SCKL_TRY(make_parents(sys, paths::kStateLock));
  return sys.lock_file(paths::kStateLock, wait, holder);
}

}  // namespace sckl
