#include "maint.h"

#include "log.h"
#include "main_guard.h"
#include "state_lock.h"

namespace sckl {

namespace {

int maint_run(MaintScript script, int argc, char** argv, MaintHandler handler, System* system) {
  std::vector<std::string> args(argv + 1, argv + argc);
  auto call = parse_maint_args(script, args);
  if (!call.ok()) {
    log_error(call.error().describe());
    return 2;
  }
  if (!call.value().extra.empty()) {
    std::string extra;
    for (const auto& a : call.value().extra) extra += " '" + a + "'";
    // A newer dpkg may append arguments to a form, as 1.18.5 did; like a shell
    // script we go on with the form we know.
    log_debug(call.value().form + ": ignoring the further arguments" + extra);
  }
  std::unique_ptr<Debconf> debconf;
  std::unique_ptr<RealSystem> real;
  if (!system) {
    if (script == MaintScript::Postinst || script == MaintScript::Postrm) debconf = connect_debconf(argc, argv);
    real = RealSystem::from_environment();
    system = real.get();
  }
  System* sys = system;
  // After connect_debconf: it may re-exec this script under the debconf
  // frontend, and the lock must belong to the process that does the work.
  const std::string holder = std::string(script_name(script)) + " " + call.value().action;
  auto lock = lock_state(*sys, holder);
  if (!lock.ok()) {
    log_error(lock.error().describe());
    log_error(holder + " changed nothing; run 'dpkg --configure -a' (or the apt command again) once that process "
              "has finished.");
    return 1;
  }
  Status st = handler(*sys, debconf.get(), call.value());
  if (!st.ok()) {
    log_error(st.error().describe());
    log_error(std::string(script_name(script)) + " " + call.value().action +
              " did not finish; nothing is half-written. Fix the cause above, then run "
              "'dpkg --configure -a' (or the apt command again).");
    return 1;
  }
  return 0;
}

}  // namespace

int maint_main(MaintScript script, int argc, char** argv, MaintHandler handler, System* system) {
  // dpkg must see the failure (it can run the script again), with a message.
  return guarded_main(script_name(script), OnException::Fail,
                      [&] { return maint_run(script, argc, argv, handler, system); });
}

}  // namespace sckl
