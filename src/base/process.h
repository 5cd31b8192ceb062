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

// An Error for a command that exited non-zero: names it and quotes stderr.
Error command_failed(const Command& command, const ProcessResult& result);

}  // namespace sckl
