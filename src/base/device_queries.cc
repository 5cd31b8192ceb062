#include "base/device_queries.h"

#include <blkid/blkid.h>
#include <libudev.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace sckl {

namespace {

struct ProbeDeleter {
  void operator()(blkid_struct_probe* p) const { blkid_free_probe(p); }
};
struct UdevDeleter {
  void operator()(udev* u) const { udev_unref(u); }
};
struct UdevDeviceDeleter {
  void operator()(udev_device* d) const { udev_device_unref(d); }
};

class LibraryDeviceQueries : public DeviceQueries {
 public:
  // What `blkid -o export -p DEVICE` printed: the superblock probe, which
  // reads the device itself rather than blkid's cache.
  Result<DeviceTags> probe_block_device(const std::string& device) const override {
    errno = 0;
    std::unique_ptr<blkid_struct_probe, ProbeDeleter> probe(blkid_new_probe_from_filename(device.c_str()));
    if (!probe) return system_error("cannot open " + device + " to read its file system signature", errno ? errno : EIO);
    blkid_probe_enable_superblocks(probe.get(), 1);
    blkid_probe_set_superblocks_flags(probe.get(), BLKID_SUBLKS_LABEL | BLKID_SUBLKS_UUID | BLKID_SUBLKS_TYPE |
                                                       BLKID_SUBLKS_USAGE | BLKID_SUBLKS_VERSION);
    errno = 0;
    int rc = blkid_do_safeprobe(probe.get());
    if (rc == -2)
      return Error{device + " holds more than one file system signature (libblkid: ambivalent result)", 0,
                   "'wipefs " + device + "' lists them"};
    if (rc < 0) return system_error("cannot read the file system signature of " + device, errno ? errno : EIO);
    DeviceTags tags;
    if (rc == 1) return tags;  // nothing recognised
    const int n = blkid_probe_numof_values(probe.get());
    for (int i = 0; i < n; ++i) {
      const char* name = nullptr;
      const char* data = nullptr;
      size_t len = 0;
      if (blkid_probe_get_value(probe.get(), i, &name, &data, &len) != 0 || !name || !data) continue;
      // len counts the terminating NUL.
      tags[name] = std::string(data, strnlen(data, len));
    }
    return tags;
  }

  // What `udevadm info --query=property --path=SYSPATH` printed.
  Result<DeviceTags> udev_properties(const std::string& syspath) const override {
    errno = 0;
    std::unique_ptr<udev, UdevDeleter> u(udev_new());
    if (!u) return system_error("cannot ask udev about " + syspath, errno ? errno : ENOMEM);
    errno = 0;
    std::unique_ptr<udev_device, UdevDeviceDeleter> dev(udev_device_new_from_syspath(u.get(), syspath.c_str()));
    if (!dev) return system_error("cannot ask udev about " + syspath, errno ? errno : ENODEV);
    DeviceTags tags;
    for (udev_list_entry* e = udev_device_get_properties_list_entry(dev.get()); e; e = udev_list_entry_get_next(e)) {
      const char* name = udev_list_entry_get_name(e);
      const char* value = udev_list_entry_get_value(e);
      if (name) tags[name] = value ? value : "";
    }
    return tags;
  }
};

}  // namespace

const DeviceQueries& library_device_queries() {
  static const LibraryDeviceQueries queries;
  return queries;
}

}  // namespace sckl
