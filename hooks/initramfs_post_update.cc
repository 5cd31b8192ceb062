// /etc/initramfs/post-update.d/sckl: an initrd is ready (also when
// update-initramfs ran from a dpkg trigger, after the kernel hooks).
#include "boot/arm.h"

int main(int argc, char** argv) {
  return sckl::kernel_hook_main(sckl::KernelHook::InitramfsPostUpdate, argc, argv);
}
