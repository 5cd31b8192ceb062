// /lib/systemd/system-generators/sckl-switch: the early switch. systemd runs
// generators before any unit (and again on every daemon-reload; the switch
// itself runs once per boot). Journald is not up yet: messages go to the
// kernel log. A generator's exit code only shows in the log; the boot goes on
// on the provider kernel whatever happens here.
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "log.h"
#include "switch.h"

int main(int argc, char** argv) {
  (void)argc;
  (void)argv;
  int kmsg = ::open("/dev/kmsg", O_WRONLY | O_CLOEXEC | O_NOCTTY);
  if (kmsg >= 0) {
    sckl::set_log_sink([kmsg](sckl::LogLevel level, const std::string& m) {
      const char* prio = level == sckl::LogLevel::Error ? "<3>" : level == sckl::LogLevel::Warning ? "<4>" : "<6>";
      std::string line = std::string(prio) + "sckl: " + m + "\n";
      if (::write(kmsg, line.data(), line.size()) < 0) {
        // Nowhere else to say it this early.
      }
    });
  }
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
