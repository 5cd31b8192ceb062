#include "boot/generator_guard.h"

#include "base/paths.h"
#include "base/text.h"

namespace sckl {

namespace {

std::string quoted_args(const std::vector<std::string>& args) {
  if (args.empty()) return "no arguments";
  std::string s;
  for (const auto& a : args) s += (s.empty() ? "'" : " '") + a + "'";
  return s;
}

GuardVerdict no(std::string why) { return GuardVerdict{false, std::move(why)}; }

}  // namespace

GuardVerdict judge_generator_run(const GeneratorFacts& f) {
  const std::vector<std::string> dirs(std::begin(kGeneratorDirs), std::end(kGeneratorDirs));
  if (f.args != dirs)
    return no("called with " + quoted_args(f.args) + ", not with the system manager's generator directories "
              "(/run/systemd/generator, .early, .late): not systemd's own run at boot (by hand, or "
              "systemd-analyze verify)");
  if (f.scope && *f.scope != "system")
    return no("$SYSTEMD_SCOPE is '" + *f.scope + "', not 'system': run by a user manager");
  if (f.in_initrd ? *f.in_initrd == "1" : f.initrd_release)
    return no(f.in_initrd ? std::string("$SYSTEMD_IN_INITRD is 1: this is the initrd, not the booted system")
                          : std::string(paths::kInitrdRelease) + " exists: this is the initrd, not the booted system");
  if (f.virtualization && f.virtualization->starts_with("container"))
    return no("$SYSTEMD_VIRTUALIZATION is '" + *f.virtualization + "': a container, whose kexec would reach the "
              "host's kernel");
  if (!f.container_file.error.empty()) return no("cannot tell whether this is a container: " + f.container_file.error);
  if (f.container_file.value)
    return no(std::string(paths::kSystemdContainer) + " names a container ('" + trim(*f.container_file.value) +
              "'), whose kexec would reach the host's kernel");
  if (!f.root.value) return no("cannot tell whether / is the booted system's root: " + f.root.error);
  if (!f.pid1_root.value) return no("cannot tell whether / is the booted system's root: " + f.pid1_root.error);
  if (!(*f.root.value == *f.pid1_root.value))
    return no("/ is not PID 1's root directory (/proc/1/root): a chroot or another root");
  if (!f.pid_namespace.value)
    return no("cannot tell whether this is a container: " + f.pid_namespace.error);
  if (*f.pid_namespace.value != kInitialPidNamespace)
    return no("this runs in a PID namespace of its own (" + *f.pid_namespace.value + "): a container");
  return GuardVerdict{true, {}};
}

GeneratorFacts observe_generator_run(System& sys, const std::vector<std::string>& args) {
  GeneratorFacts f;
  f.args = args;
  f.scope = sys.env("SYSTEMD_SCOPE");
  f.in_initrd = sys.env("SYSTEMD_IN_INITRD");
  f.virtualization = sys.env("SYSTEMD_VIRTUALIZATION");
  auto initrd = path_exists(sys, paths::kInitrdRelease);
  // Unknown counts as "an initrd" only where it decides (no $SYSTEMD_IN_INITRD).
  f.initrd_release = !initrd.ok() || initrd.value();
  auto container = path_exists(sys, paths::kSystemdContainer);
  if (!container.ok()) {
    f.container_file.error = container.error().describe();
  } else if (container.value()) {
    auto text = sys.read_file(paths::kSystemdContainer);
    f.container_file.value = text.ok() ? text.value() : "unreadable: " + text.error().describe();
  }
  auto ns = sys.read_link(paths::kOwnPidNamespace);
  if (ns.ok()) f.pid_namespace.value = ns.value();
  else f.pid_namespace.error = ns.error().describe();
  auto root = sys.file_id("/");
  if (root.ok()) f.root.value = root.value();
  else f.root.error = root.error().describe();
  auto pid1 = sys.file_id(paths::kPid1Root);
  if (pid1.ok()) f.pid1_root.value = pid1.value();
  else f.pid1_root.error = pid1.error().describe();
  return f;
}

}  // namespace sckl
