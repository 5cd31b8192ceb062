// sckl owns kexec loading: kexec-tools' own "load /vmlinuz on reboot"
// (LOAD_KEXEC in /etc/default/kexec, debconf kexec-tools/load_kexec) is
// turned off so the two never load different kernels. kexec-tools' config
// script reads the file back into debconf, so the file is what persists.
#pragma once

#include <optional>
#include <string>

namespace sckl {

inline constexpr const char* kLoadKexecQuestion = "kexec-tools/load_kexec";

// The file's text with every active LOAD_KEXEC= assignment set to false (one
// is appended when there is none); nullopt when nothing needs to change.
std::optional<std::string> disable_load_kexec(const std::string& text);

}  // namespace sckl
