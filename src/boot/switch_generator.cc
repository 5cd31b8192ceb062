#include "boot/switch_generator.h"

#include <cstdlib>
#include <memory>

#include "base/log.h"
#include "base/paths.h"
#include "base/main_guard.h"
#include "base/time_budget.h"
#include "boot/generator_guard.h"
#include "boot/hang_guard.h"
#include "boot/switch.h"

namespace sckl {

int switch_generator_main(int argc, char** argv, System* sys) {
  return guarded_main("sckl-switch generator", OnException::WarnAndSucceed, [&]() -> int {
    std::unique_ptr<RealSystem> real;
    if (!sys) {
      real = std::make_unique<RealSystem>("/");
      sys = real.get();
    }
    // The zero of the switch's timeline (switch.h: early_switch).
    const auto started = sys->kernel_clock();
    // First of all, before any write: is this systemd's run at the start of
    // a boot of this machine? If not, one line (to stderr: whoever ran it
    // reads that) and nothing else.
    const std::vector<std::string> args(argv + 1, argv + argc);
    GuardVerdict where = judge_generator_run(observe_generator_run(*sys, args));
    if (!where.may_switch) {
      log_info("sckl-switch: not switching, nothing written: " + where.reason);
      return 0;
    }
    if (real) {
      log_to_kernel_log();
      // Generators may start with a minimal environment; kexec, mount and
      // sync are looked up in PATH. A PATH that is set is kept.
      ::setenv("PATH", paths::kDefaultPath, 0);
    }
    // Before the switch (which returns at once on a daemon-reload, when the
    // units must be written again): on a switched boot, the deadline units.
    if (Status g = write_hang_guard(*sys, args.at(0)); !g.ok())
      log_warning("hang guard not armed: " + g.error().describe());
    BudgetedSystem budgeted(*sys, kGeneratorBudget);
    Status st = early_switch(budgeted, started);
    if (!st.ok()) {
      log_error(st.error().describe());
      return 1;
    }
    return 0;
  });
}

}  // namespace sckl
