#!/usr/bin/env bash
# Integration test: install the .deb, install the same .deb again (dpkg's
# upgrade path: preinst upgrade, postinst configure <same
# version>), require the second install to change nothing, then purge and
# require the tree to be as before the first install.
# Needs root and SCKL_DEB (path of the .deb).
set -euo pipefail
SCKL_TEST_NAME=upgrade
. "$(dirname "$(readlink -f "$0")")/lib.sh"
need_root
need_deb
host_guard_begin
chroot_setup
snap=$SCKL_WORK/snap

snapshot "$snap.before"
install_deb
log "figure: dpkg -i (first install) wall time: $LAST_INSTALL_SECONDS s"
snapshot "$snap.first"
install_deb
log "figure: dpkg -i (same version over itself) wall time: $LAST_INSTALL_SECONDS s"
[[ $(in_chroot dpkg-query -W -f='${Status}' sckl) == 'install ok installed' ]] || die "sckl is not installed"
snapshot "$snap.second"
compare_snapshots "$snap.first" "$snap.second" "installing the same version again changes nothing"

in_chroot dpkg --purge sckl >&2 || die "dpkg --purge failed"
snapshot "$snap.purged"
compare_snapshots "$snap.before" "$snap.purged" "install + reinstall + purge leaves the tree as before"
host_guard_end
log "PASS"
