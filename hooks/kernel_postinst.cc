// /etc/kernel/postinst.d/zz-sckl: a kernel package was configured.
#include "boot/arm.h"

int main(int argc, char** argv) { return sckl::kernel_hook_main(sckl::KernelHook::PostInst, argc, argv); }
