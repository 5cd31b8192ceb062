// /var/lib/sckl/boot-state (BootState::parse) and the decisions taken from
// it (decide_switch). Input: the file's text, optionally a NUL and one byte
// choosing the facts of the boot (tries, same or other target, disabled).
//
// Invariants: parse(serialize()) gives the same state; a switch has an
// attempt number 1..tries and records exactly that; and the loop guard holds:
// boots that never confirm switch at most `tries` times in a row.
#include <string>

#include "boot/boot_state.h"
#include "fuzz_util.h"

using namespace sckl;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto parts = fuzz::split_parts(data, size, 2);
  auto parsed = BootState::parse(parts[0], "/var/lib/sckl/boot-state");
  if (!parsed.ok()) {
    FUZZ_CHECK(parsed.error().message.starts_with("/var/lib/sckl/boot-state line "), "an error names file and line");
    return 0;
  }
  const BootState state = parsed.value();
  FUZZ_CHECK(state.attempts >= 0 && state.attempts <= 999, "attempts is a small number");
  auto again = BootState::parse(state.serialize(), "again");
  FUZZ_CHECK(again.ok() && again.value() == state, "parse(serialize()) round-trips");

  const unsigned char knobs = parts.size() > 1 && !parts[1].empty() ? static_cast<unsigned char>(parts[1][0]) : 0;
  SwitchFacts facts;
  facts.tries = 1 + knobs % 9;
  facts.running_version = "5.15.0-1-provider";
  facts.target = (knobs & 0x10) || state.target.empty() ? "6.1.0-28-amd64" : state.target;
  facts.disabled = (knobs & 0x20) != 0;
  facts.marker_on_cmdline = (knobs & 0x40) != 0;

  SwitchDecision d = decide_switch(state, facts);
  if (d.do_switch) {
    FUZZ_CHECK(!facts.disabled && !facts.marker_on_cmdline, "no switch when disabled or already switched");
    FUZZ_CHECK(d.attempt >= 1 && d.attempt <= facts.tries, "the attempt number is 1..tries");
    FUZZ_CHECK(d.state_changed && d.next_state.target == facts.target && d.next_state.attempts == d.attempt &&
                   d.next_state.result == BootResult::Indeterminate,
               "a switch records its attempt before it happens");
  }
  // Boots that never confirm: each switch's record is the next boot's state.
  BootState s = state;
  int switches = 0;
  for (int boot = 0; boot < facts.tries + 3; ++boot) {
    SwitchDecision next = decide_switch(s, facts);
    if (next.state_changed) s = next.next_state;
    if (!next.do_switch) continue;
    ++switches;
  }
  FUZZ_CHECK(switches <= facts.tries, "unconfirmed boots switch at most `tries` times");
  if (switches > 0) FUZZ_CHECK(s.result == BootResult::Bad, "after the tries the target is marked bad");

  BootState good = mark_good(state, facts.target);
  FUZZ_CHECK(!decide_switch(good, facts).do_switch || (!facts.disabled && !facts.marker_on_cmdline),
             "a confirmed target is switched into only when allowed");
  return 0;
}
