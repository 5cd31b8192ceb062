// The one process runner: argv only (never a shell), stdin from /dev/null,
// stdout and stderr captured, a timeout after which the child is killed.
#pragma once

#include "base/system.h"

namespace sckl {

// Runs command.argv. A program that cannot be started, times out or dies by a
// signal is an Error (with its stderr); a normal non-zero exit is a result.
Result<ProcessResult> run_process(const Command& command);

// "prog arg1 arg2" for messages (not for execution).
std::string describe_command(const std::vector<std::string>& argv);

// The program a command name runs: `name` itself when it holds a '/', else
// the first executable regular file `dir/name` of the ':'-separated `path`
// (an empty entry is the current directory, as execvp has it); "" when none.
// Ours rather than Boost.Process's search_path: that one needs the
// Boost.Filesystem library at run time, which the private libsckl would
// then pull in as a package dependency (hooks/CMakeLists.txt).
std::string find_program(const std::string& name, const std::string& path);

// An Error for a command that exited non-zero: names it and quotes stderr.
Error command_failed(const Command& command, const ProcessResult& result);

}  // namespace sckl
