#include "cli/cli.h"

#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "base/device_queries.h"
#include "base/json.h"
#include "base/log.h"
#include "base/main_guard.h"
#include "base/paths.h"
#include "base/process.h"
#include "base/state_lock.h"
#include "boot/arm.h"
#include "boot/boot_state.h"
#include "boot/fast_reboot.h"
#include "boot/hang_guard.h"
#include "boot/switch.h"
#include "boot/switch_timeline.h"
#include "boot/watchdog.h"
#include "formats/cmdline.h"
#include "formats/config.h"
#include "install/manifest.h"
#include "install/setup.h"
#include "kernel/kexec_method.h"
#include "kernel/preflight.h"

namespace sckl {
namespace {

// Exit codes (documented in sckl(8)).
constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

struct Options {
  System* sys = nullptr;  // the system below `root`; set once the arguments are read
  std::string root = "/";
  bool json = false;
  bool first_boot = false;
  bool initrds = false;
  bool boot = false;
  std::vector<std::string> args;
};

// Whether a verb changes sckl's state: those run under the state lock.
enum class Access { ReadOnly, ChangesState };
// Verbs that act on the running machine's kernel cannot act on an image.
enum class Scope { AnyRoot, RunningMachine };

struct Verb {
  const char* name;
  const char* usage;    // arguments after the verb
  const char* summary;
  int min_args, max_args;
  Access access;
  Scope scope;
  int (*run)(const Options&);
};

int cmd_help(const Options&);

int report(const Status& st) {
  if (st.ok()) return kExitOk;
  log_error(st.error().describe());
  return kExitFailed;
}

int cmd_setup(const Options& o) {
  System& sys = *o.sys;
  if (o.first_boot) {
    // On an image's first boot / may still be read-only (no fstab entry
    // yet): make it writable for the edit; the new entry keeps it so.
    // Below another root (--root) there is no mount of the system's own.
    if (sys.root() == "/")
      if (Status rw = sys.remount("/", false); !rw.ok()) return report(rw);
    return report(setup_first_boot(sys));
  }
  if (o.initrds) return report(finish_first_boot(sys));
  return report(setup_machine(sys));
}

const char* file_state(System& sys, const FileChange& f) {
  auto owner = file_ownership(sys, f);
  return owner.ok() ? file_ownership_name(owner.value()) : "unreadable";
}

std::string read_trimmed(System& sys, const std::string& path) {
  auto r = sys.read_file(path);
  if (!r.ok()) return {};
  std::string s = r.value();
  while (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

// `sckl check` and `sckl status`: the hardware watchdog layer (watchdog.h),
// as far as this boot shows it (a driver that only the switch loads early
// shows after udev loaded it).
std::string watchdog_line(System& sys) {
  auto w = find_watchdog(sys);
  if (!w.ok()) return "hardware watchdog: unknown (" + w.error().describe() + ")";
  return describe_watchdog(w.value());
}

int cmd_status(const Options& o) {
  System& sys = *o.sys;
  auto m = load_manifest(sys);
  if (!m.ok()) return report(m.error());
  auto pending_or = path_exists(sys, paths::kFirstBootPending);
  if (!pending_or.ok()) return report(pending_or.error());
  const bool pending = pending_or.value();
  auto view = read_switch_view(sys);
  if (!view.ok()) return report(view.error());
  const SwitchView& v = view.value();
  auto next = plan_arm(sys);
  if (!next.ok()) return report(next.error());
  const bool on_target = v.facts.marker_on_cmdline;
  const std::string this_boot = read_trimmed(sys, paths::kDecision);
  const int tries = v.facts.tries;
  const FastRebootPlan fast = plan_fast_reboot(v);
  auto fast_loaded = fast_reboot_loaded(sys);
  if (!fast_loaded.ok()) return report(fast_loaded.error());
  auto method_or = recorded_kexec_method(sys);
  if (!method_or.ok()) return report(method_or.error());
  const std::string kexec_method = method_or.value();
  // The last switch's timeline: a figure, so a damaged one is shown as
  // unknown rather than failing the command.
  auto times_or = load_switch_times(sys);
  const SwitchTimes times = times_or.ok() ? times_or.value() : SwitchTimes{};
  const HandOverFigures hand_over = hand_over_figures(times);
  if (o.json) {
    auto ms = [](const std::optional<long long>& value) { return value ? JsonOut(*value) : JsonOut(nullptr); };
    // The schema (keys and types) is written down in sckl(8) (JSON OUTPUT) and held in cli_test.cc
    // (JsonSchema). schema_version counts incompatible changes (a key removed or retyped), so that a
    // fleet's report can tell them apart; a new key leaves it as it is.
    JsonOut out = {{"schema_version", 1},
                   {"version", SCKL_VERSION},
                   {"running_kernel", v.running_version},
                   {"phase", on_target ? "target" : "provider"},
                   {"target", v.facts.target},
                   {"target_problem", v.facts.target.empty() ? v.facts.no_target_why : ""},
                   {"armed", next.value().will_switch},
                   {"next_boot", next.value().summary},
                   {"attempts", v.state.attempts},
                   {"tries", tries},
                   {"last_result", boot_result_name(v.state.result)},
                   {"counted_kernel", v.state.target},
                   {"last_attempt_hung_after", v.state.hung_after},
                   {"disabled", v.facts.disabled},
                   {"disabled_why", v.facts.disabled ? v.facts.disabled_why : ""},
                   {"this_boot", this_boot},
                   {"kexec_method", kexec_method},
                   {"fast_reboot", fast.enabled},
                   {"fast_reboot_armed", fast.armed},
                   {"fast_reboot_next", fast.summary},
                   {"fast_reboot_loaded", fast_loaded.value()},
                   {"first_boot_pending", pending},
                   // Milliseconds, null when unknown (switch_timeline.h).
                   {"last_switch",
                    {{"target", times.target},
                     {"started_by", switch_starter_name(hand_over.started_by)},
                     {"provider_to_systemd_ms", ms(hand_over.provider_to_systemd_ms)},
                     {"systemd_to_handover_ms", ms(hand_over.systemd_to_handover_ms)},
                     {"provider_to_start_ms", ms(hand_over.provider_to_start_ms)},
                     {"start_to_handover_ms", ms(hand_over.start_to_handover_ms)},
                     {"target_to_boot_ok_ms", ms(hand_over.target_to_boot_ok_ms)},
                     {"steps", format_timeline_steps(times.steps)}}},
                   {"changes", JsonOut::array()}};
    for (const auto& f : m.value().files)
      out["changes"].push_back(
          {{"path", f.path}, {"created", f.original_sha == kAbsent}, {"state", file_state(sys, f)}});
    std::cout << json_text(out) << "\n";
    return kExitOk;
  }
  std::cout << "running kernel: " << v.running_version << (on_target ? " (switched by sckl)" : " (provider's)")
            << "\n";
  std::cout << "target:         " << (v.facts.target.empty() ? "none: " + v.facts.no_target_why : v.facts.target)
            << "\n";
  std::cout << "next boot:      " << next.value().summary << "\n";
  std::cout << "boot count:     " << boot_result_name(v.state.result);
  if (!v.state.target.empty()) std::cout << " for " << v.state.target << ", " << v.state.attempts << " of " << tries << " unconfirmed";
  if (!hang_note(v.state).empty()) std::cout << "; last attempt: " << hang_note(v.state);
  std::cout << "\n";
  if (v.facts.disabled) std::cout << "disabled:       " << v.facts.disabled_why << "\n";
  if (!this_boot.empty()) std::cout << "this boot:      " << this_boot << "\n";
  if (!kexec_method.empty()) std::cout << "kexec method:   " << kexec_method << " (how the last switch loaded its target)\n";
  if (!times.target.empty()) {
    const std::string figures = describe_hand_over(hand_over);
    std::cout << "last switch:    into " << times.target << (figures.empty() ? "" : ": " + figures) << "\n";
    if (!times.steps.empty())
      std::cout << "switch steps:   " << format_timeline_steps(times.steps)
                << (times.started_by == SwitchStarter::Init ? " (ms since sckl's init started)"
                                                            : " (ms since the generator's start)")
                << "\n";
  }
  std::cout << "fast reboot:    " << (fast.enabled ? "on: " : "off: ") << fast.summary;
  if (!fast_loaded.value().empty()) std::cout << " (" << fast_loaded.value() << " is loaded for this shutdown)";
  std::cout << "\n";
  std::cout << "watchdog:       " << watchdog_line(sys).substr(std::string("hardware watchdog: ").size()) << "\n";
  if (pending) std::cout << "first boot:     setup pending (fstab and NIC names are fitted on the next boot)\n";
  if (m.value().files.empty()) {
    std::cout << "changes:        none recorded\n";
  } else {
    std::cout << "changes (undone by 'apt purge sckl'):\n";
    for (const auto& f : m.value().files)
      std::cout << "  " << f.path << "  " << (f.original_sha == kAbsent ? "created" : "edited") << ", now "
                << file_state(sys, f) << "\n";
  }
  return kExitOk;
}

int cmd_check(const Options& o) {
  System& sys = *o.sys;
  auto view = read_switch_view(sys);
  if (!view.ok()) return report(view.error());
  const SwitchView& v = view.value();
  if (v.facts.target.empty()) {
    std::cout << "FAIL target: " << v.facts.no_target_why << "\n";
    return kExitFailed;
  }
  auto line = target_cmdline(v, 1);
  if (!line.ok()) {
    std::cout << "FAIL command line: " << line.error().describe() << "\n";
    return kExitFailed;
  }
  auto facts = gather_preflight_facts(sys, v.target, line.value().size());
  if (!facts.ok()) return report(facts.error());
  auto checks = run_preflight(facts.value());
  // What counts is decided once, with `sckl status` (preflight.h).
  const bool on_provider = running_provider_kernel(sys, v);
  std::cout << "target " << v.target.version << "\n";
  for (const auto& c : checks) {
    const bool counts = check_counts_for_next_boot(c, on_provider);
    std::cout << (c.ok ? "ok   " : counts ? "FAIL " : c.advisory ? "warn " : "note ") << c.name << ": "
              << preflight_detail(c, v.target.version)
              << (!c.ok && !counts && !c.advisory
                      ? " (not the provider's kernel of this system; the switch checks that one when it boots)"
                      : "")
              << "\n";
  }
  std::cout << "command line: " << line.value() << "\n";
  std::cout << watchdog_line(sys) << "\n";
  return next_boot_blockers(checks, v.target.version, on_provider).empty() ? kExitOk : kExitFailed;
}

int cmd_list(const Options& o) {
  System& sys = *o.sys;
  auto view = read_switch_view(sys);
  if (!view.ok()) return report(view.error());
  const SwitchView& v = view.value();
  JsonOut list = JsonOut::array();
  for (const auto& k : v.kernels) {
    std::string state = v.state.target == k.version ? boot_result_name(v.state.result) : "none";
    if (o.json) {
      list.push_back({{"version", k.version},
                      {"bootable", k.bootable()},
                      {"target", k.version == v.facts.target},
                      {"running", k.version == v.running_version},
                      {"boot_result", state}});
    } else {
      std::printf("%s %-32s %-9s %s%s\n", k.version == v.facts.target ? "*" : " ", k.version.c_str(),
                  k.bootable() ? "bootable" : (k.has_initrd ? "no-modules" : "no-initrd"), state.c_str(),
                  k.version == v.running_version ? " (running)" : "");
    }
  }
  if (o.json) std::cout << json_text(list) << "\n";
  else if (v.kernels.empty()) std::cout << "no kernel installed in /boot\n";
  return kExitOk;
}

int cmd_good(const Options& o) {
  System& sys = *o.sys;
  return report(confirm_good(sys, o.boot));
}
int cmd_hung(const Options& o) {
  if (!o.boot) {
    std::cerr << "sckl: 'hung' is for sckl-boot-deadline.service only: 'sckl hung --boot'\n";
    return kExitUsage;
  }
  return report(record_hang(*o.sys));
}
int cmd_bad(const Options& o) {
  System& sys = *o.sys;
  return report(declare_bad(sys));
}
int cmd_retry(const Options& o) {
  System& sys = *o.sys;
  return report(retry_target(sys));
}

int cmd_enable(const Options& o) {
  System& sys = *o.sys;
  auto st = sys.remove_file(paths::kDisabledFlag);
  if (!st.ok()) return report(st);
  log_info("switching is enabled (" + sys.display(paths::kDisabledFlag) + " removed)");
  return kExitOk;
}

int cmd_disable(const Options& o) {
  System& sys = *o.sys;
  Status st = make_parents(sys, paths::kDisabledFlag);
  if (st.ok())
    st = sys.write_file(paths::kDisabledFlag,
                        "sckl does not switch kernels while this file exists; 'sckl enable' removes it.\n", 0644);
  if (!st.ok()) return report(st);
  log_info("switching is disabled until 'sckl enable' (" + sys.display(paths::kDisabledFlag) + ")");
  return kExitOk;
}

int cmd_set_target(const Options& o) {
  System& sys = *o.sys;
  const std::string& want = o.args[0];
  if (want != "newest") {
    auto kernels = list_installed_kernels(sys);
    if (!kernels.ok()) return report(kernels.error());
    auto chosen = choose_target(kernels.value(), want);
    if (!chosen.ok()) return report(chosen.error());
  }
  auto config = read_config(sys);
  if (!config.ok()) return report(config.error());
  config.value().set(kKeyTargetKernel, want);
  Status st = make_parents(sys, paths::kConfigFile);
  if (st.ok()) st = sys.write_file(paths::kConfigFile, config.value().text(), 0644);
  if (!st.ok()) return report(st);
  log_info("target_kernel = " + want + " in " + sys.display(paths::kConfigFile));
  auto r = arm(sys);
  return r.ok() ? kExitOk : report(r.error());
}

int cmd_arm(const Options& o) {
  System& sys = *o.sys;
  auto r = arm(sys);
  if (!r.ok()) return report(r.error());
  return r.value().problems.empty() ? kExitOk : kExitFailed;
}

int cmd_disarm(const Options& o) {
  System& sys = *o.sys;
  if (auto st = unload_kernel(sys); !st.ok()) return report(st);
  // A fast reboot in this shutdown would not find its kernel: forget it.
  if (auto st = sys.remove_file(paths::kFastRebootLoaded); !st.ok()) return report(st);
  log_info("no kexec kernel is loaded; the next provider boot still switches unless 'sckl disable'");
  return kExitOk;
}

int cmd_boot(const Options& o) {
  System& sys = *o.sys;
  return report(manual_switch(sys));
}

int cmd_version(const Options&) {
  std::cout << "sckl " << SCKL_VERSION << "\n";
  return kExitOk;
}

constexpr Access R = Access::ReadOnly;
constexpr Access W = Access::ChangesState;  // takes the state lock (state_lock.h)
constexpr Scope A = Scope::AnyRoot;
constexpr Scope M = Scope::RunningMachine;  // refuses --root
const Verb kVerbs[] = {
    {"status", "[--json]", "what runs now, what the next boot does, boot count, changes", 0, 0, R, A, cmd_status},
    {"check", "", "preflight of the target kernel on this machine", 0, 0, R, M, cmd_check},
    {"list", "[--json]", "installed kernels and their state", 0, 0, R, A, cmd_list},
    {"boot", "", "switch into the target now, through 'systemctl kexec'", 0, 0, W, M, cmd_boot},
    {"arm", "", "recompute the target and check it (kernel hooks do this)", 0, 0, W, A, cmd_arm},
    {"disarm", "", "unload a loaded kexec kernel", 0, 0, W, M, cmd_disarm},
    {"enable", "", "allow switching (removes /etc/sckl/disabled)", 0, 0, W, A, cmd_enable},
    {"disable", "", "stop switching until 'sckl enable' (creates /etc/sckl/disabled)", 0, 0, W, A, cmd_disable},
    {"set-target", "VERSION|newest", "choose the kernel to switch into", 1, 1, W, A, cmd_set_target},
    {"good", "[--boot]", "the target works: count again from zero, lift a bad mark", 0, 0, W, A, cmd_good},
    {"bad", "", "the target does not work: stay on the provider's kernel", 0, 0, W, A, cmd_bad},
    {"hung", "--boot", "record that this switched boot missed boot_timeout (sckl-boot-deadline)", 0, 0, W, M, cmd_hung},
    {"retry", "", "forget the count for the target; the next boot tries it", 0, 0, W, A, cmd_retry},
    {"setup", "[--first-boot|--initrds]", "fit /etc/fstab and NIC names to this machine", 0, 0, W, M, cmd_setup},
    {"version", "", "print the version", 0, 0, R, A, cmd_version},
    {"help", "", "show this help", 0, 0, R, A, cmd_help},
};

int cmd_help(const Options&) {
  std::cout << "Usage: sckl [--root DIR] VERB [ARGS] [OPTIONS]\n\n"
               "Run the kernel installed on this server's disk instead of the provider's kernel.\n\n"
               "Verbs:\n";
  for (const auto& v : kVerbs) {
    std::string head = std::string(v.name) + (std::strlen(v.usage) ? " " + std::string(v.usage) : "");
    std::printf("  %-26s %s\n", head.c_str(), v.summary);
  }
  std::cout << "\nOptions:\n"
               "  --root DIR     act on the system below DIR (default /; also $DPKG_ROOT)\n"
               "  --json         machine-readable output (status, list)\n"
               "  -h, --help     show this help\n"
               "  --version      print the version\n\n"
               "Exit codes: 0 success, 1 failure (the message names what failed), 2 wrong usage.\n"
               "See sckl(8).\n";
  return kExitOk;
}

}  // namespace

namespace {

int cli_run(int argc, char** argv, System* system) {
  Options o;
  o.root = RealSystem::root_from_environment();
  const Verb* verb = nullptr;
  bool help = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "-h" || a == "--help") help = true;
    else if (a == "--version") return cmd_version(o);
    else if (a == "--json") o.json = true;
    else if (a == "--first-boot") o.first_boot = true;
    else if (a == "--initrds") o.initrds = true;
    else if (a == "--boot") o.boot = true;
    else if (a == "--root" || a.starts_with("--root=")) {
      if (a == "--root") {
        if (i + 1 >= argc) {
          log_error("--root needs a directory; see 'sckl --help'");
          return kExitUsage;
        }
        o.root = argv[++i];
      } else {
        o.root = a.substr(7);
      }
      if (o.root.empty() || o.root[0] != '/') {
        log_error("--root needs an absolute directory, not '" + o.root + "'");
        return kExitUsage;
      }
    } else if (a.starts_with("-")) {
      log_error("unknown option '" + a + "'; see 'sckl --help'");
      return kExitUsage;
    } else if (!verb) {
      for (const auto& v : kVerbs)
        if (a == v.name) verb = &v;
      if (!verb) {
        log_error("unknown verb '" + a + "'; see 'sckl --help'");
        return kExitUsage;
      }
    } else {
      o.args.push_back(a);
    }
  }
  if (help) {
    if (!verb) return cmd_help(o);
    std::cout << "Usage: sckl " << verb->name << (std::strlen(verb->usage) ? " " : "") << verb->usage << "\n"
              << verb->summary << ".\nSee sckl(8).\n";
    return kExitOk;
  }
  if (!verb) {
    log_error("no verb given; see 'sckl --help'");
    return kExitUsage;
  }
  const int n = static_cast<int>(o.args.size());
  if (n < verb->min_args || n > verb->max_args) {
    log_error(std::string("usage: sckl ") + verb->name + " " + verb->usage);
    return kExitUsage;
  }
  auto allowed = [&](const char* opt, std::initializer_list<const char*> verbs) {
    for (const char* v : verbs)
      if (std::strcmp(verb->name, v) == 0) return true;
    log_error(std::string(opt) + " does not go with '" + verb->name + "'; see 'sckl " + verb->name + " --help'");
    return false;
  };
  if (o.json && !allowed("--json", {"status", "list"})) return kExitUsage;
  if (o.first_boot && !allowed("--first-boot", {"setup"})) return kExitUsage;
  if (o.initrds && !allowed("--initrds", {"setup"})) return kExitUsage;
  if (o.first_boot && o.initrds) {
    log_error("--first-boot and --initrds are two steps (two units); give one");
    return kExitUsage;
  }
  if (o.boot && !allowed("--boot", {"good", "hung"})) return kExitUsage;
  if (verb->scope == Scope::RunningMachine && o.root != "/") {
    log_error(std::string("'") + verb->name + "' acts on the running machine and cannot act on --root " + o.root);
    return kExitUsage;
  }
  std::unique_ptr<System> real;
  if (!system) {
    real = std::make_unique<RealSystem>(o.root, &library_device_queries());
    system = real.get();
  }
  o.sys = system;
  std::unique_ptr<HeldLock> lock;
  if (verb->access == Access::ChangesState) {
    auto l = lock_state(*o.sys, std::string("sckl ") + verb->name);
    if (!l.ok()) return report(l.error());
    lock = std::move(l.value());
  }
  return verb->run(o);
}

}  // namespace

int cli_main(int argc, char** argv, System* system) {
  return guarded_main("sckl", OnException::Fail, [&] { return cli_run(argc, argv, system); });
}

}  // namespace sckl
