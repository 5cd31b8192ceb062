// RealSystem's device queries through libblkid and libudev (system.h,
// DeviceQueries). Only the programs that probe devices pass them to
// RealSystem (the sckl command, postinst): that keeps libblkid and libudev
// out of preinst and postrm, which must need libc alone.
#pragma once

#include "base/system.h"

namespace sckl {

const DeviceQueries& library_device_queries();

}  // namespace sckl
