// The main of /lib/systemd/system-generators/sckl-switch: judge where it runs
// (generator_guard.h), then run the early switch (switch.h) within the
// generator's time budget (time_budget.h), behind the exception barrier
// (main_guard.h).
#pragma once

#include "base/system.h"

namespace sckl {

// `sys` is for tests; nullptr means the real machine: messages then go to
// the kernel log (journald is not up yet) and PATH gets a default. Returns
// 0 when it did not switch for a reason of its own (or a throw), 1 when the
// switch failed (systemd logs the generator as failed; the boot goes on on
// the provider's kernel either way); a switch does not return.
int switch_generator_main(int argc, char** argv, System* sys = nullptr);

}  // namespace sckl
