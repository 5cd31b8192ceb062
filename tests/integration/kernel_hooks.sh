#!/usr/bin/env bash
# Integration test: kernels come and go in a chroot with sckl installed.
#   - an older kernel installed with apt: the hook runs, the target stays the
#     newest (Debian version order, not the last installed);
#   - the newest kernel purged: the postrm hook retargets to the older one;
#   - linux-image-amd64 installed again: the new kernel is the target, and no
#     bootloader came with it;
#   - apt-get install grub-pc is refused (pin), and so is grub-pc=VERSION
#     (the Pre-Install-Pkgs hook names sckl and the override), with nothing
#     half-installed.
# Needs root, SCKL_DEB and the machine's apt sources (apt runs in the chroot).
set -euo pipefail
SCKL_TEST_NAME=kernel_hooks
. "$(dirname "$(readlink -f "$0")")/lib.sh"
need_root
need_deb
host_guard_begin
chroot_setup
install_deb

json_field() {  # json_field KEY: a string field of `sckl status --json`
  in_chroot sckl status --json | grep -o "\"$1\":\"[^\"]*\"" | head -n1 | cut -d'"' -f4
}
kernel_versions() {
  find "$SCKL_ROOT/boot" -maxdepth 1 -name 'vmlinuz-*' -printf '%f\n' | sed 's/^vmlinuz-//' | sort -V
}

base=$(kernel_versions | tail -n1)
[[ -n $base ]] || die "precondition: the base image has no kernel"
abi=$(sed -E 's/^6\.1\.0-([0-9]+)-amd64$/\1/' <<<"$base")
[[ $abi =~ ^[0-9]+$ ]] || die "precondition: unexpected base kernel $base"
older="6.1.0-$((abi - 1))-amd64"
[[ $(json_field target) == "$base" ]] || die "target should be $base, sckl says '$(json_field target)'"
log "ok: target is the installed kernel $base"

# apt inside the chroot: the machine's own sources (mmdebstrap wrote them
# into the tree) and its name service.
cp /etc/resolv.conf "$SCKL_ROOT/etc/resolv.conf"
in_chroot apt-get update -q >&2 || die "apt-get update in the chroot failed"

start=$(date +%s.%N)
out=$(in_chroot apt-get install -y -q "linux-image-$older" 2>&1) || { echo "$out" >&2; die "installing $older failed"; }
log "figure: apt-get install of a kernel package (with initramfs): $(elapsed "$start") s"
grep -q 'sckl:' <<<"$out" || { echo "$out" >&2; die "the kernel hook said nothing"; }
[[ $(json_field target) == "$base" ]] || die "after installing the older $older the target must stay $base"
log "ok: an older kernel installed last does not become the target"

# The hook's own time per kernel.
start=$(date +%s.%N)
in_chroot /etc/kernel/postinst.d/zz-sckl "$older" "/boot/vmlinuz-$older" >&2
log "figure: kernel hook time per kernel install: $(elapsed "$start") s"
in_chroot /etc/kernel/postinst.d/zz-sckl >/dev/null 2>&1 && die "the hook must reject a call without a version" || true

start=$(date +%s.%N)
in_chroot apt-get purge -y -q linux-image-amd64 "linux-image-$base" >&2 || die "purging $base failed"
[[ $(json_field target) == "$older" ]] || die "after purging $base the target should be $older, sckl says '$(json_field target)'"
log "ok: removing the target kernel retargets to $older"

out=$(in_chroot apt-get install -y -q linux-image-amd64 2>&1) || { echo "$out" >&2; die "installing linux-image-amd64 failed"; }
newest=$(kernel_versions | tail -n1)
[[ $(json_field target) == "$newest" ]] || die "after a new kernel landed the target should be $newest"
log "ok: a kernel that lands becomes the target ($newest)"
if in_chroot dpkg-query -W -f='${Status}\n' 'grub-pc' 'grub-efi-amd64' 'grub-cloud-amd64' 2>/dev/null | grep -q 'installed'; then
  die "a bootloader was installed along with the kernel"
fi
log "ok: no bootloader came with the kernel"

if in_chroot apt-get install -y -q grub-pc >"$SCKL_WORK/grub1.log" 2>&1; then
  die "apt-get install grub-pc succeeded"
fi
grep -q 'no installation candidate' "$SCKL_WORK/grub1.log" || { cat "$SCKL_WORK/grub1.log" >&2; die "grub-pc refused for another reason"; }
log "ok: apt-get install grub-pc is refused by the pin"

grub_version=$(in_chroot apt-cache madison grub-pc | awk 'NR == 1 { print $3 }')
[[ -n $grub_version ]] || die "precondition: the archive has no grub-pc"
if in_chroot apt-get install -y -q "grub-pc=$grub_version" >"$SCKL_WORK/grub2.log" 2>&1; then
  die "apt-get install grub-pc=$grub_version succeeded"
fi
grep -q 'refused to install grub-pc' "$SCKL_WORK/grub2.log" && grep -q 'Sckl::Allow-Grub=true' "$SCKL_WORK/grub2.log" \
  || { cat "$SCKL_WORK/grub2.log" >&2; die "the refusal does not name sckl's override"; }
if in_chroot dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' 2>/dev/null | grep -E '^.[^n]. +grub'; then
  die "a grub package is (half-)installed after the refusal"
fi
log "ok: grub-pc=$grub_version is refused by the hook, nothing half-installed"

in_chroot dpkg --purge sckl >&2 || die "dpkg --purge sckl failed"
[[ ! -e $SCKL_ROOT/etc/apt/preferences.d/sckl-no-grub && ! -e $SCKL_ROOT/etc/apt/apt.conf.d/50sckl-refuse-grub ]] \
  || die "purge left the grub pin or hook"
[[ ! -e $SCKL_ROOT/etc/kernel/postinst.d/zz-sckl ]] || die "purge left the kernel hook"
log "ok: purge removes the grub pin, the apt hook and the kernel hooks"
host_guard_end
log "PASS"
