#!/usr/bin/env bash
# Integration test: what apt says and does about bootloaders on a server with
# sckl, and apt after `apt remove sckl`.
#   - `apt install grub-pc` and `apt-get install grub-pc` fail (sckl's pin
#     leaves apt's own "has no installation candidate") and their output
#     names sckl, the reason in one sentence and the one override, with the
#     version apt has;
#   - `apt install grub-pc=VERSION` (past the pin) is refused by the
#     Pre-Install-Pkgs hook, said once;
#   - the override exactly as printed installs grub-pc (end to end);
#   - `apt remove sckl` (no purge), with the admin's edits in both of sckl's
#     apt files and without: a kernel install and `apt install grub-pc` work
#     afterwards (before the fix, an edited 50sckl-refuse-grub stayed and
#     named a deleted program: every apt install failed);
#   - purge leaves none of sckl's apt files, edited copies included.
# Facts relied on (../shared/FACTS.md):
#   - "Hooks and apt": a pin with Pin-Priority -1 makes `apt-get install
#     grub-pc` fail, but `grub-pc=VERSION` goes through the pin, hence the
#     Pre-Install-Pkgs hook (stdin: VERSION line, config, blank, actions);
#   - "apt's output": with the pin alone apt prints "has no installation
#     candidate" and exits 100, nothing names sckl; apt runs JSON hooks
#     (AptCli::Hooks::Install, org.debian.apt.hooks.install.fail) when an
#     install cannot be resolved: the route of sckl's notice.
# Needs root, SCKL_DEB and the machine's apt sources (apt runs in the chroot).
set -euo pipefail
SCKL_TEST_NAME=apt_grub
. "$(dirname "$(readlink -f "$0")")/lib.sh"
need_root
need_deb
host_guard_begin
test_start=$(date +%s.%N)
chroot_setup

HOOK_CONF=/etc/apt/apt.conf.d/50sckl-refuse-grub
PIN=/etc/apt/preferences.d/sckl-no-grub

cp /etc/resolv.conf "$SCKL_ROOT/etc/resolv.conf"
in_chroot apt-get update -q >&2 || die "apt-get update in the chroot failed"
version=$(in_chroot apt-cache madison grub-pc | awk 'NR == 1 { print $3 }')
[[ -n $version ]] || die "precondition: the archive has no grub-pc"
install_deb

# run NAME CMD...: CMD in the chroot, output in $SCKL_WORK/NAME.log, exit code in rc.
run() {
  local name=$1; shift
  rc=0
  in_chroot "$@" >"$SCKL_WORK/$name.log" 2>&1 </dev/null || rc=$?
  sed "s/^/  $name| /" "$SCKL_WORK/$name.log" >&2
}
has() { grep -qF -- "$2" "$SCKL_WORK/$1.log"; }
installed() { [[ $(in_chroot dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null) == ii* ]]; }

reason="this server is booted by its provider's kernel and sckl switches into the kernel on its disk"
override="apt -o Sckl::Allow-Grub=true install grub-pc=$version"

# --- refused, and apt's output says why ---------------------------------------
for tool in apt apt-get; do
  run "$tool-grub" "$tool" install -y grub-pc
  [[ $rc -ne 0 ]] || die "$tool install grub-pc succeeded with sckl installed"
  has "$tool-grub" "has no installation candidate" || die "$tool: not the pin's failure"
  has "$tool-grub" "sckl: refused to install grub-pc: $reason" || die "$tool's output does not name sckl and the reason"
  has "$tool-grub" "sckl: to install it anyway: $override" || die "$tool's output does not show the override"
  installed grub-pc && die "$tool installed grub-pc"
  log "ok: $tool install grub-pc: exit $rc, apt's output names sckl, the reason and '$override'"
done

run grub-version apt install -y "grub-pc=$version"
[[ $rc -ne 0 ]] || die "apt install grub-pc=$version succeeded without the override"
has grub-version "sckl: error: refused to install grub-pc: $reason" || die "the Pre-Install-Pkgs hook's refusal is missing"
has grub-version "To install it anyway: $override" || die "the Pre-Install-Pkgs hook does not show the override"
[[ $(grep -c 'refused to install grub-pc' "$SCKL_WORK/grub-version.log") -eq 1 ]] || die "the refusal is told more than once"
installed grub-pc && die "grub-pc got installed past the hook"
log "ok: apt install grub-pc=$version: refused once by the Pre-Install-Pkgs hook, with the override"

# --- the override, exactly as printed ---------------------------------------
printed=$(sed -n 's/^sckl: to install it anyway: //p' "$SCKL_WORK/apt-grub.log" | head -1)
start=$(date +%s.%N)
# shellcheck disable=SC2086 # the printed command, split into words as a shell would
run override $printed -y
[[ $rc -eq 0 ]] || die "the printed override '$printed' failed"
installed grub-pc || die "the override did not install grub-pc"
has override "installing grub-pc because Sckl::Allow-Grub is set" || die "the hook did not say it let grub-pc through"
log "ok: '$printed' installs grub-pc ($(elapsed "$start") s)"
run purge-grub apt purge -y grub-pc grub-pc-bin
[[ $rc -eq 0 ]] || die "purging grub-pc failed"

# --- apt remove sckl, with the admin's edits, then apt keeps working --------
printf '// the admin was here\nDebug::NoLocking "false";\n' >> "$SCKL_ROOT$HOOK_CONF"
printf '\n# the admin was here\nPackage: lilo\nPin: release *\nPin-Priority: -1\n' >> "$SCKL_ROOT$PIN"
hook_edit=$(sha256sum < "$SCKL_ROOT$HOOK_CONF")
run remove-edited apt remove -y sckl
[[ $rc -eq 0 ]] || die "apt remove sckl failed"
[[ ! -e $SCKL_ROOT$HOOK_CONF && ! -e $SCKL_ROOT$PIN ]] || die "remove left an edited apt file where apt reads it"
[[ $(sha256sum < "$SCKL_ROOT$HOOK_CONF.disabled") == "$hook_edit" ]] || die "the admin's edit was not kept as $HOOK_CONF.disabled"
has remove-edited "$HOOK_CONF.disabled" || die "remove did not name where the edit went"
if grep -rl --exclude='*.disabled' /usr/lib/sckl "$SCKL_ROOT/etc/apt/apt.conf.d"; then
  die "apt's configuration still names sckl's programs"
fi
check_apt_works() {
  local what=$1
  start=$(date +%s.%N)
  run "kernel-$what" apt install -y linux-image-cloud-amd64
  [[ $rc -eq 0 ]] || die "$what: apt install of a kernel failed after apt remove sckl"
  installed linux-image-cloud-amd64 || die "$what: the kernel is not installed"
  run "grub-$what" apt install -y grub-pc
  [[ $rc -eq 0 ]] || die "$what: apt install grub-pc failed after apt remove sckl"
  installed grub-pc || die "$what: grub-pc is not installed"
  log "ok: $what: after apt remove sckl, apt install of a kernel and of grub-pc work ($(elapsed "$start") s)"
  local cloud
  cloud=$(in_chroot dpkg-query -W -f='${Package}\n' 'linux-image-*-cloud-amd64')
  # shellcheck disable=SC2086 # one package name per word
  run "clean-$what" apt purge -y grub-pc grub-pc-bin linux-image-cloud-amd64 $cloud
  [[ $rc -eq 0 ]] || die "$what: cleaning up failed"
}
check_apt_works "with edits"

# --- again without an edit ---------------------------------------------------
install_deb
[[ -f $SCKL_ROOT$HOOK_CONF && -f $SCKL_ROOT$PIN ]] || die "reinstall did not write sckl's apt files"
run remove-plain apt remove -y sckl
[[ $rc -eq 0 ]] || die "apt remove sckl failed"
[[ ! -e $SCKL_ROOT$HOOK_CONF && ! -e $SCKL_ROOT$PIN ]] || die "remove left sckl's apt files"
check_apt_works "without edits"

# --- purge: no apt file of sckl is left --------------------------------------
run purge apt purge -y sckl
[[ $rc -eq 0 ]] || die "apt purge sckl failed"
left=$(find "$SCKL_ROOT/etc/apt" -name '*sckl*')
[[ -z $left ]] || die "purge left: $left"
log "ok: purge leaves no apt file of sckl (the set-aside edits included)"
host_guard_end
log "figure: apt_grub total: $(elapsed "$test_start") s"
log "PASS"
