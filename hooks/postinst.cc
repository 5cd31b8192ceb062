// dpkg's postinst for sckl: a thin entry point; the work is in src/maint.h.
#include "device_queries.h"
#include "maint.h"

int main(int argc, char** argv) {
  return sckl::maint_main(sckl::MaintScript::Postinst, argc, argv, sckl::run_postinst, nullptr,
                          &sckl::library_device_queries());
}
