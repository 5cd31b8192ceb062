#pragma once

#include "base/error.h"
#include "base/system.h"

namespace sckl {

// Whether a change to this path must be copied into the initrds: Debian's
// udev initramfs hook copies /etc/systemd/network/*.link, and an interface
// renamed in the initrd is not renamed again after switch-root.
bool path_needs_initramfs_refresh(const std::string& path);

// Marks the initrds stale (a file under /var/lib/sckl), so that a failed
// refresh is retried by the next run of the same step.
Status mark_initramfs_stale(System& sys);
// When marked stale: refresh_initramfs, then clear the mark.
Status refresh_initramfs_if_stale(System& sys);

// sckl supports initramfs-tools only: it rebuilds the initrds with
// update-initramfs when it changes the interface-name .link files (which
// Debian's udev initramfs hook copies in), it re-arms from initramfs-tools'
// /etc/initramfs/post-update.d, and its preflight trusts initramfs-tools'
// records. A system whose initrds are made by dracut (Debian 13 offers it,
// Ubuntu 25.10 made it the default) gets none of that, so the install is
// refused: an Error naming dracut, the reason and the way out; ok when
// update-initramfs is there or dracut is not.
Status require_initramfs_tools(System& sys);

// Rebuilds the initrds of every installed kernel (update-initramfs -u -k
// all) when initramfs-tools is installed; a failure names the command.
Status refresh_initramfs(System& sys);

}  // namespace sckl
