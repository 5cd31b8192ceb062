#!/usr/bin/env bash
# Integration test: dpkg's error unwinding through sckl's real (compiled)
# maintainer scripts, end to end in a fresh bookworm chroot (issue 16 part 5).
# Versions that fail are made from the .deb under test by repacking it
# (dpkg-deb -R / -b) with one control script replaced by a small shell
# script; nothing in the shipped binaries knows about this test.
#   1. a first install whose preinst fails: dpkg runs our postrm abort-install;
#   2. an upgrade whose new preinst fails: dpkg runs our new postrm
#      abort-upgrade OLD NEW and our old postinst abort-upgrade NEW, and the
#      old version stays configured;
#   3. an upgrade whose postinst fails once: the package is left
#      half-configured and `dpkg --configure -a` finishes it with our postinst;
# then a purge leaves the tree as before step 1. Every call dpkg makes into
# our scripts must succeed (dpkg -D2 shows them).
# Needs root and SCKL_DEB (path of the .deb).
set -euo pipefail
SCKL_TEST_NAME=maint_unwind
. "$(dirname "$(readlink -f "$0")")/lib.sh"
need_root
need_deb
host_guard_begin
chroot_setup
snap=$SCKL_WORK/snap
started=$(date +%s.%N)

base_version=$(dpkg-deb -f "$SCKL_DEB" Version)

# repack VERSION SCRIPT SHELL-TEXT: prints the path of a copy of the .deb with
# version VERSION whose control script SCRIPT is SHELL-TEXT. The original
# script goes into the data part as /usr/lib/sckl-unwind-test/SCRIPT so that
# the replacement can run it (only scripts that run after the unpack can).
repack() {
  local version=$1 script=$2 text=$3 dir=$SCKL_WORK/repack-$1
  rm -rf "$dir"
  dpkg-deb -R "$SCKL_DEB" "$dir"
  mkdir -p "$dir/usr/lib/sckl-unwind-test"
  mv "$dir/DEBIAN/$script" "$dir/usr/lib/sckl-unwind-test/$script"
  printf '%s\n' "$text" > "$dir/DEBIAN/$script"
  chmod 0755 "$dir/DEBIAN/$script"
  sed -i "s/^Version: .*/Version: $version/" "$dir/DEBIAN/control"
  # md5sums must list the added file, or dpkg --verify would flag it.
  (cd "$dir" && md5sum usr/lib/sckl-unwind-test/"$script" >> DEBIAN/md5sums)
  dpkg-deb --root-owner-group -b "$dir" "$SCKL_WORK/sckl_${version}.deb" >/dev/null
  printf '%s\n' "$SCKL_WORK/sckl_${version}.deb"
}

# dpkg_in_chroot LOG ARGS...: dpkg -D2 (maintainer script calls) in the
# chroot; its output goes to LOG and stderr; returns dpkg's exit code.
dpkg_in_chroot() {
  local out=$1; shift
  set +e
  in_chroot dpkg -D2 "$@" > "$out" 2>&1
  local rc=$?
  set -e
  sed 's/^/    dpkg: /' "$out" >&2
  return "$rc"
}

# called LOG SCRIPT ACTION ARGS...: dpkg ran our SCRIPT with exactly these
# arguments ("D000002: fork/exec /var/lib/dpkg/.../postrm ( abort-upgrade 1 2 )").
called() {
  local out=$1 script=$2; shift 2
  grep -qE "fork/exec [^ ]*[./]$script \( $* \)" "$out"
}
# called_with_prefix LOG SCRIPT ACTION: dpkg ran SCRIPT with ACTION first.
called_with_prefix() {
  grep -qE "fork/exec [^ ]*[./]$2 \( $3( [^)]*)? \)" "$1"
}

# No script of ours failed or was refused.
no_script_failed() {
  ! grep -qE 'returned error exit status|subprocess .* (killed|dumped)' "$1"
}

status_of() { in_chroot dpkg-query -W -f='${Status} ${Version}' sckl 2>/dev/null || true; }

bad_preinst=$(repack "$base_version+unwind1" preinst '#!/bin/sh
# Test package: the preinst of this version fails for install and upgrade.
case "$1" in
  install|upgrade) echo "sckl unwind test: preinst $* fails on purpose" >&2; exit 1 ;;
esac
exit 0')
fail_once_postinst=$(repack "$base_version+unwind2" postinst '#!/bin/sh
# Test package: configure fails once while /run/sckl-unwind-test-fail-once
# exists, then hands over to the real postinst.
if [ "$1" = configure ] && [ -e /run/sckl-unwind-test-fail-once ]; then
  rm -f /run/sckl-unwind-test-fail-once
  echo "sckl unwind test: postinst $* fails on purpose, once" >&2
  exit 1
fi
exec /usr/lib/sckl-unwind-test/postinst "$@"')

snapshot "$snap.before"
cp "$bad_preinst" "$fail_once_postinst" "$SCKL_ROOT/tmp/"
bad_preinst=/tmp/$(basename "$bad_preinst")
fail_once_postinst=/tmp/$(basename "$fail_once_postinst")

# 1. A first install whose preinst fails.
log "1. first install of $base_version+unwind1 (preinst install fails)"
if dpkg_in_chroot "$SCKL_WORK/1.log" -i "$bad_preinst"; then die "dpkg -i of a failing preinst succeeded"; fi
check "our postrm abort-install ran" called_with_prefix "$SCKL_WORK/1.log" postrm abort-install
check "no script of ours failed in the abort-install unwinding" \
  bash -c "! grep -E 'post-removal script .*returned error' '$SCKL_WORK/1.log'"
check "sckl is not installed after the failed install ($(status_of))" \
  bash -c "[[ '$(status_of)' != *' installed '* && '$(status_of)' != *'half-installed'* ]]"

# 2. An upgrade whose new preinst fails.
log "2. install $base_version, then upgrade to $base_version+unwind1 (preinst upgrade fails)"
install_deb
[[ $(status_of) == "install ok installed $base_version" ]] || die "sckl $base_version is not installed: $(status_of)"
snapshot "$snap.configured"
if dpkg_in_chroot "$SCKL_WORK/2.log" -i "$bad_preinst"; then die "an upgrade with a failing preinst succeeded"; fi
check "our new postrm ran abort-upgrade OLD NEW" \
  called "$SCKL_WORK/2.log" postrm "abort-upgrade $base_version $base_version\\+unwind1"
check "our old postinst ran abort-upgrade NEW" \
  called "$SCKL_WORK/2.log" postinst "abort-upgrade $base_version\\+unwind1"
check "no script of ours failed in the abort-upgrade unwinding" \
  bash -c "! grep -E '(post-removal|post-installation|pre-removal) script .*returned error' '$SCKL_WORK/2.log'"
check "the old version is still configured ($(status_of))" \
  test "$(status_of)" = "install ok installed $base_version"
snapshot "$snap.unwound"
# dpkg's own records of the attempt differ; sckl's files and everything else must not.
grep -v '^/var/lib/dpkg/' "$snap.configured" > "$snap.configured.nodpkg"
grep -v '^/var/lib/dpkg/' "$snap.unwound" > "$snap.unwound.nodpkg"
compare_snapshots "$snap.configured.nodpkg" "$snap.unwound.nodpkg" \
  "an upgrade whose preinst failed leaves the configured system as it was"

# 3. An upgrade whose postinst fails once, finished by dpkg --configure -a.
log "3. upgrade to $base_version+unwind2 (postinst configure fails once), then dpkg --configure -a"
touch "$SCKL_ROOT/run/sckl-unwind-test-fail-once"
if dpkg_in_chroot "$SCKL_WORK/3.log" -i "$fail_once_postinst"; then die "an upgrade with a failing postinst succeeded"; fi
check "sckl is half-configured after the failed configure ($(status_of))" \
  test "$(status_of)" = "install ok half-configured $base_version+unwind2"
dpkg_in_chroot "$SCKL_WORK/3b.log" --configure -a || die "dpkg --configure -a failed"
check "our postinst ran configure OLD in dpkg --configure -a" \
  grep -q "sckl.postinst ( configure $base_version )" "$SCKL_WORK/3b.log"
check "dpkg --configure -a finished the upgrade ($(status_of))" \
  test "$(status_of)" = "install ok installed $base_version+unwind2"
check "sckl is set up after dpkg --configure -a" grep -qx 'LOAD_KEXEC=false' "$SCKL_ROOT/etc/default/kexec"
check "dpkg --audit reports nothing" bash -c "[[ -z \$(chroot '$SCKL_ROOT' dpkg --audit 2>&1) ]]"

in_chroot dpkg --purge sckl >&2 || die "dpkg --purge failed"
rm -f "$SCKL_ROOT$bad_preinst" "$SCKL_ROOT$fail_once_postinst"
snapshot "$snap.purged"
compare_snapshots "$snap.before" "$snap.purged" "failed install, failed upgrade, interrupted configure and purge leave the tree as before"
host_guard_end
log "figure: maint_unwind wall time: $(elapsed "$started") s"

finish_checks
