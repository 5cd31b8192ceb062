#include "base/time_budget.h"

#include <algorithm>

namespace sckl {

BudgetedSystem::BudgetedSystem(System& inner, std::chrono::milliseconds budget, Clock clock)
    : inner_(inner), clock_(clock ? std::move(clock) : Clock([] { return std::chrono::steady_clock::now(); })) {
  deadline_ = clock_() + budget;
}

std::chrono::milliseconds BudgetedSystem::remaining() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - clock_());
}

std::chrono::milliseconds BudgetedSystem::cut(std::chrono::milliseconds own) const {
  const std::chrono::milliseconds floor = std::min<std::chrono::milliseconds>(own, kBudgetGrace);
  return std::max(std::min(own, remaining()), floor);
}

Result<ProcessResult> BudgetedSystem::run(const Command& command) {
  Command cut_command = command;
  cut_command.timeout = cut(command.timeout);
  return inner_.run(cut_command);
}

}  // namespace sckl
