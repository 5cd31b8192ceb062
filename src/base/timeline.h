// A timeline of a program's steps: where its time went, in milliseconds
// since its start and on the kernel's clock (CLOCK_MONOTONIC: zero at the
// kernel's start, what the "[    7.720000]" stamps of the kernel log count
// on the machines sckl runs on), so that one kernel-log line can be read
// beside the kernel's own messages. Plain data and a formatter; the clock
// is the caller's (System::kernel_clock).
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace sckl {

struct TimelineMark {
  std::string step;                // "read-view", "load", ...: one word
  std::chrono::milliseconds at{};  // since the timeline's start
  bool operator==(const TimelineMark&) const = default;
};

class Timeline {
 public:
  Timeline() = default;
  // `start`: the kernel clock when the program started.
  explicit Timeline(std::chrono::milliseconds start) : start_(start) {}
  // The step ended at `now` (kernel clock). A clock that went back (it
  // does not; a test's might) counts as no time.
  void mark(const std::string& step, std::chrono::milliseconds now);
  std::chrono::milliseconds start() const { return start_; }
  const std::vector<TimelineMark>& marks() const { return marks_; }
  // Since the start, at the last mark (0 without marks).
  std::chrono::milliseconds elapsed() const { return marks_.empty() ? std::chrono::milliseconds{0} : marks_.back().at; }

 private:
  std::chrono::milliseconds start_{};
  std::vector<TimelineMark> marks_;
};

// "7.950 s" (a kernel-clock time, milliseconds shown).
std::string kernel_seconds(std::chrono::milliseconds t);

// One line: "started at 7.950 s: read-view +112 ms, lock +118, load +900
// (9.110 s)": each step with the milliseconds since the start at its end;
// the kernel-clock time of the last step in brackets.
std::string format_timeline(const Timeline& t);

// The marks of format_timeline's step list ("read-view +112 ms, lock +118")
// back; unknown text is skipped, so that an older or newer writer's line
// never stops a reader. Returns the marks it could read.
std::vector<TimelineMark> parse_timeline_steps(const std::string& text);
// Just the step list of format_timeline ("read-view +112 ms, lock +118").
std::string format_timeline_steps(const std::vector<TimelineMark>& marks);

}  // namespace sckl
