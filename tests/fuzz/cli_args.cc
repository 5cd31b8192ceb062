// The sckl command's arguments (cli_main). Input: the arguments after
// "sckl", separated by NUL bytes (as in /proc/PID/cmdline).
//
// Safety: every run acts on a scratch root below $SCKL_FUZZ_SCRATCH or
// /dev/shm (DPKG_ROOT and a --root prepended by this target); inputs that
// carry their own --root are skipped, so nothing outside the scratch root is
// ever read or written, and PATH points nowhere so that no program could be
// started.
//
// Invariants: the exit code is one of the documented 0, 1, 2; the verbs that
// act on the running machine refuse the scratch root with 2.
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cli/cli.h"
#include "fuzz_util.h"

using namespace sckl;
namespace fs = std::filesystem;

namespace {

std::string g_root;

void put(const std::string& path, const std::string& content) {
  fs::create_directories(fs::path(g_root + path).parent_path());
  std::ofstream(g_root + path) << content;
}

// A small machine for the verbs to look at: provider boot, one bootable
// kernel (a bzImage header), memory.
void make_machine() {
  put("/proc/cmdline", "BOOT_IMAGE=/vmlinuz root=/dev/vda1 ro console=ttyS0\n");
  put("/proc/sys/kernel/osrelease", "5.15.0-1-provider\n");
  put("/proc/meminfo", "MemTotal: 2000000 kB\nMemAvailable: 1500000 kB\n");
  std::string image(1024, '\0');
  image.replace(0x202, 4, "HdrS");
  put("/boot/vmlinuz-6.1.0-28-amd64", image);
  put("/boot/initrd.img-6.1.0-28-amd64", "initrd");
  fs::create_directories(g_root + "/lib/modules/6.1.0-28-amd64");
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::silence_log();
  // tests/fuzz/run points SCKL_FUZZ_SCRATCH at its own temporary directory,
  // which it removes even when a crash skips the atexit() below.
  const char* base = std::getenv("SCKL_FUZZ_SCRATCH");
  std::string tmpl = std::string(base && *base ? base : "/dev/shm") + "/sckl-fuzz-cli.XXXXXX";
  FUZZ_CHECK(::mkdtemp(tmpl.data()) != nullptr, "cannot create the scratch root (set SCKL_FUZZ_SCRATCH)");
  g_root = tmpl;
  make_machine();
  ::setenv("DPKG_ROOT", g_root.c_str(), 1);
  ::setenv("PATH", "/nonexistent/sckl-fuzz-cli", 1);
  // Help and status text is not the fuzzer's business.
  int null_fd = ::open("/dev/null", O_WRONLY);
  if (null_fd >= 0) ::dup2(null_fd, 1);
  std::atexit([] {
    std::error_code ec;
    fs::remove_all(g_root, ec);
  });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto args = fuzz::split_parts(data, size, 16);
  if (args.size() == 1 && args[0].empty()) args.clear();
  for (const auto& a : args)
    if (a.starts_with("--root")) return 0;  // would leave the scratch root

  // What the previous run wrote (config, flag, boot count) must not make
  // runs depend on each other.
  std::error_code ec;
  fs::remove_all(g_root + "/etc", ec);
  fs::remove_all(g_root + "/var", ec);
  fs::remove_all(g_root + "/run", ec);

  std::vector<std::string> storage = {"sckl", "--root=" + g_root};
  storage.insert(storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& s : storage) argv.push_back(s.data());
  argv.push_back(nullptr);
  int rc = cli_main(static_cast<int>(storage.size()), argv.data());
  FUZZ_CHECK(rc == 0 || rc == 1 || rc == 2, "exit codes are 0, 1 or 2 (sckl(8))");

  // A machine verb named alone, without help, is refused on a foreign root.
  if (args.size() == 1)
    for (const char* verb : {"setup", "check", "disarm", "boot"})
      if (args[0] == verb) FUZZ_CHECK(rc == 2, "machine verbs refuse --root");
  return 0;
}
