// /etc/kernel/postrm.d/zz-sckl: a kernel package was removed (retarget).
#include "boot/arm.h"

int main(int argc, char** argv) { return sckl::kernel_hook_main(sckl::KernelHook::PostRm, argc, argv); }
