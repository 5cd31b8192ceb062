// Provider quirks as data: /usr/share/sckl/provider-units lists units that
// must run on one side of the switch only. Each becomes a systemd drop-in
// with a ConditionKernelCommandLine on sckl's boot marker.
#pragma once

#include <string>
#include <vector>

#include "base/error.h"

namespace sckl {

enum class BootPhase { Provider, Target };

struct ProviderUnit {
  std::string unit;  // e.g. scw-generate-ssh-keys.service
  BootPhase phase;
};

// Parses "UNIT PHASE [# comment]" lines; errors name the file and line.
Result<std::vector<ProviderUnit>> parse_provider_units(const std::string& text, const std::string& name_for_errors);

// Drop-in path and content for one unit.
std::string provider_dropin_path(const ProviderUnit& u);
std::string provider_dropin_content(const ProviderUnit& u);

}  // namespace sckl
