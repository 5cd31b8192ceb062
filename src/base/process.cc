#include "base/process.h"

#include "base/paths.h"
#include "base/text.h"

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>

#include <boost/asio/io_context.hpp>
#include <boost/process.hpp>
#include <boost/process/extend.hpp>
#include <algorithm>
#include <boost/asio/read.hpp>
#include <thread>

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

std::string find_program(const std::string& name, const std::string& path) {
  if (name.empty()) return "";
  if (name.find('/') != std::string::npos) return name;
  size_t start = 0;
  for (;;) {
    const size_t end = path.find(':', start);
    std::string dir = path.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (dir.empty()) dir = ".";
    const std::string candidate = dir + "/" + name;
    struct stat st {};
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(candidate.c_str(), X_OK) == 0)
      return candidate;
    if (end == std::string::npos) return "";
    start = end + 1;
  }
}

namespace {

// Starts the child in a process group of its own (setpgid in the child
// before exec, and in the parent too so that neither order races): on a
// timeout the whole group is killed, so that what the child started
// (update-initramfs' helpers, a hung kexec's children) does not live on
// holding sckl's lock or the boot.
struct OwnProcessGroup : bp::extend::handler {
  template <class Executor>
  void on_exec_setup(Executor&) const {
    ::setpgid(0, 0);
  }
};

// SIGKILL to the child's whole process group, then reap the child.
void kill_group(bp::child& child) {
  const pid_t pid = child.id();
  if (pid > 0 && ::kill(-pid, SIGKILL) != 0) ::kill(pid, SIGKILL);
  std::error_code ec;
  child.wait(ec);
}

}  // namespace

Error command_failed(const Command& command, const ProcessResult& result) {
  std::string msg = "'" + describe_command(command.argv) + "' failed with exit code " +
                    std::to_string(result.exit_code);
  std::string err = trim(result.err);
  if (!err.empty()) msg += ": " + err;
  return Error{msg, 0, {}};
}

Result<ProcessResult> run_process(const Command& command) {
  if (command.argv.empty()) return Error{"internal error: empty command", EINVAL, {}};
  const std::string shown = describe_command(command.argv);
  const char* path_env = std::getenv("PATH");
  const std::string exe = find_program(command.argv[0], path_env ? path_env : paths::kDefaultPath);
  if (exe.empty())
    return Error{"cannot run '" + shown + "': " + command.argv[0] + " is not installed (not found in PATH)", ENOENT,
                 "install the package that provides " + command.argv[0]};

  std::vector<std::string> args(command.argv.begin() + 1, command.argv.end());
  bp::environment env = boost::this_process::environment();
  // set(), not env[k]: Boost 1.74's operator[] (find) compares the key
  // against each inherited variable without a length check and reads past a
  // shorter one (AddressSanitizer: heap-buffer-overflow).
  for (const auto& [k, v] : command.extra_env) env.set(k, v);

  boost::asio::io_context ios;
  bp::async_pipe out_pipe(ios), err_pipe(ios);
  std::error_code ec;
  // The io_context is not handed to the child: that would add a SIGCHLD
  // watcher that keeps the loop busy until the time is up.
  bp::child child(exe, bp::args(args), bp::std_in < bp::null, bp::std_out > out_pipe, bp::std_err > err_pipe, env,
                  OwnProcessGroup{}, ec);
  if (ec) return Error{"cannot run '" + shown + "': " + ec.message(), ec.value(), {}};
  // EACCES once the child has exec'd (it did setpgid itself): fine.
  ::setpgid(child.id(), child.id());

  std::string out_buf, err_buf;
  int open_pipes = 2;
  auto on_done = [&](const boost::system::error_code&, std::size_t) { --open_pipes; };
  boost::asio::async_read(out_pipe, boost::asio::dynamic_buffer(out_buf), on_done);
  boost::asio::async_read(err_pipe, boost::asio::dynamic_buffer(err_buf), on_done);

  // Both pipes close when the child exits (or closes them); then wait for
  // the exit itself, all within one deadline.
  const auto deadline = std::chrono::steady_clock::now() + command.timeout;
  while (open_pipes > 0 && std::chrono::steady_clock::now() < deadline) ios.run_one_until(deadline);
  bool finished = open_pipes == 0;
  if (finished) {
    // Boost 1.74's child::wait_for can sleep out its whole timeout; poll
    // running() (waitpid WNOHANG) instead. The pipes are closed, so the
    // exit is normally a matter of microseconds.
    auto pause = std::chrono::microseconds(100);
    while ((finished = !child.running(ec)) == false && !ec && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(pause);
      pause = std::min(pause * 2, std::chrono::microseconds(20000));
    }
    if (ec) return Error{"cannot wait for '" + shown + "': " + ec.message(), ec.value(), {}};
  }
  if (!finished) {
    kill_group(child);
    return Error{"'" + shown + "' did not finish within " +
                     std::to_string(std::chrono::duration_cast<std::chrono::seconds>(command.timeout).count()) +
                     " s and was killed with its process group",
                 ETIMEDOUT, {}};
  }
  ProcessResult r;
  r.out = std::move(out_buf);
  r.err = std::move(err_buf);
  int native = child.native_exit_code();
  if (WIFSIGNALED(native)) {
    Error e{"'" + shown + "' was killed by signal " + std::to_string(WTERMSIG(native)), EINTR, {}};
    if (!trim(r.err).empty()) e.message += ": " + trim(r.err);
    return e;
  }
  r.exit_code = child.exit_code();
  return r;
}

}  // namespace sckl
