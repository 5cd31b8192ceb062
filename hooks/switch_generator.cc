// /lib/systemd/system-generators/sckl-switch: the early switch. systemd runs
// generators before any unit (and again on every daemon-reload; the switch
// itself runs once per boot). Journald is not up yet: messages go to the
// kernel log. A generator's exit code only shows in the log; the boot goes on
// on the provider kernel whatever happens here.
#include <cstdlib>
#include <string>

#include "log.h"
#include "switch.h"

int main(int argc, char** argv) {
  (void)argc;
  (void)argv;
  sckl::log_to_kernel_log();
  // Generators may start with a minimal environment; kexec, mount and sync
  // are looked up in PATH.
  ::setenv("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", 0);
  sckl::RealSystem sys("/");
  sckl::Status st = sckl::early_switch(sys);
  if (!st.ok()) {
    sckl::log_error(st.error().describe());
    return 1;
  }
  return 0;
}
