#!/usr/bin/env bash
# Integration test: a Debian 13 system that makes its initrds with dracut
# (trixie minbase + dracut instead of initramfs-tools). sckl supports
# initramfs-tools only (src/kernel/initramfs.h require_initramfs_tools says why), so
# `dpkg -i` must fail in preinst, before anything is unpacked, with a message
# that names dracut, the reason and the way out, and leave the tree exactly
# as it was (dpkg's own database aside).
# Needs root and SCKL_DEB: the trixie .deb (tests/build-release trixie);
# tests/run-all runs it after that build.
set -euo pipefail
SCKL_TEST_NAME=dracut
export SCKL_TEST_SUITE=trixie SCKL_TEST_INCLUDE=systemd-sysv,udev,kexec-tools,dracut,zstd SCKL_TEST_TARBALL_NAME=dracut
. "$(dirname "$(readlink -f "$0")")/lib.sh"
need_root
need_deb
[[ $(dpkg-deb -f "$SCKL_DEB" Version) == *deb13* ]] || die "SCKL_DEB=$SCKL_DEB is not a Debian 13 build (tests/build-release trixie makes one)"
host_guard_begin
chroot_setup
snap=$SCKL_WORK/snap

check "precondition: dracut is installed" test -x "$SCKL_ROOT/usr/bin/dracut"
check "precondition: initramfs-tools is not" test ! -e "$SCKL_ROOT/usr/sbin/update-initramfs"
# Left out of the comparison: dpkg's record of the failed attempt; /run,
# where the state lock lives (a tmpfs on a running system). Everything else
# must stay as it was, debconf's database included: postrm abort-install does
# not talk to debconf (src/install/maint.h maint_uses_debconf), so a refused dpkg -i
# registers no templates of sckl. (apt install runs apt's preconfigure
# before the unpack, which registers them for any package; they stay for the
# next attempt, as debhelper's packages' do, until a purge.)
SNAPSHOT_EXCLUDES+=(./var/lib/dpkg ./var/log/dpkg.log ./run)
snapshot "$snap.before"
cp "$SCKL_DEB" "$SCKL_ROOT/tmp/sckl-under-test.deb"
rc=0
in_chroot dpkg -i /tmp/sckl-under-test.deb > "$SCKL_WORK/dpkg.out" 2>&1 || rc=$?
rm -f "$SCKL_ROOT/tmp/sckl-under-test.deb"
sed 's/^/  dpkg| /' "$SCKL_WORK/dpkg.out" >&2
out=$(cat "$SCKL_WORK/dpkg.out")
check "dpkg -i failed (exit $rc)" test "$rc" -ne 0
check "the message names dracut and where it is" grep -q 'with dracut (/usr/bin/dracut)' <<<"$out"
check "the message gives the reason (initramfs-tools only)" grep -q 'sckl supports initramfs-tools only' <<<"$out"
check "the message says what to do" grep -q "apt install initramfs-tools" <<<"$out"
check "it stopped in preinst" grep -q 'preinst' <<<"$out"
status=$(in_chroot dpkg-query -W -f='${Status}' sckl 2>/dev/null || true)
check "sckl is not installed (status: '${status:-none}')" test "${status:-none}" != "install ok installed"
check "no sckl files unpacked" test ! -e "$SCKL_ROOT/usr/sbin/sckl"
# (The tree comparison below covers debconf's database too; this names the cause.)
check "debconf holds no template of sckl" bash -c '! grep -qs "^Name: sckl/" "$1"' _ "$SCKL_ROOT/var/cache/debconf/templates.dat"
snapshot "$snap.after"
compare_snapshots "$snap.before" "$snap.after" "a refused install leaves the tree as it was"
host_guard_end
finish_checks
