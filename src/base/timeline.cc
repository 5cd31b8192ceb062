#include "base/timeline.h"

#include <cstdio>

namespace sckl {

void Timeline::mark(const std::string& step, std::chrono::milliseconds now) {
  std::chrono::milliseconds at = now - start_;
  if (at.count() < 0) at = std::chrono::milliseconds{0};
  if (!marks_.empty() && at < marks_.back().at) at = marks_.back().at;
  marks_.push_back({step, at});
}

std::string kernel_seconds(std::chrono::milliseconds t) {
  const long long ms = t.count() < 0 ? 0 : t.count();
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld.%03lld s", ms / 1000, ms % 1000);
  return buf;
}

std::string format_timeline_steps(const std::vector<TimelineMark>& marks) {
  std::string out;
  for (size_t i = 0; i < marks.size(); ++i) {
    if (i) out += ", ";
    out += marks[i].step + " +" + std::to_string(marks[i].at.count()) + (i == 0 ? " ms" : "");
  }
  return out;
}

std::string format_timeline(const Timeline& t) {
  std::string out = "started at " + kernel_seconds(t.start());
  if (t.marks().empty()) return out;
  return out + ": " + format_timeline_steps(t.marks()) + " (" + kernel_seconds(t.start() + t.elapsed()) + ")";
}

std::vector<TimelineMark> parse_timeline_steps(const std::string& text) {
  std::vector<TimelineMark> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find(',', pos);
    if (end == std::string::npos) end = text.size();
    std::string item = text.substr(pos, end - pos);
    pos = end + 1;
    // "[ ]STEP +N[ ms]"
    size_t b = item.find_first_not_of(' ');
    size_t plus = item.find(" +");
    if (b == std::string::npos || plus == std::string::npos || plus <= b) continue;
    std::string step = item.substr(b, plus - b);
    if (step.find(' ') != std::string::npos) continue;
    size_t d = plus + 2, e = d;
    while (e < item.size() && e - d < 9 && item[e] >= '0' && item[e] <= '9') ++e;
    if (e == d) continue;
    std::string rest = item.substr(e);
    if (!(rest.empty() || rest == " ms")) continue;
    out.push_back({step, std::chrono::milliseconds{std::stoll(item.substr(d, e - d))}});
  }
  return out;
}

}  // namespace sckl
