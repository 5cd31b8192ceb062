// /lib/systemd/system-generators/sckl-switch: the early switch. systemd runs
// generators before any unit (and again on every daemon-reload; the switch
// itself runs once per boot). The work, the guard that keeps it to a real
// boot of this machine and the exception barrier are in
// src/boot/switch_generator.h.
#include "boot/switch_generator.h"

int main(int argc, char** argv) { return sckl::switch_generator_main(argc, argv); }
