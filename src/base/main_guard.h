// The exception barrier of every program's main (hooks/, src/cli/sckl_main.cc):
// errors are values in sckl, but std::bad_alloc, a Boost or a standard
// library throw can still come up; uncaught, it aborts the program with a
// core and no word of what happened. Each main runs its body through
// guarded_main, which names the program and the exception and returns the
// exit code the program's caller must see.
#pragma once

#include <functional>

namespace sckl {

enum class OnException {
  // Kernel hooks and the generator: never fail the caller (run-parts
  // --exit-on-error would fail the kernel package; a failing generator must
  // not stop a boot). A warning, exit 0.
  WarnAndSucceed,
  // Maintainer scripts, the sckl command, the apt hook and the shutdown
  // hook: an error naming the program, exit 1 (dpkg shows it and can run
  // the script again).
  Fail,
};

// Runs body() and returns its exit code; a throw becomes a message and 0 or
// 1 as `policy` says. `program` names the program in the message.
int guarded_main(const char* program, OnException policy, const std::function<int()>& body) noexcept;

}  // namespace sckl
