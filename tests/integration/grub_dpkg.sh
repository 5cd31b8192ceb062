#!/usr/bin/env bash
# Integration test: a grub-pc that arrives with `dpkg -i` (which neither the
# APT pin nor the Pre-Install-Pkgs hook sees) writes itself to no disk and
# asks nothing, thanks to sckl's debconf presets; purge takes them back.
#   - control, without sckl: with a core.img left in /boot/grub (an image
#     that grub booted once), a non-interactive `dpkg -i grub-pc` fails with
#     "You must correct your GRUB install devices": the case is live here;
#   - sckl installed and purged: debconf's databases are byte-identical;
#   - sckl installed, then grub-pc with `dpkg -i`, through a frontend that
#     would ask at priority medium: it configures, no question is shown,
#     grub-install runs for no device, the leftover core.img is untouched;
#   - sckl purged: sckl owns none of the questions any more, grub-pc keeps
#     the answers it was configured with.
# The chroot has a private /dev: there is no disk to write to in any case.
# Needs root, SCKL_DEB and the machine's apt sources (apt runs in the chroot).
set -euo pipefail
SCKL_TEST_NAME=grub_dpkg
. "$(dirname "$(readlink -f "$0")")/lib.sh"
need_root
need_deb
host_guard_begin
chroot_setup

GRUB_PKGS=(grub-common grub2-common grub-pc-bin grub-pc)
CORE=/boot/grub/i386-pc/core.img

# grub-pc's postinst skips grub-install altogether in a container: the test
# would prove nothing there.
if in_chroot systemd-detect-virt --quiet --container; then
  die "precondition: the chroot looks like a container to systemd-detect-virt; grub-pc would skip grub-install"
fi

cp /etc/resolv.conf "$SCKL_ROOT/etc/resolv.conf"
in_chroot apt-get update -q >&2 || die "apt-get update in the chroot failed"
version=$(in_chroot apt-cache madison grub-pc | awk 'NR == 1 { print $3 }')
[[ -n $version ]] || die "precondition: the archive has no grub-pc"
mkdir "$SCKL_ROOT/tmp/grub"
specs=()
for p in "${GRUB_PKGS[@]}"; do specs+=("$p=$version"); done
# `apt-get download` with a version: the download does not go through sckl's pin.
in_chroot sh -c 'cd /tmp/grub && exec apt-get download -q "$@"' sh "${specs[@]}" >&2 \
  || die "apt-get download of ${specs[*]} failed"
debs=()
for p in "${GRUB_PKGS[@]}"; do
  f=$(cd "$SCKL_ROOT/tmp/grub" && ls "${p}_"*.deb)
  debs+=("/tmp/grub/$f")
done
# Their dependencies other than grub itself come with apt (sckl is not
# installed yet; later apt is not needed again).
mapfile -t deps < <(for d in "${debs[@]}"; do in_chroot dpkg-deb -f "$d" Pre-Depends Depends; done \
  | sed 's/^[A-Za-z-]*: //' | tr ',' '\n' | sed -E 's/\(.*//; s/\|.*//; s/[[:space:]]//g' | grep -v '^grub' | grep . | sort -u)
in_chroot apt-get install -y -q --no-install-recommends "${deps[@]}" >&2 || die "installing grub's dependencies failed"
log "grub $version and its dependencies (${deps[*]}) are ready"

# What an image that grub booted once keeps after grub is removed.
mkdir -p "$SCKL_ROOT${CORE%/*}"
printf 'core.img left by an earlier grub\n' > "$SCKL_ROOT$CORE"
core_sha=$(sha256sum < "$SCKL_ROOT$CORE")

grub_questions() {  # names of grub's questions in debconf's database
  grep -E '^Name: grub(-pc|2)/' "$SCKL_ROOT/var/cache/debconf/config.dat" | cut -d' ' -f2 || true
}

# --- control: without sckl the case fails -----------------------------------
if in_chroot dpkg -i "${debs[@]}" >"$SCKL_WORK/control.log" 2>&1; then
  cat "$SCKL_WORK/control.log" >&2
  die "control: grub-pc configured without sckl's presets; the case below would prove nothing"
fi
grep -q 'You must correct your GRUB install devices' "$SCKL_WORK/control.log" \
  || { cat "$SCKL_WORK/control.log" >&2; die "control: grub-pc failed for another reason"; }
log "ok: control: without sckl, dpkg -i grub-pc fails non-interactively (no install device answer)"
in_chroot dpkg --purge "${GRUB_PKGS[@]}" >&2 || die "control: purging grub failed"
[[ -z $(grub_questions) ]] || die "control: grub's purge left questions: $(grub_questions | tr '\n' ' ')"
[[ -f $SCKL_ROOT$CORE ]] || printf 'core.img left by an earlier grub\n' > "$SCKL_ROOT$CORE"

# --- install + purge of sckl leaves debconf as it was -----------------------
db_sums() { (cd "$SCKL_ROOT/var/cache/debconf" && sha256sum config.dat templates.dat); }
before=$(db_sums)
install_deb
shown=$(in_chroot debconf-show sckl)
for q in 'grub-pc/install_devices:' 'grub-pc/install_devices_empty: true' 'grub2/linux_cmdline:' \
         'grub2/linux_cmdline_default: quiet'; do
  # debconf-show marks a seen question with '*'.
  grep -qxF "* $q" <<<"$shown" || { echo "$shown" >&2; die "after install: '$q' (seen) missing from debconf-show sckl"; }
done
log "ok: sckl preset grub's questions (debconf-show sckl)"
in_chroot dpkg --purge sckl >&2 || die "dpkg --purge sckl failed"
[[ $(db_sums) == "$before" ]] || die "install + purge of sckl changed debconf's databases: grub questions now: $(grub_questions | tr '\n' ' ')"
log "ok: install + purge of sckl leaves debconf's databases byte-identical"

# --- sckl installed: grub-pc with dpkg -i installs to no device -------------
install_deb
# A frontend that shows questions down to priority medium (grub-pc's config
# asks the command lines at medium, its postinst the devices at high and
# critical), with nothing to read: any question shown is a failure. The
# developer log shows every INPUT and debconf's reply.
start=$(date +%s.%N)
if ! in_chroot env DEBIAN_FRONTEND=teletype DEBIAN_PRIORITY=medium DEBCONF_DEBUG=developer \
     dpkg -i "${debs[@]}" </dev/null >"$SCKL_WORK/grub.log" 2>&1; then
  cat "$SCKL_WORK/grub.log" >&2
  die "dpkg -i grub-pc failed with sckl installed"
fi
log "figure: dpkg -i of ${GRUB_PKGS[*]} with sckl's presets: $(elapsed "$start") s"
# The frontend must be the asking one, not a fallback that never asks.
if grep -i 'falling back to frontend' "$SCKL_WORK/grub.log"; then die "debconf did not use the teletype frontend"; fi
status=$(in_chroot dpkg-query -W -f='${Status}' grub-pc)
[[ $status == 'install ok installed' ]] || die "grub-pc is '$status'"
if grep -q -- '--> 0 question will be asked' "$SCKL_WORK/grub.log"; then
  grep -B1 -- '--> 0 question will be asked' "$SCKL_WORK/grub.log" >&2
  die "grub-pc asked a question"
fi
# The device path of grub-pc's postinst ran (core.img present) and met the answers.
for q in grub-pc/install_devices grub-pc/install_devices_empty grub2/linux_cmdline grub2/linux_cmdline_default; do
  grep -A1 -E -- "<-- INPUT [a-z]+ $q\$" "$SCKL_WORK/grub.log" | grep -q -- '--> 30 question skipped' \
    || { cat "$SCKL_WORK/grub.log" >&2; die "no skipped INPUT of $q: the preset was not met"; }
done
grep -q 'grub-pc: Running grub-install' "$SCKL_WORK/grub.log" \
  || { cat "$SCKL_WORK/grub.log" >&2; die "grub-pc's postinst did not take its device path"; }
if grep -E 'grub-install (success|failure) for|Installing for i386-pc platform' "$SCKL_WORK/grub.log"; then
  die "grub-install ran for a device"
fi
[[ $(sha256sum < "$SCKL_ROOT$CORE") == "$core_sha" ]] || die "$CORE changed: grub-install ran"
log "ok: dpkg -i grub-pc: configured, nothing asked (priority medium), grub-install ran for no device, $CORE untouched"
shown=$(in_chroot debconf-show grub-pc)
grep -qxF '* grub-pc/install_devices:' <<<"$shown" && grep -qxF '* grub-pc/install_devices_empty: true' <<<"$shown" \
  || { echo "$shown" >&2; die "debconf-show grub-pc does not show the presets"; }
log "ok: debconf-show grub-pc shows the presets"

# --- purge sckl: its preset goes, grub-pc's answers stay -------------------
in_chroot dpkg --purge sckl >&2 || die "dpkg --purge sckl failed"
owners=$(awk '/^Name: grub(-pc|2)\// { n = $2 } /^Owners:/ && n { print n " " $0; n = "" }' \
  "$SCKL_ROOT/var/cache/debconf/config.dat")
if grep -q sckl <<<"$owners"; then echo "$owners" >&2; die "sckl still owns a grub question after purge"; fi
[[ -z $(in_chroot debconf-show sckl 2>/dev/null) ]] || die "debconf-show sckl is not empty after purge"
grep -qxF '* grub-pc/install_devices_empty: true' <<<"$(in_chroot debconf-show grub-pc)" \
  || die "grub-pc lost the answer it was configured with"
log "ok: purge: sckl owns no grub question, grub-pc keeps its answers"
host_guard_end
log "PASS"
