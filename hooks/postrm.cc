// dpkg's postrm for sckl: a thin entry point; the work is in src/install/maint.h.
#include "install/maint.h"

int main(int argc, char** argv) {
  return sckl::maint_main(sckl::MaintScript::Postrm, argc, argv, sckl::run_postrm);
}
