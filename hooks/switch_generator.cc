// /usr/lib/sckl/sckl-switch-generator: the early switch, as systemd's
// generator (/lib/systemd/system-generators/sckl-switch, run before any unit
// and again on every daemon-reload) and as sckl's init (/usr/lib/sckl/init,
// PID 1 of a provider boot with init=/usr/lib/sckl/init). Both names are
// links to this one file; the name it runs by chooses (src/boot/early_program.h).
#include "boot/early_program.h"

int main(int argc, char** argv) { return sckl::early_program_main(argc, argv); }
