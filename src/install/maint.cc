#include "install/maint.h"

#include "base/log.h"
#include "base/main_guard.h"
#include "base/state_lock.h"

namespace sckl {

namespace {

bool stops_before_unpack(const MaintCall& call) {
  return call.script == MaintScript::Preinst && (call.action == "install" || call.action == "upgrade");
}

}  // namespace

bool maint_uses_debconf(const MaintCall& call) {
  if (call.script == MaintScript::Postinst) return true;
  return call.script == MaintScript::Postrm && (call.action == "purge" || call.action == "disappear");
}

std::string maint_retry_advice(const MaintCall& call) {
  if (stops_before_unpack(call)) return "run the install of sckl (the apt or dpkg command) again";
  return "run 'dpkg --configure -a' (or the apt command again)";
}

std::string maint_failure_advice(const MaintCall& call) {
  const std::string holder = std::string(script_name(call.script)) + " " + call.action;
  if (stops_before_unpack(call))
    return holder + " stopped " + (call.action == "install" ? "the install" : "the upgrade") +
           " before anything of this sckl was unpacked; nothing was changed" +
           (call.action == "upgrade" ? " (the installed version stays)" : "") +
           ". Once the cause above is fixed, " + maint_retry_advice(call) + ".";
  return holder + " did not finish; nothing is half-written. Fix the cause above, then " + maint_retry_advice(call) +
         ".";
}

namespace {

int maint_run(MaintScript script, int argc, char** argv, MaintHandler handler, System* system,
              const DeviceQueries* devices) {
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
    if (maint_uses_debconf(call.value())) debconf = connect_debconf(argc, argv);
    real = RealSystem::from_environment(devices);
    system = real.get();
  }
  System* sys = system;
  // After connect_debconf: it may re-exec this script under the debconf
  // frontend, and the lock must belong to the process that does the work.
  const std::string holder = std::string(script_name(script)) + " " + call.value().action;
  auto lock = lock_state(*sys, holder);
  if (!lock.ok()) {
    log_error(lock.error().describe());
    log_error(holder + " changed nothing; " + maint_retry_advice(call.value()) + " once that process has finished.");
    return 1;
  }
  Status st = handler(*sys, debconf.get(), call.value());
  if (!st.ok()) {
    log_error(st.error().describe());
    log_error(maint_failure_advice(call.value()));
    return 1;
  }
  return 0;
}

}  // namespace

int maint_main(MaintScript script, int argc, char** argv, MaintHandler handler, System* system,
               const DeviceQueries* devices) {
  // dpkg must see the failure (it can run the script again), with a message.
  return guarded_main(script_name(script), OnException::Fail,
                      [&] { return maint_run(script, argc, argv, handler, system, devices); });
}

}  // namespace sckl
