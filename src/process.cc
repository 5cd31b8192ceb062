#include "process.h"

#include <sys/wait.h>

#include <boost/asio/io_context.hpp>
#include <boost/process.hpp>
#include <future>

namespace sckl {

namespace bp = boost::process;

std::string describe_command(const std::vector<std::string>& argv) {
  std::string s;
  for (const auto& a : argv) {
    if (!s.empty()) s += ' ';
    s += a;
  }
  return s;
}

namespace {

std::string trimmed(const std::string& s) {
  auto end = s.find_last_not_of(" \n\t");
  return end == std::string::npos ? std::string() : s.substr(0, end + 1);
}

}  // namespace

Error command_failed(const Command& command, const ProcessResult& result) {
  std::string msg = "'" + describe_command(command.argv) + "' failed with exit code " +
                    std::to_string(result.exit_code);
  std::string err = trimmed(result.err);
  if (!err.empty()) msg += ": " + err;
  return Error{msg, 0, {}};
}

Result<ProcessResult> run_process(const Command& command) {
  if (command.argv.empty()) return Error{"internal error: empty command", EINVAL, {}};
  const std::string shown = describe_command(command.argv);
  boost::filesystem::path exe = command.argv[0];
  if (command.argv[0].find('/') == std::string::npos) exe = bp::search_path(command.argv[0]);
  if (exe.empty())
    return Error{"cannot run '" + shown + "': " + command.argv[0] + " is not installed (not found in PATH)", ENOENT,
                 "install the package that provides " + command.argv[0]};

  std::vector<std::string> args(command.argv.begin() + 1, command.argv.end());
  bp::environment env = boost::this_process::environment();
  for (const auto& [k, v] : command.extra_env) env[k] = v;

  boost::asio::io_context ios;
  std::future<std::string> out, err;
  std::error_code ec;
  bp::child child(exe, bp::args(args), bp::std_in < bp::null, bp::std_out > out, bp::std_err > err, env, ios, ec);
  if (ec) return Error{"cannot run '" + shown + "': " + ec.message(), ec.value(), {}};

  // run_for returns once both pipes are closed (normally: the child exited)
  // or the time is up.
  const auto deadline = std::chrono::steady_clock::now() + command.timeout;
  ios.run_for(command.timeout);
  bool finished = ios.stopped();
  if (finished) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() < 1) left = std::chrono::milliseconds(1);
    finished = child.wait_for(left, ec);
  }
  if (!finished) {
    child.terminate(ec);
    return Error{"'" + shown + "' did not finish within " +
                     std::to_string(std::chrono::duration_cast<std::chrono::seconds>(command.timeout).count()) +
                     " s and was stopped",
                 ETIMEDOUT, {}};
  }
  ProcessResult r;
  r.out = out.get();
  r.err = err.get();
  int native = child.native_exit_code();
  if (WIFSIGNALED(native)) {
    Error e{"'" + shown + "' was killed by signal " + std::to_string(WTERMSIG(native)), EINTR, {}};
    if (!trimmed(r.err).empty()) e.message += ": " + trimmed(r.err);
    return e;
  }
  r.exit_code = child.exit_code();
  return r;
}

}  // namespace sckl
