// /usr/lib/sckl/apt-refuse-grub: apt's DPkg::Pre-Install-Pkgs hook (see
// /etc/apt/apt.conf.d/50sckl-refuse-grub). The decision is in grub_guard.h.
#include "apt/grub_guard.h"

int main() { return sckl::apt_refuse_grub_main(); }
