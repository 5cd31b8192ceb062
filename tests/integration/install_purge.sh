#!/usr/bin/env bash
# Integration test: dpkg -i the .deb into a fresh bookworm chroot, check what
# it set up, dpkg --purge it and require the tree to be exactly as before.
# Before the install the admin has chown'ed and chmod'ed the files sckl edits
# (and set an extended attribute); after it they edit other lines of
# /etc/fstab: purge must take out only sckl's line there and give every file
# its owner, group, mode and attributes back.
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

# The admin's own attributes on the files sckl edits.
chown 1000:100 "$SCKL_ROOT/etc/default/kexec"
chmod 0640 "$SCKL_ROOT/etc/default/kexec"
chown 0:4 "$SCKL_ROOT/etc/fstab"
chmod 0604 "$SCKL_ROOT/etc/fstab"
xattr() { python3 -c 'import os,sys
p=sys.argv[2]
if sys.argv[1]=="set": os.setxattr(p,"user.sckl-test",b"admin value")
else: print(sorted((n, os.getxattr(p,n)) for n in os.listxattr(p)))' "$@"; }
xattr set "$SCKL_ROOT/etc/default/kexec"
attrs_before=$(stat -c '%u %g %a' "$SCKL_ROOT/etc/default/kexec" "$SCKL_ROOT/etc/fstab")
xattrs_before=$(xattr get "$SCKL_ROOT/etc/default/kexec")

# sckl adds the root entry to /etc/fstab on a running server (sckl setup) from
# / in mountinfo and libblkid. For that run, the chroot's / becomes a mount of
# its own (a recursive bind of the tree onto itself, on the host's disk, undone
# right after); its device node is, on the chroot's private /dev, a small
# ext4 image with a made-up UUID, so nothing reads the host's disk.
# /sys stays unmounted (no host NICs): an empty /sys/class/net says so.
root_source=$(findmnt -n -o SOURCE --target "$SCKL_ROOT" | sed 's/\[.*//') || die "findmnt $SCKL_ROOT failed"
[[ $root_source == /dev/* ]] \
  || die "the test tree is on '$root_source', not on a /dev block device: sckl would add no fstab line to test"
mkdir -p "$(dirname "$SCKL_ROOT$root_source")" "$SCKL_ROOT/sys/class/net"
fake_uuid=0b3c2f1e-8d4a-4c56-9e0f-1a2b3c4d5e6f
truncate -s 1M "$SCKL_ROOT$root_source"
mkfs.ext4 -q -F -O ^has_journal -U "$fake_uuid" "$SCKL_ROOT$root_source" \
  || die "mkfs.ext4 could not make the made-up root file system (e2fsprogs)"
fstab_before=$(cat "$SCKL_ROOT/etc/fstab")

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

# The running server's part (root entry in /etc/fstab), as sckl-setup.service
# or `sckl setup` does it.
mount --rbind "$SCKL_ROOT" "$SCKL_ROOT"
setup_rc=0
in_chroot sckl setup >&2 || setup_rc=$?
umount -l "$SCKL_ROOT"
(( setup_rc == 0 )) || die "sckl setup failed in the chroot"
check "sckl setup added the root entry to /etc/fstab" grep -q "^UUID=$fake_uuid / ext4 " "$SCKL_ROOT/etc/fstab"
check "owner, group and mode of the files sckl edited are still the admin's" \
  test "$(stat -c '%u %g %a' "$SCKL_ROOT/etc/default/kexec" "$SCKL_ROOT/etc/fstab")" = "$attrs_before"
check "extended attributes of the files sckl edited are still the admin's" \
  test "$(xattr get "$SCKL_ROOT/etc/default/kexec")" = "$xattrs_before"

# The admin edits other lines of /etc/fstab after the install.
sed -i '1s/.*/# fstab of the install_purge test server/' "$SCKL_ROOT/etc/fstab"
echo 'tmpfs /scratch tmpfs defaults 0 0' >> "$SCKL_ROOT/etc/fstab"
fstab_admin=$(grep -v -e "^UUID=$fake_uuid " -e '^# / added by sckl' "$SCKL_ROOT/etc/fstab")

in_chroot dpkg --purge sckl >&2 || die "dpkg --purge failed"
check "purge took out only sckl's lines of /etc/fstab" test "$(cat "$SCKL_ROOT/etc/fstab")" = "$fstab_admin"
check "owner, group and mode are as before install" \
  test "$(stat -c '%u %g %a' "$SCKL_ROOT/etc/default/kexec" "$SCKL_ROOT/etc/fstab")" = "$attrs_before"
check "extended attributes are as before install" test "$(xattr get "$SCKL_ROOT/etc/default/kexec")" = "$xattrs_before"
# The admin's lines are theirs to keep; put the file back as it was before
# them (in place, so that its attributes stay what purge left) for the
# whole-tree comparison.
printf '%s\n' "$fstab_before" > "$SCKL_ROOT/etc/fstab"
snapshot "$snap.purged"
compare_snapshots "$snap.before" "$snap.purged" "install + purge leaves the tree as before"
host_guard_end

finish_checks
