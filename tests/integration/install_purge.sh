#!/usr/bin/env bash
# Integration test: dpkg -i the .deb into a fresh bookworm chroot, check what
# it set up, dpkg --purge it and require the tree to be exactly as before.
# Needs root and SCKL_DEB (path of the .deb).
set -euo pipefail
SCKL_TEST_NAME=install_purge
. "$(dirname "$(readlink -f "$0")")/lib.sh"
need_root
need_deb
host_guard_begin
chroot_setup
snap=$SCKL_WORK/snap

grep -qx 'LOAD_KEXEC=true' "$SCKL_ROOT/etc/default/kexec" \
  || die "precondition: the base image should have kexec-tools' default LOAD_KEXEC=true"

snapshot "$snap.before"
install_deb
log "figure: dpkg -i wall time: $LAST_INSTALL_SECONDS s"
[[ $(in_chroot dpkg-query -W -f='${Status}' sckl) == 'install ok installed' ]] || die "sckl is not installed"

# What the install must have done (see README.md, "What it changes").
check "/usr/sbin/sckl is there and executable" test -x "$SCKL_ROOT/usr/sbin/sckl"
check "/usr/sbin/sckl --version runs in the chroot" in_chroot /usr/sbin/sckl --version
check "/var/lib/sckl/manifest exists" test -s "$SCKL_ROOT/var/lib/sckl/manifest"
check "/etc/default/kexec has LOAD_KEXEC=false" grep -qx 'LOAD_KEXEC=false' "$SCKL_ROOT/etc/default/kexec"
check "/etc/default/kexec has no LOAD_KEXEC=true left" bash -c "! grep -q '^[[:space:]]*LOAD_KEXEC=true' '$SCKL_ROOT/etc/default/kexec'"
check "/etc/sckl/sckl.conf exists" test -s "$SCKL_ROOT/etc/sckl/sckl.conf"
snapshot "$snap.installed"

# postinst on its own, run again as dpkg would: its time, and that a second
# configure changes nothing.
start=$(date +%s.%N)
in_chroot /var/lib/dpkg/info/sckl.postinst configure 0.1.0 >&2 || die "postinst configure (second run) failed"
log "figure: postinst configure own time (second run): $(elapsed "$start") s"
snapshot "$snap.again"
compare_snapshots "$snap.installed" "$snap.again" "a second postinst configure changes nothing"
log "the install changed these paths:"
diff "$snap.before" "$snap.installed" | sed -n 's/^[<>] //p' | cut -f1 | sort -u | sed 's/^/    /' >&2 || true

in_chroot dpkg --purge sckl >&2 || die "dpkg --purge failed"
snapshot "$snap.purged"
compare_snapshots "$snap.before" "$snap.purged" "install + purge leaves the tree as before"
host_guard_end

if (( ${#FAILED_CHECKS[@]} )); then
  die "${#FAILED_CHECKS[@]} check(s) after install failed: $(IFS=';'; echo "${FAILED_CHECKS[*]}")"
fi
log "PASS"
