#include "boot/switch.h"

#include "base/log.h"
#include "base/paths.h"
#include "base/process.h"
#include "base/state_lock.h"
#include "base/text.h"
#include "boot/hang_guard.h"
#include "boot/switch_timeline.h"
#include "boot/watchdog.h"
#include "formats/cmdline.h"
#include "kernel/kexec_method.h"
#include "kernel/preflight.h"
#include "machine/nic.h"
#include "machine/rootfs.h"

namespace sckl {
namespace {

int configured_tries(const ConfigFile& config) {
  std::string t = config.get(kKeyTries).value_or(std::to_string(kDefaultTries));
  if (auto n = parse_tries(t)) return *n;
  log_warning("tries = " + t + " in " + std::string(paths::kConfigFile) + " is not 1-9; using " +
              std::to_string(kDefaultTries));
  return kDefaultTries;
}

Result<bool> root_read_only(System& sys) {
  auto mi = sys.read_file(paths::kMountInfo);
  if (!mi.ok()) return mi.error();
  auto m = find_root_mount(mi.value(), sys.display(paths::kMountInfo));
  if (!m.ok()) return m.error();
  return m.value().read_only;
}

// Also this boot's decision: a refusal after the decision replaces it.
Status say_loudly(System& sys, const std::string& reason) {
  log_warning(reason);
  SCKL_TRY(sys.make_dir(paths::kRunDir, 0755));
  SCKL_TRY(sys.write_file(paths::kDecision, reason + "\n", 0644));
  SCKL_TRY(sys.make_dir(paths::kMotdDir, 0755));
  return sys.write_file(paths::kMotd,
                        "sckl: this server runs the provider's kernel: " + reason + "\nsckl: see 'sckl status'.\n",
                        0644);
}

// / back to read-write after a switch that did not happen, when it was so.
void restore_rw(System& sys, bool was_rw) {
  if (!was_rw) return;
  if (auto back = sys.remount("/", false); !back.ok()) log_warning(back.error().describe());
}

}  // namespace

Result<BootState> load_boot_state(System& sys) {
  auto present = path_exists(sys, paths::kBootState);
  if (!present.ok()) return present.error();
  if (!present.value()) return BootState{};
  auto text = sys.read_file(paths::kBootState);
  if (!text.ok()) return text.error();
  return BootState::parse(text.value(), sys.display(paths::kBootState));
}

Result<std::string> recorded_provider_cmdline(System& sys) {
  auto text = read_if_present(sys, paths::kProviderCmdline);
  if (!text.ok()) return text.error();
  return trim(text.value());
}

Status store_boot_state(System& sys, const BootState& state, const std::string& provider_cmdline,
                        const std::string& kexec_method, const std::string& switch_times) {
  // The provider's line is the same boot after boot: write it only when it
  // changed (one fsync less in the early switch).
  bool write_cmdline = false;
  if (!provider_cmdline.empty()) {
    auto old = recorded_provider_cmdline(sys);
    write_cmdline = !old.ok() || old.value() != provider_cmdline;
  }
  bool write_method = false;
  if (!kexec_method.empty()) {
    auto old = recorded_kexec_method(sys);
    write_method = !old.ok() || old.value() != kexec_method;
  }
  auto ro = root_read_only(sys);
  // Outside a booted system (tests, --root) there may be no mountinfo: then
  // just write.
  const bool remount = ro.ok() && ro.value() && sys.root() == "/";
  if (remount) SCKL_TRY(sys.remount("/", false));
  Status st = make_parents(sys, paths::kBootState);
  if (st.ok()) st = sys.write_file(paths::kBootState, state.serialize(), 0644);
  if (st.ok() && write_cmdline) st = sys.write_file(paths::kProviderCmdline, provider_cmdline + "\n", 0644);
  if (st.ok() && write_method) st = sys.write_file(paths::kKexecMethod, kexec_method + "\n", 0644);
  // The timeline is a figure, not a safety record: its failure is said, not
  // passed on (the count above is what matters).
  if (st.ok() && !switch_times.empty()) {
    if (Status t = sys.write_file(paths::kSwitchTimes, switch_times, 0644); !t.ok())
      log_warning("the switch's timeline was not recorded: " + t.error().describe());
  }
  if (remount) {
    Status back = sys.remount("/", true);
    if (st.ok() && !back.ok()) return back;
  }
  return st;
}

Result<SwitchView> read_switch_view(System& sys) {
  SwitchView v;
  auto cmdline = sys.read_file(paths::kProcCmdline);
  if (!cmdline.ok()) return cmdline.error().with_hint("is /proc mounted?");
  v.cmdline = trim(cmdline.value());
  auto rel = sys.read_file(paths::kOsRelease);
  if (!rel.ok()) return rel.error();
  v.running_version = trim(rel.value());
  auto config = read_config(sys);
  if (!config.ok()) return config.error();
  v.config = config.value();

  auto words = split_kernel_cmdline(v.cmdline);
  SwitchFacts& f = v.facts;
  f.running_version = v.running_version;
  f.marker_on_cmdline = cmdline_has_key(words, kBootMarker);
  f.tries = configured_tries(v.config);
  auto flag = path_exists(sys, paths::kDisabledFlag);
  if (!flag.ok()) return flag.error();
  auto pending = path_exists(sys, paths::kFirstBootPending);
  if (!pending.ok()) return pending.error();
  // The lasting reasons first: arm judges the next boot by setting aside
  // only this boot's sckl.disable, so that word must be the recorded reason
  // only when nothing else stops the switch.
  if (flag.value()) {
    f.disabled = true;
    f.disabled_why = std::string(paths::kDisabledFlag) + " exists ('sckl enable' removes it)";
    v.disabled_by = SwitchView::DisabledBy::Flag;
  } else if (!config_true(v.config.get(kKeyAutostart).value_or("yes"))) {
    f.disabled = true;
    f.disabled_why = "autostart is off in " + std::string(paths::kConfigFile) + " ('sckl boot' switches by hand)";
    v.disabled_by = SwitchView::DisabledBy::Autostart;
  } else if (pending.value()) {
    // fstab and NIC names are fitted later in this boot; switch next boot.
    f.disabled = true;
    f.disabled_why = "the first-boot setup of this image has not run yet";
    v.disabled_by = SwitchView::DisabledBy::FirstBoot;
  } else if (cmdline_has_key(words, kDisableWord)) {
    f.disabled = true;
    f.disabled_why = "sckl.disable is on the kernel command line";
    v.disabled_by = SwitchView::DisabledBy::CmdlineWord;
  }

  auto kernels = list_installed_kernels(sys);
  if (!kernels.ok()) return kernels.error();
  v.kernels = kernels.value();
  auto target = choose_target(v.kernels, v.config.get(kKeyTargetKernel).value_or("newest"));
  if (target.ok()) {
    v.target = target.value();
    f.target = v.target.version;
  } else {
    f.no_target_why = target.error().describe();
  }

  auto state = load_boot_state(sys);
  if (state.ok()) {
    v.state = state.value();
  } else {
    v.state_error = state.error().describe();
    // Without a trustworthy count the switch could loop into a bad kernel.
    f.disabled = true;
    f.disabled_why = v.state_error;
    v.disabled_by = SwitchView::DisabledBy::DamagedState;
  }
  return v;
}

Result<std::string> target_cmdline(const SwitchView& view, int attempt) {
  CmdlineSpec spec;
  spec.provider_cmdline = view.cmdline;
  // Words that name the provider's boot files, not the target's.
  spec.drop_keys = {"BOOT_IMAGE", "initrd"};
  // A switch from sckl's init (init_shim.h): the target boots straight into
  // its own init, not through the shim again.
  for (const std::string& word : split_kernel_cmdline(view.cmdline))
    if (word == std::string("init=") + paths::kInitShim) spec.drop_keys.push_back("init");
  spec.extra = view.config.get(kKeyExtraCmdline).value_or("");
  spec.attempt = attempt;
  // view.state is the record before this switch (hang_guard.h).
  spec.boot_timeout = boot_deadline(view.state, view.facts.target, configured_boot_timeout(view.config));
  auto policy = parse_nic_policy(view.config.get(kKeyNicNames).value_or("path"));
  spec.classic_nic_names = policy && *policy == NicPolicy::Classic;
  return build_target_cmdline(spec);
}

namespace {

// The version the admin's good/bad/retry is about: the running kernel on a
// switched boot, else the current target.
Result<std::string> subject_version(const SwitchView& v) {
  if (v.facts.marker_on_cmdline) return v.running_version;
  if (!v.facts.target.empty()) return v.facts.target;
  return Error{"there is no target kernel: " + v.facts.no_target_why, ENOENT, {}};
}

}  // namespace

Status confirm_good(System& sys, bool from_boot_unit) {
  auto v = read_switch_view(sys);
  if (!v.ok()) return v.error();
  if (from_boot_unit && !v.value().facts.marker_on_cmdline)
    return Error{"'sckl good --boot' is for boots that sckl switched into (sckl.boot= on the command line)", EINVAL,
                 "to vouch for the target by hand, run 'sckl good'"};
  auto version = subject_version(v.value());
  if (!version.ok()) return version.error();
  // The target's first boot reached sckl-boot-ok: its time goes into the
  // last switch's timeline (switch_timeline.h), in the same writable moment.
  std::string times;
  if (from_boot_unit) {
    auto t = load_switch_times(sys);
    if (!t.ok()) log_warning("the switch's timeline is not readable: " + t.error().describe());
    else if (auto next = times_after_boot_ok(t.value(), v.value().running_version, sys.kernel_clock().count()))
      times = next->serialize();
  }
  SCKL_TRY(store_boot_state(sys, mark_good(v.value().state, version.value()), {}, {}, times));
  if (from_boot_unit) {
    // The hang guard's deadline no longer applies to this boot (hang_guard.h).
    SCKL_TRY(sys.make_dir(paths::kRunDir, 0755));
    SCKL_TRY(sys.write_file(paths::kBootConfirmed, version.value() + "\n", 0644));
  }
  log_info(version.value() + " is good" + (from_boot_unit ? ": it reached multi-user" : ""));
  return {};
}

Status declare_bad(System& sys) {
  auto v = read_switch_view(sys);
  if (!v.ok()) return v.error();
  auto version = subject_version(v.value());
  if (!version.ok()) return version.error();
  SCKL_TRY(store_boot_state(sys, mark_bad(v.value().state, version.value())));
  log_info(version.value() + " is marked bad: sckl stays on the provider's kernel ('sckl retry' undoes this)");
  return {};
}

Status retry_target(System& sys) {
  auto v = read_switch_view(sys);
  if (!v.ok()) return v.error();
  auto version = subject_version(v.value());
  if (!version.ok()) return version.error();
  SCKL_TRY(store_boot_state(sys, BootState{version.value(), 0, BootResult::None}));
  log_info("the next boot tries " + version.value() + " again");
  return {};
}

Result<LoadOutcome> load_target(System& sys, const SwitchView& view, int attempt) {
  auto line = target_cmdline(view, attempt);
  if (!line.ok()) return line.error();
  auto facts = gather_preflight_facts(sys, view.target, line.value().size());
  if (!facts.ok()) return facts.error();
  SCKL_TRY(preflight_status(run_preflight(facts.value()), view.target.version));
  return load_kernel(sys, kexec_method_facts(facts.value()), view.target.image, view.target.initrd, line.value());
}

Status manual_switch(System& sys) {
  auto view_or = read_switch_view(sys);
  if (!view_or.ok()) return view_or.error();
  SwitchView v = view_or.value();
  if (v.facts.marker_on_cmdline)
    return Error{"this boot already runs the kernel sckl switched into (" + v.running_version + ")", EINVAL, {}};
  // By hand, autostart = no and the first-boot wait do not apply; the
  // kill switches and a damaged count do.
  if (v.disabled_by == SwitchView::DisabledBy::Autostart || v.disabled_by == SwitchView::DisabledBy::FirstBoot)
    v.facts.disabled = false;
  SwitchDecision d = decide_switch(v.state, v.facts);
  if (!d.do_switch) {
    if (d.state_changed) SCKL_TRY(store_boot_state(sys, d.next_state));
    return Error{"not switching: " + d.reason, EINVAL, {}};
  }
  auto loaded = load_target(sys, v, d.attempt);
  if (!loaded.ok()) return loaded.error();
  const std::string method = kexec_method_name(loaded.value().method);
  SCKL_TRY(store_boot_state(sys, d.next_state, v.cmdline, method));
  log_info("loaded " + v.target.version + " with " + method +
           (loaded.value().fallback_note.empty() ? "" : " (" + loaded.value().fallback_note + ")"));
  log_info(d.reason + " through 'systemctl kexec'");
  Command kexec({"systemctl", "kexec"}, std::chrono::seconds(120));
  auto r = sys.run(kexec);
  if (!r.ok()) return r.error();
  if (r.value().exit_code != 0) return command_failed(kexec, r.value());
  return {};
}

namespace {

// The switch gives up after the target was loaded (and maybe recorded): no
// attempt counts without a kexec -e, and no kernel stays loaded (a later
// `systemctl kexec` or reboot would run it). Says why, loudly; returns the
// reason as the error.
Status abandon_switch(System& sys, const SwitchView& view, const std::string& why) {
  std::string what = why;
  auto now = load_boot_state(sys);
  // The previous record back, when the attempt's was written (or may have
  // been: an unreadable record is rewritten too).
  if (!now.ok() || !(now.value() == view.state)) {
    if (Status undo = store_boot_state(sys, view.state); !undo.ok())
      what += "; the attempt stays counted (" + undo.error().describe() + "): 'sckl retry' forgets it";
  }
  if (Status u = unload_kernel(sys); !u.ok())
    what += "; the loaded kernel could not be unloaded (" + u.error().describe() + "): run 'kexec -u'";
  SCKL_TRY(say_loudly(sys, "not switching: " + what));
  return Error{"not switching: " + what, 0, {}};
}

// The record of this switch's timeline so far (switch_timeline.h): what ran
// it and its steps, systemd's start from the kernel log (one klogctl; none
// before sckl's init), and now as the hand-over.
SwitchTimes provider_switch_times(System& sys, const Timeline& timeline, const std::string& target,
                                  SwitchStarter by) {
  SwitchTimes t;
  t.target = target;
  t.started_by = by;
  t.provider_start_ms = timeline.start().count();
  t.steps = timeline.marks();
  if (auto log = sys.read_kernel_log(); log.ok()) t.provider_systemd_ms = systemd_start_in_kernel_log(log.value());
  t.provider_handover_ms = sys.kernel_clock().count();
  return t;
}

}  // namespace

Status early_switch(System& sys, std::optional<std::chrono::milliseconds> started, SwitchStarter by) {
  Timeline timeline(started ? *started : sys.kernel_clock());
  auto ran = path_exists(sys, paths::kSwitchRan);
  if (!ran.ok()) return ran.error();
  if (ran.value()) return {};  // a daemon-reload: never switch a running system
  // Second guard: generators run before any unit at boot, so journald's
  // socket exists only when this is a reload of a running system.
  auto journal = path_exists(sys, paths::kJournalSocket);
  if (!journal.ok()) return journal.error();
  SCKL_TRY(mark_switch_done_for_this_boot(sys, "the switch ran in this boot"));
  if (journal.value()) {
    log_warning("not switching: journald is already running, so this is not the start of a boot");
    return {};
  }
  // The start of a boot: systemd runs all its generators at once, and until
  // they end nothing else of the boot runs. Ahead of the others, the switch
  // (and its kexec children, which inherit the priority) hands over sooner;
  // if it does not switch, it ends within milliseconds and the others go on.
  // Only a figure: if the kernel refuses, the switch runs as it is.
  if (Status nice = sys.set_cpu_nice(kSwitchNice); !nice.ok()) log_info(nice.error().describe());
  // The state lock comes after the once-per-boot guard, so that a
  // daemon-reload run by a maintainer script that holds it returns above
  // without waiting. Nobody should hold it this early in a boot; if someone
  // does, the boot goes on rather than wait.
  auto lock = lock_state(sys, "the boot-time switch (sckl-switch generator)", kBootStateLockWait);
  if (!lock.ok()) return say_loudly(sys, "not switching in this boot: " + lock.error().describe());
  timeline.mark("lock", sys.kernel_clock());

  auto view_or = read_switch_view(sys);
  if (!view_or.ok()) {
    SCKL_TRY(say_loudly(sys, "cannot decide: " + view_or.error().describe()));
    return view_or.error();
  }
  const SwitchView& view = view_or.value();
  SwitchDecision d = decide_switch(view.state, view.facts);
  SCKL_TRY(sys.write_file(paths::kDecision, d.reason + "\n", 0644));
  timeline.mark("read-view", sys.kernel_clock());
  if (!d.do_switch) {
    if (d.state_changed) SCKL_TRY(store_boot_state(sys, d.next_state));
    if (d.next_state.result == BootResult::Bad || !view.state_error.empty()) return say_loudly(sys, d.reason);
    log_info(d.reason);
    return {};
  }

  auto line = target_cmdline(view, d.attempt);
  if (!line.ok()) return say_loudly(sys, "not switching: " + line.error().describe());
  // The hardware watchdog layer (watchdog.h): decided before the load, as
  // the target's systemd takes the watchdog over through its command line.
  const WatchdogPlan watchdog = plan_switch_watchdog(
      sys, boot_deadline(view.state, view.facts.target, configured_boot_timeout(view.config)));
  if (watchdog.arm) line = line.value() + " " + watchdog_cmdline_word(watchdog);
  auto facts = gather_preflight_facts(sys, view.target, line.value().size());
  if (!facts.ok()) return say_loudly(sys, "not switching: " + facts.error().describe());
  auto checks = run_preflight(facts.value());
  if (auto st = preflight_status(checks, view.target.version); !st.ok())
    return say_loudly(sys, "not switching: " + st.error().describe());
  timeline.mark("preflight", sys.kernel_clock());

  // Load first: a kernel that does not load costs no attempt (neither
  // method loading is no attempt either: the record below is not reached).
  auto loaded = load_kernel(sys, kexec_method_facts(facts.value()), view.target.image, view.target.initrd, line.value());
  if (!loaded.ok()) return say_loudly(sys, "not switching into " + view.target.version + ": " + loaded.error().describe());
  const std::string method = kexec_method_name(loaded.value().method);
  const std::string with = " with " + method +
                           (loaded.value().fallback_note.empty() ? "" : " (" + loaded.value().fallback_note + ")");
  timeline.mark("load", sys.kernel_clock());

  // From here the target is loaded and, once recorded, counted. The record
  // must be on disk before kexec -e (a power cut or a target that hangs
  // must still count: tests/vm/powerloss), so it comes first; every way out
  // that does not reach kexec -e takes it back and unloads the kernel.
  const SwitchTimes times = provider_switch_times(sys, timeline, view.target.version, by);
  if (Status recorded = store_boot_state(sys, d.next_state, view.cmdline, method, times.serialize()); !recorded.ok())
    return abandon_switch(sys, view, "cannot record the attempt: " + recorded.error().describe());
  timeline.mark("record", sys.kernel_clock());
  log_info(d.reason + with);
  // Only for the record of this boot: its failure must not stop a switch
  // whose attempt is already counted.
  if (Status said = sys.write_file(paths::kDecision, d.reason + with + "\n", 0644); !said.ok())
    log_warning(said.error().describe());

  // Leave the root file system clean: read-only and synced.
  auto ro = root_read_only(sys);
  const bool was_rw = ro.ok() && !ro.value();
  if (was_rw) {
    if (Status st = sys.remount("/", true); !st.ok())
      return abandon_switch(sys, view, "cannot make / read-only before the switch: " + st.error().describe());
    timeline.mark("remount-ro", sys.kernel_clock());
  }
  // No `sync` child: the remount has flushed /, and `kexec -e` itself calls
  // sync(2) for every other file system before it executes the kernel
  // (kexec-tools: -e means sync, ifdown, exec). A sync that hangs there ends
  // like a kexec -e that hangs: killed at its timeout and the attempt taken
  // back, or, with the watchdog armed, a reset that counts the attempt.
  // Last before the hand-over: nothing that can fail comes between.
  const bool armed = arm_switch_watchdog(sys, watchdog);
  timeline.mark("exec", sys.kernel_clock());
  log_info("switch timeline: " + format_timeline(timeline) +
           (times.provider_systemd_ms ? "; systemd started at " +
                                            kernel_seconds(std::chrono::milliseconds{*times.provider_systemd_ms})
                                      : std::string("; systemd's start not in the kernel log")));
  Command exec({"kexec", "-e"}, std::chrono::seconds(60));
  auto executed = sys.run(exec);
  // Only a failed kexec -e comes back.
  restore_rw(sys, was_rw);
  Error failed = executed.ok() ? command_failed(exec, executed.value()) : executed.error();
  if (armed) {
    // The watchdog cannot be stopped any more (nowayout): this boot is
    // reset in watchdog.seconds. The attempt stays counted, so that a
    // kexec -e that keeps failing ends after `tries` resets, like a hang.
    std::string unloaded;
    if (Status u = unload_kernel(sys); !u.ok())
      unloaded = "; the loaded kernel could not be unloaded (" + u.error().describe() + ")";
    return say_loudly(sys, "the switch into " + view.target.version + " failed: " + failed.describe() +
                               "; the hardware watchdog armed for it resets this machine within " +
                               std::to_string(watchdog.seconds) + " s, and the attempt counts" + unloaded);
  }
  return abandon_switch(sys, view, "the switch into " + view.target.version + " failed: " + failed.describe());
}

}  // namespace sckl
