// dpkg's preinst for sckl: a thin entry point; the work is in src/install/maint.h.
#include "install/maint.h"

int main(int argc, char** argv) {
  return sckl::maint_main(sckl::MaintScript::Preinst, argc, argv, sckl::run_preinst);
}
