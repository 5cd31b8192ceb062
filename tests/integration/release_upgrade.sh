#!/usr/bin/env bash
# Integration test: a real upgrade from the previous release (issue 15 part 7)
# and the downgrade back, in a fresh bookworm chroot.
#
# The previous release is built from the commit that tests/previous-release
# names (tests/build-previous; SCKL_DEB_PREVIOUS points at a built one).
#   1. the previous release is installed and set up as on a running server
#      (`sckl setup`: the root entry in /etc/fstab), the admin comments and
#      changes sckl.conf, edits /etc/default/kexec and /etc/fstab, and the
#      target is marked good (boot-state, by the old version's own command);
#   2. the version under test (SCKL_DEB) is installed over it: sckl.conf,
#      boot-state, the manifest and the admin's edits are kept byte for byte,
#      and the new `sckl status --json` reads the old state;
#   3. purge: everything the first version changed is undone, the admin's
#      edits stay, the tree is as before step 1 but for those;
#   4. again from a fresh install of the version under test, the downgrade to
#      the previous release: it works (README "Upgrades" says so), the state
#      is kept, and its purge leaves the tree as before.
# Needs root and SCKL_DEB; builds the previous release when
# SCKL_DEB_PREVIOUS is unset (cached after the first time).
set -euo pipefail
SCKL_TEST_NAME=release_upgrade
. "$(dirname "$(readlink -f "$0")")/lib.sh"
need_root
need_deb
if [[ -z ${SCKL_DEB_PREVIOUS:-} ]]; then
  SCKL_DEB_PREVIOUS=$("$(dirname "$(readlink -f "$0")")/../build-previous" | tail -n1) ||
    die "tests/build-previous failed: the previous release could not be built"
fi
[[ -f $SCKL_DEB_PREVIOUS ]] || die "SCKL_DEB_PREVIOUS=$SCKL_DEB_PREVIOUS: no such file"
new_deb=$SCKL_DEB
new_version=$(dpkg-deb -f "$new_deb" Version)
old_version=$(dpkg-deb -f "$SCKL_DEB_PREVIOUS" Version)
dpkg --compare-versions "$old_version" lt "$new_version" ||
  die "the previous release $old_version is not older than the version under test $new_version"
log "upgrade $old_version -> $new_version"
host_guard_begin
chroot_setup
snap=$SCKL_WORK/snap
started=$(date +%s.%N)

# install_version DEB: install_deb with another .deb.
install_version() {
  SCKL_DEB=$1 install_deb
  SCKL_DEB=$new_deb
}
installed_version() { in_chroot dpkg-query -W -f='${Version} ${Status}' sckl; }

# The running server's part of the setup, as sckl-setup.service does it: the
# chroot's / as a mount of its own with a made-up ext4 device on the private
# /dev (install_purge.sh explains the trick); nothing reads the host's disk.
root_source=$(findmnt -n -o SOURCE --target "$SCKL_ROOT" | sed 's/\[.*//') || die "findmnt $SCKL_ROOT failed"
[[ $root_source == /dev/* ]] || die "the test tree is on '$root_source', not on a /dev block device"
mkdir -p "$(dirname "$SCKL_ROOT$root_source")" "$SCKL_ROOT/sys/class/net"
fake_uuid=5d6c1b2a-3e4f-4a5b-8c7d-9e0f1a2b3c4d
truncate -s 1M "$SCKL_ROOT$root_source"
mkfs.ext4 -q -F -O ^has_journal -U "$fake_uuid" "$SCKL_ROOT$root_source" || die "mkfs.ext4 failed"
setup_running_server() {
  local rc=0
  mount --rbind "$SCKL_ROOT" "$SCKL_ROOT"
  in_chroot sckl setup >&2 || rc=$?
  umount -l "$SCKL_ROOT"
  ((rc == 0)) || die "sckl setup failed in the chroot"
}
fstab_before=$(cat "$SCKL_ROOT/etc/fstab")
kexec_before=$(cat "$SCKL_ROOT/etc/default/kexec")
snapshot "$snap.before"

# --- 1. the previous release, in use -----------------------------------------
install_version "$SCKL_DEB_PREVIOUS"
[[ $(installed_version) == "$old_version install ok installed" ]] || die "the previous release is not installed"
setup_running_server
grep -q "^UUID=$fake_uuid / ext4 " "$SCKL_ROOT/etc/fstab" || die "the previous release added no root entry to /etc/fstab"
# The admin's hand: a comment and a changed value in sckl.conf (which
# debconf's sync must keep: the file wins), a line of their own in
# /etc/default/kexec and in /etc/fstab.
conf=$SCKL_ROOT/etc/sckl/sckl.conf
sed -i 's/^tries *=.*/tries = 3/' "$conf"
grep -qx 'tries = 3' "$conf" || die "sckl.conf of $old_version has no 'tries =' line to change"
printf '# fleet: rack 7, changed by the admin\n' >> "$conf"
echo '# admin: kexec stays off here' >> "$SCKL_ROOT/etc/default/kexec"
echo 'tmpfs /scratch tmpfs defaults 0 0' >> "$SCKL_ROOT/etc/fstab"
# A boot-state as a confirmed switch leaves it, written by the old version.
target=$(in_chroot sckl status --json | python3 -c 'import json,sys; print(json.load(sys.stdin).get("target") or "")')
[[ -n $target ]] || die "the previous release's status names no target kernel"
in_chroot sckl good >&2 || die "sckl good ($old_version) failed"
for f in etc/sckl/sckl.conf var/lib/sckl/boot-state var/lib/sckl/manifest etc/default/kexec etc/fstab; do
  [[ -f $SCKL_ROOT/$f ]] || die "$old_version left no /$f"
  cp -p "$SCKL_ROOT/$f" "$SCKL_WORK/old.$(basename "$f")"
done

# --- 2. the upgrade -----------------------------------------------------------
install_version "$new_deb"
log "figure: dpkg -i upgrade $old_version -> $new_version wall time: $LAST_INSTALL_SECONDS s"
check "the version under test is installed" test "$(installed_version)" = "$new_version install ok installed"
for f in etc/sckl/sckl.conf var/lib/sckl/boot-state etc/default/kexec etc/fstab; do
  check "/$f is kept byte for byte" cmp -s "$SCKL_WORK/old.$(basename "$f")" "$SCKL_ROOT/$f"
done
# The manifest may gain entries of the new version; every change the old one
# recorded stays (purge undoes them below).
check "every line of the old manifest is in the new one" \
  bash -c "! grep -vxF -f '$SCKL_ROOT/var/lib/sckl/manifest' '$SCKL_WORK/old.manifest' | grep -q ."
status=$(in_chroot sckl status --json) || die "sckl status --json ($new_version) failed after the upgrade"
check "status --json reads the old boot-state: target $target, good" python3 -c '
import json, sys
s = json.loads(sys.argv[1])
sys.exit(0 if s.get("counted_kernel") == sys.argv[2] and s.get("last_result") == "good" else 1)' "$status" "$target"
check "status --json says tries 3 (the admin's value)" python3 -c '
import json, sys; sys.exit(0 if json.loads(sys.argv[1]).get("tries") == 3 else 1)' "$status"
in_chroot sckl check >&2 || log "(sckl check reports failures in a chroot: no kexec there; not a test failure)"

# --- 3. purge after the upgrade ------------------------------------------------
in_chroot dpkg --purge sckl >&2 || die "dpkg --purge after the upgrade failed"
check "purge took out only sckl's lines of /etc/fstab" \
  test "$(cat "$SCKL_ROOT/etc/fstab")" = "$fstab_before"$'\n''tmpfs /scratch tmpfs defaults 0 0'
check "purge restored /etc/default/kexec but for the admin's line" \
  test "$(cat "$SCKL_ROOT/etc/default/kexec")" = "$kexec_before"$'\n''# admin: kexec stays off here'
# The admin's lines are theirs to keep; without them the tree is as before.
printf '%s\n' "$fstab_before" > "$SCKL_ROOT/etc/fstab"
printf '%s\n' "$kexec_before" > "$SCKL_ROOT/etc/default/kexec"
snapshot "$snap.purged"
compare_snapshots "$snap.before" "$snap.purged" "install $old_version + upgrade + purge leaves the tree as before"

# --- 4. the downgrade ----------------------------------------------------------
install_version "$new_deb"
setup_running_server
in_chroot sckl good >&2 || die "sckl good ($new_version) failed"
cp -p "$SCKL_ROOT/var/lib/sckl/boot-state" "$SCKL_WORK/new.boot-state"
cp -p "$SCKL_ROOT/etc/sckl/sckl.conf" "$SCKL_WORK/new.sckl.conf"
rc=0
cp "$SCKL_DEB_PREVIOUS" "$SCKL_ROOT/tmp/sckl-previous.deb"
in_chroot dpkg -i /tmp/sckl-previous.deb >&2 || rc=$?
rm -f "$SCKL_ROOT/tmp/sckl-previous.deb"
check "the downgrade to $old_version works (dpkg -i exit 0)" test "$rc" -eq 0
check "the previous release is installed after the downgrade" \
  test "$(installed_version)" = "$old_version install ok installed"
check "the downgrade keeps boot-state" cmp -s "$SCKL_WORK/new.boot-state" "$SCKL_ROOT/var/lib/sckl/boot-state"
check "the downgrade keeps sckl.conf" cmp -s "$SCKL_WORK/new.sckl.conf" "$SCKL_ROOT/etc/sckl/sckl.conf"
check "the previous release's status reads the state after the downgrade" in_chroot sckl status
in_chroot dpkg --purge sckl >&2 || die "dpkg --purge after the downgrade failed"
snapshot "$snap.purged2"
compare_snapshots "$snap.before" "$snap.purged2" "install + downgrade + purge leaves the tree as before"

host_guard_end
log "figure: release_upgrade ($old_version <-> $new_version) total: $(elapsed "$started") s"
finish_checks
