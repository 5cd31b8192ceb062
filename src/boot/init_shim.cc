#include "boot/init_shim.h"

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "base/log.h"
#include "base/main_guard.h"
#include "base/paths.h"
#include "base/time_budget.h"
#include "boot/generator_guard.h"
#include "boot/switch.h"
#include "formats/config.h"
#include "formats/mount_table.h"

namespace sckl {

const std::vector<ApiMount>& shim_api_mounts() {
  // systemd's own table (src/shared/mount-setup.c, systemd 252-257): what it
  // finds mounted it keeps, so these must be what it would have mounted.
  static const std::vector<ApiMount> mounts = {
      {"/proc", "proc", true, true, true, ""},
      {"/sys", "sysfs", true, true, true, ""},
      {"/dev", "devtmpfs", true, false, false, "mode=0755,size=4m"},
      {"/run", "tmpfs", true, true, false, "mode=0755,size=20%,nr_inodes=800k"},
  };
  return mounts;
}

std::vector<ApiMount> missing_api_mounts(const std::set<std::string>& mounted) {
  std::vector<ApiMount> missing;
  for (const ApiMount& m : shim_api_mounts())
    if (!mounted.count(m.path)) missing.push_back(m);
  return missing;
}

namespace {

ShimVerdict no(std::string why) { return ShimVerdict{false, std::move(why)}; }

// The option alone: read before anything is mounted, so that with it off
// the shim changes nothing in the boot.
ShimVerdict judge_option(const ShimFacts& f) {
  if (!f.config_error.empty()) return no("cannot read its setting: " + f.config_error);
  if (!f.option || !config_true(*f.option))
    return no(std::string(kKeyInitShim) + " is not yes in " + paths::kConfigFile +
              ", so the switch is left to the generator (sckl.conf(5))");
  return {true, {}};
}

// The mount points in force; none known while /proc is not mounted.
Result<std::set<std::string>> current_mount_points(System& sys) {
  auto info = sys.read_file(paths::kMountInfo);
  if (!info.ok()) return std::set<std::string>{};
  return mount_points(info.value(), paths::kMountInfo);
}

Status mount_api_file_systems(System& sys) {
  auto mounted = current_mount_points(sys);
  if (!mounted.ok()) return mounted.error();
  // /proc first: without it nothing is known to be mounted (the kernel may
  // have mounted its devtmpfs on /dev), so the others are judged after it.
  if (!mounted.value().count("/proc")) {
    SCKL_TRY(sys.mount_api(shim_api_mounts().front()));
    auto info = sys.read_file(paths::kMountInfo);
    if (!info.ok()) return info.error().with_hint("/proc was mounted just before");
    mounted = mount_points(info.value(), paths::kMountInfo);
    if (!mounted.ok()) return mounted.error();
  }
  for (const ApiMount& m : missing_api_mounts(mounted.value())) SCKL_TRY(sys.mount_api(m));
  return {};
}

ShimFacts observe_after_mounts(System& sys, ShimFacts f) {
  auto initrd = path_exists(sys, paths::kInitrdRelease);
  f.initrd_release = !initrd.ok() || initrd.value();
  auto ns = sys.read_link(paths::kOwnPidNamespace);
  if (ns.ok()) f.pid_namespace = ns.value();
  else f.pid_namespace_error = ns.error().describe();
  return f;
}

}  // namespace

ShimVerdict judge_init_shim_run(const ShimFacts& f) {
  if (ShimVerdict v = judge_option(f); !v.may_switch) return v;
  if (f.initrd_release)
    return no(std::string(paths::kInitrdRelease) + " exists (or cannot be checked): this is an initrd, not the booted system");
  if (!f.pid_namespace) return no("cannot tell whether this is a container: " + f.pid_namespace_error);
  if (*f.pid_namespace != kInitialPidNamespace)
    return no("this is PID 1 of a PID namespace of its own (" + *f.pid_namespace +
              "): a container, whose kexec would reach the host's kernel");
  return {true, {}};
}

std::string ChildEnd::describe() const {
  switch (kind) {
    case Kind::Exited: return "ended with exit code " + std::to_string(code);
    case Kind::Signalled: return std::string("was killed by signal ") + std::to_string(code) + " (" + strsignal(code) + ")";
    case Kind::TimedOut: return "did not end in time and was killed";
    case Kind::NotStarted: return std::string("could not be started: ") + std::strerror(code);
  }
  return "ended";
}

// fork/waitpid/kill here, not base/process.h's runner: the child runs a
// function of this program, not a command, and PID 1 must need nothing but
// these calls to go on with the boot.
ChildEnd run_switch_child(const std::function<int()>& work, std::chrono::milliseconds deadline) {
  // SIGCHLD blocked before the fork, so that its arrival wakes sigtimedwait.
  sigset_t chld, old;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &chld, &old);
  const pid_t pid = ::fork();
  if (pid < 0) {
    const int e = errno;
    sigprocmask(SIG_SETMASK, &old, nullptr);
    return {ChildEnd::Kind::NotStarted, e};
  }
  if (pid == 0) {
    sigprocmask(SIG_SETMASK, &old, nullptr);
    ::setpgid(0, 0);  // its kexec children with it: one kill ends them all
    int code = 1;
    try {
      code = work();
    } catch (...) {
      // guarded_main inside work() says what was thrown; this is the last net.
    }
    std::fflush(nullptr);
    ::_exit(code);
  }
  ::setpgid(pid, pid);  // also here, so that the kill below cannot miss it
  const auto until = std::chrono::steady_clock::now() + deadline;
  ChildEnd end;
  for (;;) {
    int status = 0;
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) {
      end = WIFEXITED(status) ? ChildEnd{ChildEnd::Kind::Exited, WEXITSTATUS(status)}
                              : ChildEnd{ChildEnd::Kind::Signalled, WIFSIGNALED(status) ? WTERMSIG(status) : 0};
      break;
    }
    if (r < 0 && errno != EINTR) {
      end = {ChildEnd::Kind::Exited, -1};
      break;
    }
    const auto left = until - std::chrono::steady_clock::now();
    if (left <= std::chrono::steady_clock::duration::zero()) {
      ::kill(-pid, SIGKILL);
      ::kill(pid, SIGKILL);
      while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
      end = {ChildEnd::Kind::TimedOut, 0};
      break;
    }
    // Wakes on any SIGCHLD (PID 1 also inherits orphans) or after at most
    // 100 ms, then looks again.
    const auto wait = std::min<std::chrono::steady_clock::duration>(left, std::chrono::milliseconds(100));
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(wait).count();
    timespec ts{static_cast<time_t>(ns / 1000000000), static_cast<long>(ns % 1000000000)};
    ::sigtimedwait(&chld, nullptr, &ts);
  }
  sigprocmask(SIG_SETMASK, &old, nullptr);
  return end;
}

int init_shim_switch(System& sys, std::chrono::milliseconds started) {
  return guarded_main("sckl's init", OnException::WarnAndSucceed, [&]() -> int {
    ShimFacts facts;
    auto config = read_config(sys);
    if (config.ok()) facts.option = config.value().get(kKeyInitShim);
    else facts.config_error = config.error().describe();
    if (ShimVerdict v = judge_option(facts); !v.may_switch) {
      log_info("sckl's init: not switching before systemd: " + v.reason);
      return 0;
    }
    if (Status m = mount_api_file_systems(sys); !m.ok()) {
      log_error("sckl's init: not switching before systemd: " + m.error().describe());
      return 1;
    }
    if (ShimVerdict v = judge_init_shim_run(observe_after_mounts(sys, facts)); !v.may_switch) {
      log_info("sckl's init: not switching: " + v.reason);
      return 0;
    }
    if (sys.root() == "/") {
      log_to_kernel_log();
      // The kernel starts init with no PATH; kexec is looked up in it.
      ::setenv("PATH", paths::kDefaultPath, 0);
    }
    log_info("init (PID 1) runs the switch before systemd");
    BudgetedSystem budgeted(sys, kGeneratorBudget);
    Status st = early_switch(budgeted, started, SwitchStarter::Init);
    if (!st.ok()) {
      log_error(st.error().describe());
      return 1;
    }
    return 0;
  });
}

std::string exec_next_init(char** argv, const std::vector<std::string>& candidates) {
  // This program, under both names: the kernel's argv[0] (the init= path)
  // and where the package installs it.
  std::vector<struct stat> selves;
  for (const char* self : {argv && argv[0] ? argv[0] : "", paths::kInitShim}) {
    struct stat st{};
    if (self[0] == '/' && ::stat(self, &st) == 0) selves.push_back(st);
  }
  std::string answers;
  for (const std::string& next : candidates) {
    const char* path = next.c_str();
    struct stat st{};
    if (::stat(path, &st) != 0) {
      answers += std::string("; ") + path + ": " + std::strerror(errno);
      continue;
    }
    bool is_self = false;
    for (const auto& s : selves) is_self = is_self || (s.st_dev == st.st_dev && s.st_ino == st.st_ino);
    if (is_self) {
      answers += std::string("; ") + path + ": sckl's init itself, skipped";
      continue;
    }
    std::vector<char*> args{const_cast<char*>(path)};
    for (int i = 1; argv && argv[i]; ++i) args.push_back(argv[i]);
    args.push_back(nullptr);
    ::execv(path, args.data());
    answers += std::string("; ") + path + ": " + std::strerror(errno);
  }
  return answers;
}

int init_shim_main(int argc, char** argv) {
  (void)argc;
  if (::getpid() != 1) {
    std::fprintf(stderr,
                 "sckl's init: not PID 1, nothing done: this program is the init of a provider boot "
                 "(init=%s on the provider's kernel command line and %s = yes in %s; see sckl.conf(5))\n",
                 paths::kInitShim, kKeyInitShim, paths::kConfigFile);
    return 2;
  }
  RealSystem clock("/");
  const auto started = clock.kernel_clock();
  ChildEnd end = run_switch_child(
      [&] {
        RealSystem sys("/");
        return init_shim_switch(sys, started);
      },
      kShimDeadline);
  if (end.kind != ChildEnd::Kind::Exited)
    log_warning("sckl's init: the switch " + end.describe() + "; the boot goes on");
  const std::string why = exec_next_init(argv, {std::begin(kNextInits), std::end(kNextInits)});
  log_error("sckl's init: no init could be started (as the kernel would have: " +
            std::string(kNextInits[0]) + ", ...)" + why);
  return 1;
}

}  // namespace sckl
