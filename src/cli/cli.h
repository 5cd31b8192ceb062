#pragma once

namespace sckl {

class System;

// The sckl command: a table of verbs (see cli.cc and sckl(8)). Returns the
// exit code (0 success, 1 failure, 2 wrong usage). Verbs that change state
// run under the state lock (state_lock.h). `system`, for tests, replaces the
// real system below --root.
int cli_main(int argc, char** argv, System* system = nullptr);

}  // namespace sckl
