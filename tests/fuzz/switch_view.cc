// What the switch reads on a provider boot (read_switch_view, plan_arm):
// /proc/cmdline, /etc/sckl/sckl.conf, /var/lib/sckl/boot-state and
// /proc/meminfo together, over a FakeSystem with two installed kernels.
// Input: those four texts separated by NUL bytes (missing ones: absent files,
// meminfo a real one).
//
// Invariants: reading never fails on readable files; a damaged boot-state
// disables switching; sckl.disable on the command line disables it; a
// target line, when there is one, ends its kernel words with sckl's marker;
// arm plans a switch only into a bootable kernel when switching is allowed.
#include <string>

#include "boot/arm.h"
#include "boot/switch.h"
#include "fake_system.h"
#include "formats/cmdline.h"
#include "fuzz_util.h"

using namespace sckl;

namespace {

std::string bzimage() {
  std::string image(2048, '\0');
  image.replace(0x202, 4, "HdrS");
  return image;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto parts = fuzz::split_parts(data, size, 4);
  testing::FakeSystem s;
  s.put_file("/proc/cmdline", parts[0]);
  if (parts.size() > 1) s.put_file("/etc/sckl/sckl.conf", parts[1]);
  if (parts.size() > 2) s.put_file("/var/lib/sckl/boot-state", parts[2]);
  s.put_file("/proc/meminfo", parts.size() > 3 ? parts[3] : "MemTotal: 2000000 kB\nMemAvailable: 1500000 kB\n");
  s.put_file("/proc/sys/kernel/osrelease", "5.15.0-1-provider\n");
  s.put_file("/proc/sys/kernel/kexec_load_disabled", "0\n");
  s.put_file("/sys/kernel/kexec_loaded", "0\n");
  for (const char* v : {"6.1.0-28-amd64", "6.1.0-9-cloud-amd64"}) {
    s.put_file(std::string("/boot/vmlinuz-") + v, bzimage());
    s.put_file(std::string("/boot/initrd.img-") + v, "initrd");
    s.put_file(std::string("/var/lib/initramfs-tools/") + v, "");
    s.put_dir(std::string("/lib/modules/") + v);
  }

  auto view = read_switch_view(s);
  if (!view.ok()) {
    // Only a configuration the admin must fix may stop the reading.
    FUZZ_CHECK(view.error().message.starts_with("/etc/sckl/sckl.conf"), "reading fails only on a bad sckl.conf");
    return 0;
  }
  const SwitchView& v = view.value();
  if (!v.state_error.empty()) FUZZ_CHECK(v.facts.disabled, "a damaged boot-state disables switching");
  if (cmdline_has_key(split_kernel_cmdline(v.cmdline), kDisableWord))
    FUZZ_CHECK(v.facts.disabled, "sckl.disable disables switching");
  FUZZ_CHECK(v.facts.tries >= 1 && v.facts.tries <= 9, "tries is 1..9");
  if (!v.facts.target.empty()) {
    FUZZ_CHECK(v.target.bootable(), "the target is bootable");
    for (int attempt = 1; attempt <= v.facts.tries; ++attempt) {
      auto line = target_cmdline(v, attempt);
      if (!line.ok()) continue;
      auto words = fuzz::kernel_words(split_kernel_cmdline(line.value()));
      FUZZ_CHECK(!words.empty() && words.back() == std::string(kBootMarker) + "=" + std::to_string(attempt),
                 "the target's kernel words end with the marker");
    }
  }
  auto armed = plan_arm(s);
  FUZZ_CHECK(armed.ok(), "planning over readable files does not fail");
  if (armed.value().will_switch) {
    FUZZ_CHECK(!v.facts.target.empty() && armed.value().target == v.facts.target, "arm plans the chosen target");
    FUZZ_CHECK(v.state_error.empty(), "no switch is planned over a damaged boot-state");
  }
  return 0;
}
