// /usr/lib/sckl/apt-grub-notice: apt's JSON hook (see
// /etc/apt/apt.conf.d/50sckl-refuse-grub). What it says is in grub_notice.h.
#include "apt/grub_notice.h"

int main() { return sckl::apt_grub_notice_main(); }
