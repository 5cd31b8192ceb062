// /usr/lib/sckl/init: the switch before systemd, for init=/usr/lib/sckl/init
// on the provider's kernel command line (init_shim = yes in sckl.conf). PID 1
// forks the switch, waits for it and execs the init the kernel would have
// run; all of it is in src/boot/init_shim.h.
#include "boot/init_shim.h"

int main(int argc, char** argv) { return sckl::init_shim_main(argc, argv); }
