// One program for both ways of switching early in a boot: the systemd
// generator (/lib/systemd/system-generators/sckl-switch, a link to
// /usr/lib/sckl/sckl-switch-generator) and sckl's init (/usr/lib/sckl/init, a
// link to the same file). Both carry the same switch code, linked lean for
// the boot's critical path (hooks/CMakeLists.txt); one file instead of two
// copies keeps about 380 KiB out of the package. The name it was run by
// chooses what it is: the kernel runs init= with that path as argv[0],
// systemd runs a generator by its path in the generator directory.
#pragma once

#include <string_view>

namespace sckl {

enum class EarlyProgram { Generator, Init };

// Init when the last part of argv[0] is "init"; the generator otherwise
// (also for an empty or missing argv[0]: the generator decides nothing before
// it has judged where it runs, see generator_guard.h).
EarlyProgram early_program(std::string_view argv0);

// The main of the file: switch_generator_main or init_shim_main.
int early_program_main(int argc, char** argv);

}  // namespace sckl
