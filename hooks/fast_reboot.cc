// /usr/lib/sckl/sckl-fast-reboot: both steps of the fast reboot (see
// src/boot/fast_reboot.h).
//   sckl-fast-reboot load    ExecStop of sckl-fast-reboot.service
//   sckl-fast-reboot ACTION  as /lib/systemd/system-shutdown/sckl-fast-reboot,
//                            run by systemd-shutdown (halt|poweroff|reboot|kexec)
// Exit 0 when there was nothing to do, 1 when a step failed or threw (the
// reboot then goes through the hypervisor), 2 on wrong usage.
#include <cstdlib>
#include <string>

#include "base/log.h"
#include "base/paths.h"
#include "base/main_guard.h"
#include "boot/fast_reboot.h"

namespace {

int fast_reboot_main(int argc, char** argv) {
  const std::string action = argc == 2 ? argv[1] : "";
  if (action != "load" && action != "halt" && action != "poweroff" && action != "reboot" && action != "kexec") {
    sckl::log_error("usage: sckl-fast-reboot load|halt|poweroff|reboot|kexec "
                    "(run by sckl-fast-reboot.service and systemd-shutdown)");
    return 2;
  }
  // ExecStop's messages go to the journal; in systemd-shutdown journald is
  // gone and the kernel log (the console) is the only place left.
  if (action != "load") sckl::log_to_kernel_log();
  ::setenv("PATH", sckl::paths::kDefaultPath, 0);
  sckl::RealSystem sys("/");
  sckl::Status st = action == "load" ? sckl::fast_reboot_load(sys) : sckl::fast_reboot_exec(sys, action);
  if (!st.ok()) {
    sckl::log_error((action == "load" ? "fast reboot not prepared: " : "fast reboot failed: ") + st.error().describe());
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // A throw is a failed step: exit 1, the reboot goes through the hypervisor.
  return sckl::guarded_main("sckl-fast-reboot", sckl::OnException::Fail, [&] { return fast_reboot_main(argc, argv); });
}
