// dpkg's postinst for sckl: a thin entry point; the work is in src/install/maint.h.
#include "base/device_queries.h"
#include "install/maint.h"

int main(int argc, char** argv) {
  return sckl::maint_main(sckl::MaintScript::Postinst, argc, argv, sckl::run_postinst, nullptr,
                          &sckl::library_device_queries());
}
