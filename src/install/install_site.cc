#include "install/install_site.h"

#include "base/paths.h"
#include "base/process.h"

namespace sckl {

InstallSite decide_install_site(const InstallFacts& f) {
  if (f.foreign_root || f.in_chroot || !f.systemd_booted) return InstallSite::Image;
  return InstallSite::RunningServer;
}

const char* install_site_name(InstallSite t) {
  return t == InstallSite::RunningServer ? "running server" : "image";
}

Result<InstallFacts> gather_install_facts(System& sys) {
  InstallFacts f;
  f.foreign_root = sys.root() != "/";
  if (f.foreign_root) return f;  // the rest would describe the build host
  auto run = sys.run(Command{{"ischroot"}, std::chrono::seconds(10), {}});
  if (!run.ok()) return run.error();
  // ischroot: 0 = chroot, 1 = not, 2 = cannot tell (counts as chroot).
  f.in_chroot = run.value().exit_code != 1;
  auto st = sys.stat(paths::kRunSystemd);
  if (!st.ok()) return st.error();
  f.systemd_booted = st.value().kind == FileKind::Directory;
  return f;
}

}  // namespace sckl
