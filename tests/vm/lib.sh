# shellcheck shell=bash disable=SC2034 # VM_* results are for the caller
# VM harness of the sckl tests (sourced, not run; root; Debian 12 host).
#
# A Debian 12 guest on a raw ext4 disk (no partition table, no bootloader) is
# booted by qemu (TCG only) either with the disk's own kernel or with a
# "provider kernel" that lives outside the disk, like a VPS booted by its
# hypervisor. Results come back on the serial console as SCKL-REPORT lines
# written by a unit inside the guest, and from files read offline out of the
# disk image (debugfs: no mount needed).
#
# Functions (details above each one):
#   vm_install_tools                   apt-get the host tools when missing
#   vm_build_image                     cached guest; sets VM_IMAGE VM_TREE
#                                      VM_DISK_KVER VM_DISK_KERNEL VM_DISK_INITRD
#   vm_provider_kernel                 cached outside kernel; sets
#                                      VM_PROVIDER_KVER VM_PROVIDER_KERNEL
#                                      VM_PROVIDER_INITRD
#   vm_provider_kernel_generic         the same, generic flavour (watchdog
#                                      drivers); also VM_PROVIDER_MODULES
#   vm_put_provider_modules DISK       its modules into the image
#   vm_disk_copy DST                   a private, writable copy of VM_IMAGE
#   vm_boot DISK [options]             boot, collect SCKL-REPORT lines
#   vm_report_get LINE KEY             one field of a report line
#   vm_put / vm_get / vm_cat / vm_exists / vm_rm / vm_mkdir / vm_symlink /
#   vm_ls / vm_debugfs                 offline file access into a disk image
#   vm_poweroff_when DISK COND...      tell the guest when to power off
#   vm_once DISK NAME SCRIPT           run SCRIPT once inside the guest at boot
#   vm_initramfs_fast DISK             MODULES=dep for in-guest initrd builds
#   vm_image_chroot DISK CMD...        run CMD in the image (loop mount, chroot)
#
# Safety: qemu runs with -accel tcg (the host's /dev/kvm does not work) and a
# user-mode network with restrict=on; chroots get a private /dev and /proc and
# run without CAP_SYS_BOOT; the host's /etc, /boot and kexec state are never
# touched. The guest never reboots under this harness (qemu -no-reboot makes a
# reboot end the run): Debian's kexec-tools only kexecs on reboot, so with its
# default LOAD_KEXEC=true left in place, nothing kexecs unless a test asks.

set -euo pipefail
# shellcheck source=tests/chroot-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../chroot-lib.sh"

SCKL_VM_CACHE=${SCKL_VM_CACHE:-/var/cache/sckl-tests/vm}
# The guest's Debian release: bookworm (Debian 12, the default) or trixie
# (Debian 13). Its images are cached apart: bookworm's in $SCKL_VM_CACHE
# itself, any other release's in $SCKL_VM_CACHE/RELEASE/ (each cache level
# drops only its own outdated images). The provider kernel is bookworm's 6.1
# cloud kernel for every release: a provider with an older kernel.
SCKL_VM_RELEASE=${SCKL_VM_RELEASE:-bookworm}
case $SCKL_VM_RELEASE in
  bookworm | trixie) ;;
  *) printf 'tests/vm/lib.sh: SCKL_VM_RELEASE=%s: known releases are bookworm and trixie\n' "$SCKL_VM_RELEASE" >&2; exit 2 ;;
esac
SCKL_VM_SUITE=$SCKL_VM_RELEASE
if [[ $SCKL_VM_RELEASE == bookworm ]]; then SCKL_VM_IMAGES=$SCKL_VM_CACHE; else SCKL_VM_IMAGES=$SCKL_VM_CACHE/$SCKL_VM_RELEASE; fi
SCKL_VM_INCLUDE=systemd-sysv,udev,kexec-tools,initramfs-tools,linux-image-amd64,iproute2,ifupdown,isc-dhcp-client,zstd
# The name the first virtio NIC gets on qemu's PCI layout (measured: ens3
# under the provider (cloud) kernel and under the disk's kernel).
SCKL_VM_NIC=${SCKL_VM_NIC:-ens3}
SCKL_VM_DISK_SIZE=${SCKL_VM_DISK_SIZE:-3G}
SCKL_VM_HOSTNAME=sckl-test

vm_log() { printf '%s: %s\n' "${SCKL_TEST_NAME:-sckl-vm}" "$*" >&2; }
vm_die() { vm_log "FAIL: $*"; exit 1; }
vm_elapsed() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }

vm_need_root() { [[ $(id -u) -eq 0 ]] || vm_die "must run as root (mmdebstrap, chroot, mknod)"; }

# Installs the host tools this harness needs when one is missing (a fresh
# machine). Preseeds kexec-tools first: should anything pull it in here, it
# must not arm kexec for this machine's next reboot.
vm_install_tools() {
  local missing=() c
  for c in qemu-system-x86_64:qemu-system-x86 qemu-img:qemu-utils mmdebstrap:mmdebstrap \
           debugfs:e2fsprogs mkfs.ext4:e2fsprogs setpriv:util-linux flock:util-linux; do
    command -v "${c%%:*}" >/dev/null || missing+=("${c#*:}")
  done
  [[ -e /usr/share/keyrings/debian-archive-keyring.gpg ]] || missing+=(debian-archive-keyring)
  ((${#missing[@]})) || return 0
  vm_log "installing ${missing[*]}"
  echo "kexec-tools kexec-tools/load_kexec boolean false" | debconf-set-selections
  DEBIAN_FRONTEND=noninteractive apt-get update >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >&2
}

# The machine's own apt sources (tests/chroot-lib.sh). A wrapper: the image's
# cache key hashes the recipe's text, which calls this name.
_vm_apt_sources() { apt_sources_for "$SCKL_VM_SUITE"; }

# flock on a cache-wide lock, so that parallel tests build once.
_vm_lock() { mkdir -p "$SCKL_VM_CACHE"; exec {_vm_lockfd}>"$SCKL_VM_CACHE/.lock"; flock "$_vm_lockfd"; }
_vm_unlock() { exec {_vm_lockfd}>&-; }

# --- chroot helpers (private /dev, no CAP_SYS_BOOT) --------------------------

# _vm_chroot_mount ROOT: private /dev (tmpfs + mknod) and /proc in ROOT.
_vm_chroot_mount() { chroot_mount_private "$1" sckl-vm; }

# _vm_chroot_umount ROOT: kills our processes rooted there, unmounts all
# mounts at or below ROOT (deepest first).
_vm_chroot_umount() {
  local root=$1 p r m
  for p in /proc/[0-9]*; do
    r=$(readlink "$p/root" 2>/dev/null) || continue
    if [[ $r == "$root" || $r == "$root"/* ]]; then kill -KILL "${p#/proc/}" 2>/dev/null || true; fi
  done
  while read -r m; do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || vm_log "could not unmount $m"
  done < <(awk -v r="$root" '$2 == r || index($2, r "/") == 1 { print $2 }' /proc/self/mounts | sort -r)
}

# _vm_in_chroot ROOT CMD...: CMD in ROOT, clean environment, no CAP_SYS_BOOT.
_vm_in_chroot() { chroot_run "$@"; }

# --- the guest image -----------------------------------------------------------

# Files added to the mmdebstrap tree (no chroot needed). Part of the cache key.
_vm_customize_tree() {
  local t=$1
  echo "$SCKL_VM_HOSTNAME" > "$t/etc/hostname"
  printf '127.0.0.1\tlocalhost\n127.0.1.1\t%s\n::1\tlocalhost ip6-localhost ip6-loopback\n' \
    "$SCKL_VM_HOSTNAME" > "$t/etc/hosts"
  # The NIC by the name the provider kernel gives it.
  mkdir -p "$t/etc/network/interfaces.d"
  cat > "$t/etc/network/interfaces" <<EOF
source /etc/network/interfaces.d/*

auto lo
iface lo inet loopback

auto $SCKL_VM_NIC
iface $SCKL_VM_NIC inet dhcp
EOF
  # fstab stays "# UNCONFIGURED FSTAB FOR BASE SYSTEM" on purpose (sckl
  # fixes it); /etc/default/kexec stays at kexec-tools' default.

  mkdir -p "$t/etc/sckl-test/once.d" "$t/var/lib/sckl-test"
  cat > "$t/usr/local/sbin/sckl-test-report" <<'EOF'
#!/bin/sh
# SCKL test harness: one SCKL-REPORT line on the serial console (and appended
# to /var/lib/sckl-test/reports.log when / is writable), then a power-off
# when /proc/cmdline has sckl.test.poweroff or a line of
# /etc/sckl-test/poweroff matches:
#   always | kernel=GLOB (uname -r) | cmdline=WORD | count=N (N-th report in
#   reports.log, this one included) ; lines starting with # are ignored.
set -u
out=/dev/ttyS0
log=/var/lib/sckl-test/reports.log
kernel=$(uname -r)
cmdline=$(cat /proc/cmdline)
rootrw=no
if awk '$2 == "/" && $4 ~ /(^|,)rw(,|$)/ { ok = 1 } END { exit !ok }' /proc/self/mounts; then rootrw=yes; fi
nics=$(for d in /sys/class/net/*; do n=${d##*/}; [ "$n" = lo ] || printf '%s,' "$n"; done)
nics=${nics%,}
ip=no
if ip -4 -o addr show scope global 2>/dev/null | grep -q inet; then ip=yes; fi
boot_id=$(cat /proc/sys/kernel/random/boot_id)
failed=$(systemctl --failed --plain --no-legend 2>/dev/null | awk '{ printf "%s%s", s, $1; s = "," }')
seq=ro
if [ "$rootrw" = yes ] && mkdir -p "${log%/*}" 2>/dev/null; then
  seq=$(( $(cat "$log" 2>/dev/null | wc -l) + 1 ))
fi
line="SCKL-REPORT seq=$seq kernel=$kernel rootrw=$rootrw nic=${nics:-none} ip=$ip boot_id=$boot_id failed=${failed:-none} cmdline=$cmdline"
if [ "$seq" != ro ]; then echo "$line" >> "$log" && sync "$log" 2>/dev/null; fi
echo "$line" > "$out"
echo "$line"

off=no
for w in $cmdline; do [ "$w" = sckl.test.poweroff ] && off=yes; done
if [ -f /etc/sckl-test/poweroff ]; then
  while read -r c; do
    case $c in
      always) off=yes ;;
      kernel=*) case $kernel in ${c#kernel=}) off=yes ;; esac ;;
      cmdline=*) for w in $cmdline; do [ "$w" = "${c#cmdline=}" ] && off=yes; done ;;
      count=*) [ "$seq" = "${c#count=}" ] && off=yes ;;
    esac
  done < /etc/sckl-test/poweroff
fi
if [ "$off" = yes ]; then
  echo "SCKL-POWEROFF kernel=$kernel" > "$out"
  systemctl --no-block poweroff
fi
exit 0
EOF
  cat > "$t/usr/local/sbin/sckl-test-once" <<'EOF'
#!/bin/sh
# SCKL test harness: runs each executable in /etc/sckl-test/once.d (sorted),
# output on the serial console, then moves it to /var/lib/sckl-test/once.done
# (when / is writable; otherwise it runs again next boot).
set -u
out=/dev/ttyS0
for f in /etc/sckl-test/once.d/*; do
  [ -f "$f" ] && [ -x "$f" ] || continue
  n=${f##*/}
  echo "SCKL-ONCE-START $n" > "$out"
  rc=$( { { "$f" </dev/null 2>&1; echo "$?" >&3; } | sed "s/^/SCKL-ONCE $n: /" > "$out"; } 3>&1 )
  echo "SCKL-ONCE-END $n rc=$rc" > "$out"
  mkdir -p /var/lib/sckl-test/once.done 2>/dev/null && mv "$f" /var/lib/sckl-test/once.done/ 2>/dev/null
done
exit 0
EOF
  chmod 0755 "$t/usr/local/sbin/sckl-test-report" "$t/usr/local/sbin/sckl-test-once"
  cat > "$t/etc/systemd/system/sckl-test-once.service" <<'EOF'
[Unit]
Description=SCKL test harness: run once.d scripts
After=network-online.target
Wants=network-online.target
Before=sckl-test-report.service

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/sckl-test-once
TimeoutStartSec=infinity

[Install]
WantedBy=multi-user.target
EOF
  cat > "$t/etc/systemd/system/sckl-test-report.service" <<'EOF'
[Unit]
Description=SCKL test harness: report on the serial console
After=multi-user.target network-online.target
Wants=network-online.target

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/sckl-test-report

[Install]
WantedBy=multi-user.target
EOF
  # No login on the serial console: agetty flushes the tty when it starts
  # (Type=idle, so possibly after our report), which lost console lines.
  ln -sf /dev/null "$t/etc/systemd/system/serial-getty@ttyS0.service"
  mkdir -p "$t/etc/systemd/system/multi-user.target.wants"
  ln -sf /etc/systemd/system/sckl-test-report.service "$t/etc/systemd/system/multi-user.target.wants/"
  ln -sf /etc/systemd/system/sckl-test-once.service "$t/etc/systemd/system/multi-user.target.wants/"
}

# The cache key of the image: everything that decides its content.
_vm_image_key() {
  {
    echo "suite=$SCKL_VM_SUITE include=$SCKL_VM_INCLUDE nic=$SCKL_VM_NIC size=$SCKL_VM_DISK_SIZE host=$SCKL_VM_HOSTNAME"
    dpkg-query -W -f='mmdebstrap=${Version} e2fsprogs=${Version}\n' mmdebstrap e2fsprogs 2>/dev/null || true
    _vm_apt_sources
    declare -f _vm_customize_tree _vm_build_image_uncached
  } | sha256sum | cut -c1-16
}

_vm_build_image_uncached() {
  local dir=$1 tmp=$1.building
  rm -rf --one-file-system "$tmp"
  mkdir -p "$tmp"
  # A directory target: mmdebstrap mounts and unmounts what it needs itself.
  mmdebstrap --quiet --variant=minbase --include="$SCKL_VM_INCLUDE" \
    "$SCKL_VM_SUITE" "$tmp/tree" - < <(_vm_apt_sources) >&2 || { rm -rf --one-file-system "$tmp"; vm_die "mmdebstrap failed"; }
  if awk -v r="$tmp/" 'index($2, r) == 1 { f = 1 } END { exit !f }' /proc/self/mounts; then
    vm_die "something is still mounted under $tmp"
  fi
  _vm_customize_tree "$tmp/tree"
  # The disk's own kernel: what /vmlinuz and /initrd.img point at.
  local v
  v=$(readlink "$tmp/tree/vmlinuz"); v=${v##*/vmlinuz-}
  [[ -n $v && -f $tmp/tree/boot/vmlinuz-$v && -f $tmp/tree/boot/initrd.img-$v ]] || vm_die "no kernel/initrd in the tree"
  echo "$v" > "$tmp/kver"
  cp "$tmp/tree/boot/vmlinuz-$v" "$tmp/vmlinuz"
  cp "$tmp/tree/boot/initrd.img-$v" "$tmp/initrd.img"
  mkfs.ext4 -q -F -L sckl-root -d "$tmp/tree" "$tmp/disk.img" "$SCKL_VM_DISK_SIZE" >&2
  rm -rf --one-file-system "$dir"
  mv "$tmp" "$dir"
}

# vm_build_image: builds the guest once per input set, under
# $SCKL_VM_CACHE/image-<key>/, and sets
#   VM_IMAGE        the cached raw ext4 disk (never boot it: vm_disk_copy)
#   VM_TREE         the tree it was made from (read-only by convention)
#   VM_DISK_KVER    version of the disk's kernel (/vmlinuz in the image)
#   VM_DISK_KERNEL, VM_DISK_INITRD  copies of that kernel and initrd
# Guest content: minbase + $SCKL_VM_INCLUDE, DHCP on $SCKL_VM_NIC via
# ifupdown, sckl-test-report.service and sckl-test-once.service, fstab
# unconfigured, kexec-tools at its default, root locked (no login).
vm_build_image() {
  vm_need_root
  vm_install_tools
  local key dir start
  key=$(_vm_image_key)
  dir=$SCKL_VM_IMAGES/image-$key
  _vm_lock
  if [[ ! -f $dir/disk.img || ! -f $dir/kver ]]; then
    vm_log "building guest image $dir"
    start=$EPOCHREALTIME
    _vm_build_image_uncached "$dir"
    vm_elapsed "$start" > "$dir/build-seconds"
    vm_log "figure: image build (cold): $(cat "$dir/build-seconds") s"
    # Older input sets are of no further use (provider kernels depend on them).
    find "$SCKL_VM_IMAGES" -mindepth 1 -maxdepth 1 -type d \( -name 'image-*' -o -name 'provider-*' \) \
      ! -name "image-$key" ! -name "provider-*-$key" -exec rm -rf --one-file-system {} +
  fi
  _vm_release_extras "$dir"
  _vm_unlock
  VM_IMAGE_KEY=$key
  VM_IMAGE=$dir/disk.img
  VM_TREE=$dir/tree
  VM_DISK_KVER=$(cat "$dir/kver")
  VM_DISK_KERNEL=$dir/vmlinuz
  VM_DISK_INITRD=$dir/initrd.img
  export VM_IMAGE_KEY VM_IMAGE VM_TREE VM_DISK_KVER VM_DISK_KERNEL VM_DISK_INITRD
}

# _vm_release_extras DIR: what a release other than bookworm needs in the
# cached image DIR on top of the common recipe, written into its disk (debugfs)
# and its tree once (a marker file named by this function's hash), so that
# bookworm's image and its cache key stay as they were.
#   trixie: nothing in a minimal trixie waits for udev before the network
#   (bookworm's ifupdown-pre did): networking.service ran before the NIC
#   had its name and the report saw eth0 or no NIC. A drop-in orders it
#   after systemd-udev-settle.service, as ifupdown-pre did on bookworm.
_vm_release_extras() {
  local dir=$1 mark
  [[ $SCKL_VM_RELEASE == bookworm ]] && return 0
  mark=$dir/extras-$(declare -f _vm_release_extras | sha256sum | cut -c1-8)
  [[ -f $mark ]] && return 0
  local dropin=/etc/systemd/system/networking.service.d/sckl-test-udev-settle.conf
  printf '# SCKL test harness: the NIC has its udev name before ifup (see tests/vm/lib.sh)\n[Unit]\nWants=systemd-udev-settle.service\nAfter=systemd-udev-settle.service\n' > "$dir/settle.conf"
  mkdir -p "$dir/tree${dropin%/*}"
  cp "$dir/settle.conf" "$dir/tree$dropin"
  vm_put "$dir/disk.img" "$dir/settle.conf" "$dropin"
  rm -f "$dir/settle.conf" "$dir"/extras-*
  : > "$mark"
}

# vm_disk_copy DST: a private writable copy of the cached image (sparse).
vm_disk_copy() {
  [[ -n ${VM_IMAGE:-} ]] || vm_die "vm_disk_copy: call vm_build_image first"
  cp --sparse=always --reflink=auto "$VM_IMAGE" "$1"
}

# vm_release_apt apt-get|apt-cache ARGS...: apt on the guest release's
# archive. bookworm: this machine's own apt. Another release: the machine's
# sources rewritten to it (apt_sources_for), with its own lists, cache and an
# empty status under $SCKL_VM_IMAGES/apt/, updated when older than a day.
vm_release_apt() {
  local tool=$1; shift
  if [[ $SCKL_VM_RELEASE == bookworm ]]; then "$tool" "$@"; return; fi
  local d=$SCKL_VM_IMAGES/apt
  local opts=(-o "Dir::Etc::SourceList=$d/none.list" -o "Dir::Etc::SourceParts=$d/sources.list.d"
    -o "Dir::Etc::PreferencesParts=$d/none.d" -o "Dir::State::Lists=$d/lists" -o "Dir::State::status=$d/status"
    -o "Dir::Cache=$d/cache")
  mkdir -p "$d/sources.list.d" "$d/lists/partial" "$d/cache/archives/partial" "$d/none.d"
  touch "$d/status"
  apt_sources_for "$SCKL_VM_SUITE" > "$d/sources.list.d/release.sources"
  if [[ -z $(find "$d/lists" -maxdepth 1 -name '*_InRelease' -mmin -1440 2>/dev/null) ]]; then
    apt-get "${opts[@]}" update >&2 || vm_die "apt-get update of the $SCKL_VM_SUITE lists in $d failed"
  fi
  "$tool" "${opts[@]}" "$@"
}

# --- the provider kernel -------------------------------------------------------

# The provider's kernel package: $SCKL_VM_PROVIDER_PKG, else the oldest
# linux-image-6.1.0-NN-cloud-amd64 the archive offers whose ABI differs from
# the disk's kernel.
_vm_provider_pkg() {
  if [[ -n ${SCKL_VM_PROVIDER_PKG:-} ]]; then echo "$SCKL_VM_PROVIDER_PKG"; return; fi
  local disk_abi=${VM_DISK_KVER%-amd64}
  apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-cloud-amd64$' | awk '{ print $1 }' \
    | grep -v -- "^linux-image-${disk_abi}-cloud-amd64\$" | sort -V | head -n1
}

# vm_provider_kernel: a kernel booted from outside the disk (qemu -kernel/
# -initrd), of another version and flavour than the disk's own; its initrd is
# made by the image's initramfs-tools (MODULES=most: virtio root works) in a
# throwaway copy of the tree, so none of its files land on the disk. Cached
# under $SCKL_VM_CACHE/provider-<pkg>-<version>-<imagekey>/. Sets
#   VM_PROVIDER_KVER, VM_PROVIDER_KERNEL, VM_PROVIDER_INITRD
vm_provider_kernel() {
  [[ -n ${VM_IMAGE_KEY:-} ]] || vm_build_image
  local pkg ver dir start
  pkg=$(_vm_provider_pkg)
  [[ -n $pkg ]] || { apt-get update >&2; pkg=$(_vm_provider_pkg); }
  [[ -n $pkg ]] || vm_die "no linux-image-6.1.0-*-cloud-amd64 in the archive"
  ver=$(apt-cache show --no-all-versions "$pkg" | awk '/^Version:/ { print $2; exit }')
  dir=$SCKL_VM_IMAGES/provider-$pkg-$ver-$(declare -f _vm_provider_uncached | sha256sum | cut -c1-8)-$VM_IMAGE_KEY
  _vm_lock
  if [[ ! -f $dir/initrd.img ]]; then
    vm_log "preparing provider kernel $pkg $ver"
    start=$EPOCHREALTIME
    _vm_provider_uncached "$pkg" "$dir"
    vm_elapsed "$start" > "$dir/prep-seconds"
    vm_log "figure: provider kernel prep (cold): $(cat "$dir/prep-seconds") s"
  fi
  _vm_unlock
  VM_PROVIDER_KVER=$(cat "$dir/kver")
  VM_PROVIDER_KERNEL=$dir/vmlinuz
  VM_PROVIDER_INITRD=$dir/initrd.img
  export VM_PROVIDER_KVER VM_PROVIDER_KERNEL VM_PROVIDER_INITRD
}

_vm_provider_uncached() {
  local pkg=$1 dir=$2 work deb kver rc=0
  work=$(mktemp -d /var/tmp/sckl-vm-provider.XXXXXX)
  (
    set -e
    cd "$work"
    apt-get download "$pkg" >&2 2>/dev/null || apt-get download "$pkg" >&2
    deb=$(ls "$work"/*.deb)
    mkdir x
    dpkg-deb -x "$deb" x
    kver=$(ls x/lib/modules)
    [[ -f x/boot/vmlinuz-$kver ]]
    cp -a --reflink=auto "$VM_TREE" root
    cp -a x/lib/modules/"$kver" root/lib/modules/
    cp x/boot/config-"$kver" x/boot/System.map-"$kver" root/boot/
    trap '_vm_chroot_umount "$work/root"' EXIT
    _vm_chroot_mount "$work/root"
    _vm_in_chroot root depmod -a "$kver"
    _vm_in_chroot root mkinitramfs -o /tmp/initrd.img "$kver" >&2
    _vm_chroot_umount "$work/root"
    trap - EXIT
    mkdir -p "$dir.tmp"
    cp x/boot/vmlinuz-"$kver" "$dir.tmp/vmlinuz"
    cp root/tmp/initrd.img "$dir.tmp/initrd.img"
    echo "$kver" > "$dir.tmp/kver"
    echo "$pkg" > "$dir.tmp/package"
    rm -rf "$dir"
    mv "$dir.tmp" "$dir"
  ) || rc=$?
  if awk -v r="$work/" 'index($2, r) == 1 { f = 1 } END { exit !f }' /proc/self/mounts; then
    vm_log "something is still mounted under $work; leaving it"
  else
    rm -rf --one-file-system "$work"
  fi
  ((rc == 0)) || vm_die "provider kernel preparation failed"
}

# --- a provider kernel with a hardware watchdog driver --------------------------
# The cloud kernel above has no watchdog drivers (no i6300esb), so a switch
# under it never arms one. For the watchdog scenario (tests/vm/scenarios
# hung_kernel) the provider is bookworm's generic flavour instead, with its
# modules where a distribution kernel has them: in /lib/modules/KVER on the
# disk (vm_put_provider_modules), which is where sckl's generator looks for
# the watchdog driver to load (it runs before udev).

# The oldest linux-image-6.1.0-NN-amd64 (generic) whose ABI differs from the
# disk's kernel: $SCKL_VM_PROVIDER_GENERIC_PKG overrides it.
_vm_provider_generic_pkg() {
  if [[ -n ${SCKL_VM_PROVIDER_GENERIC_PKG:-} ]]; then echo "$SCKL_VM_PROVIDER_GENERIC_PKG"; return; fi
  apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-amd64$' | awk '{ print $1 }' \
    | grep -vx -- "linux-image-$VM_DISK_KVER" | sort -V | head -n1
}

# vm_provider_kernel_generic: the generic provider kernel, its kernel and
# initrd made like vm_provider_kernel's (same cache, same recipe, keyed on
# the package), plus its modules tree as the package ships it (no indexes:
# vm_put_provider_modules runs the image's depmod), cached once in that
# directory (modules/KVER). Sets VM_PROVIDER_KVER, VM_PROVIDER_KERNEL,
# VM_PROVIDER_INITRD (as vm_provider_kernel) and VM_PROVIDER_MODULES.
vm_provider_kernel_generic() {
  [[ -n ${VM_IMAGE_KEY:-} ]] || vm_build_image
  local pkg dir work rc=0
  pkg=$(_vm_provider_generic_pkg)
  [[ -n $pkg ]] || { apt-get update >&2; pkg=$(_vm_provider_generic_pkg); }
  [[ -n $pkg ]] || vm_die "no linux-image-6.1.0-*-amd64 in the archive"
  SCKL_VM_PROVIDER_PKG=$pkg vm_provider_kernel
  dir=${VM_PROVIDER_KERNEL%/vmlinuz}
  _vm_lock
  if [[ ! -d $dir/modules/$VM_PROVIDER_KVER ]]; then
    vm_log "unpacking the modules of $pkg"
    work=$(mktemp -d /var/tmp/sckl-vm-modules.XXXXXX)
    # Each step checked: set -e does not act in a subshell whose status is
    # tested (the "|| rc=$?").
    (
      cd "$work" || exit 1
      apt-get download "$pkg" >&2 2>/dev/null || apt-get download "$pkg" >&2 || exit 1
      deb=$(ls "$work"/*.deb) && mkdir x && dpkg-deb -x "$deb" x || exit 1
      [[ -d x/lib/modules/$VM_PROVIDER_KVER/kernel ]] || exit 1
      rm -rf "$dir/modules" "$dir/modules.tmp" && mkdir -p "$dir/modules.tmp" &&
        mv "x/lib/modules/$VM_PROVIDER_KVER" "$dir/modules.tmp/" && mv "$dir/modules.tmp" "$dir/modules"
    ) || rc=$?
    rm -rf --one-file-system "$work"
  fi
  _vm_unlock
  ((rc == 0)) || vm_die "unpacking the modules of $pkg failed"
  VM_PROVIDER_MODULES=$dir/modules/$VM_PROVIDER_KVER
  export VM_PROVIDER_MODULES
}

# vm_put_provider_modules DISK: VM_PROVIDER_MODULES into the image as
# /lib/modules/VM_PROVIDER_KVER (loop mount; /lib may be a link to usr/lib),
# then the image's own depmod makes the indexes there (in a chroot, as the
# kernel package's postinst would; this machine may have no depmod).
vm_put_provider_modules() {
  local disk=$1 mnt rc=0
  [[ -n ${VM_PROVIDER_MODULES:-} ]] || vm_die "vm_put_provider_modules: call vm_provider_kernel_generic first"
  mnt=$(mktemp -d /var/tmp/sckl-vm-mnt.XXXXXX)
  mount -o loop "$disk" "$mnt" || { rmdir "$mnt"; vm_die "vm_put_provider_modules: cannot mount $disk"; }
  cp -a "$VM_PROVIDER_MODULES" "$mnt/lib/modules/" || rc=$?
  umount "$mnt" || rc=$?
  rmdir "$mnt" 2>/dev/null || true
  ((rc == 0)) || vm_die "vm_put_provider_modules: copying into $disk failed"
  vm_image_chroot "$disk" depmod -a "$VM_PROVIDER_KVER" || vm_die "vm_put_provider_modules: depmod in $disk failed"
}

# --- booting -------------------------------------------------------------------

# vm_boot DISK [--kernel K] [--initrd I] [--append "..."] [--timeout S]
#              [--reports N] [--no-wait-poweroff] [--log FILE] [--mem MB]
#              [--watch ERE] [--qemu ARG]...
# Boots DISK (raw, or qcow2 by its .qcow2 suffix) as virtio-blk /dev/vda with a
# virtio NIC on a restricted user network, serial console on qemu's stdout,
# read line by line (bash read on a fifo: no buffering filter). Every console
# line goes to the log (default: DISK.console.log, overwritten), and with the
# wall seconds since qemu started in front to LOG.timed.
#   --kernel/--initrd  default: the provider kernel (vm_provider_kernel)
#   --append           default: "root=/dev/vda rw console=ttyS0"
#   --reports N        how many SCKL-REPORT lines make a success (default 1)
#   --no-wait-poweroff return (killing qemu) as soon as N reports arrived;
#                      default: wait for the guest to power off after them
#   --timeout S        wall seconds for the whole run (default 240)
#   --watch ERE        console lines matching ERE are also printed on stderr
#                      as they come (colours removed, cut at 150 characters),
#                      with the wall seconds: progress for the demo, as a TCG
#                      boot is long to watch in silence
#   --power-cut ERE MS a power cut: SIGKILL qemu MS milliseconds (wall clock)
#                      after the first console line matching ERE (no clean
#                      shutdown, what the guest had not written to its
#                      virtual disk is lost). No cut when ERE never comes or
#                      the guest powers off first.
#   --end-on-stall     end the power-on (qemu killed) when the guest kernel
#                      stalls (see VM_STALL), as an admin or a hardware
#                      watchdog would power-cycle a hung server; default:
#                      note it (VM_STALL) and go on
# Returns 0 on success (a power cut that happened counts as one); on timeout,
# early qemu exit or too few reports it prints the last 30 console lines and
# returns 1. Sets
#   VM_LOG            the console log
#   VM_REPORTS[]      the report lines, from "SCKL-REPORT" on, in order
#   VM_REPORT_TIMES[] wall seconds from qemu start to each report line
#   VM_LAST_REPORT    the last report line ("" when none)
#   VM_POWEROFF_TIME  wall seconds from qemu start to qemu's exit ("" if killed)
#   VM_MARKS[]        other harness lines (SCKL-ONCE*, SCKL-POWEROFF)
#   VM_KILLED         1 when --power-cut cut the power, else 0
#   VM_KILL_ANCHOR_TIME, VM_KILL_TIME  wall seconds from qemu start to the
#                     anchor line and to the SIGKILL ("" without a cut)
#   VM_KILL_LAST      the last console line before the cut
#   VM_STALL          the guest kernel's first soft-lockup line, or its
#                     second RCU stall report ("" when none): a kernel that
#                     does not go on. Both seen under TCG on 2026-12-04: the
#                     target kernel, just after a kexec, looping at a patched
#                     instruction of its crypto self-test for 500 s (soft
#                     lockup); the provider kernel at power-on, its idle
#                     second vCPU's timer never firing (RCU stall reports at
#                     23, 86, 107, 128, 149 s). With --end-on-stall the
#                     power-on ends there and vm_boot returns 1.
vm_boot() {
  local disk=$1; shift
  local kernel="" initrd="" append="root=/dev/vda rw console=ttyS0" timeout=240 want=1
  local wait_off=1 log="" mem=1024 extra=() fmt=raw watch="" cut_re="" cut_ms=0 cut_at=0 end_stall=0
  while (($#)); do
    case $1 in
      --kernel) kernel=$2; shift 2 ;;
      --initrd) initrd=$2; shift 2 ;;
      --append) append=$2; shift 2 ;;
      --timeout) timeout=$2; shift 2 ;;
      --reports) want=$2; shift 2 ;;
      --no-wait-poweroff) wait_off=0; shift ;;
      --log) log=$2; shift 2 ;;
      --mem) mem=$2; shift 2 ;;
      --qemu) extra+=("$2"); shift 2 ;;
      --watch) watch=$2; shift 2 ;;
      --power-cut) cut_re=$2; cut_ms=$3; shift 3 ;;
      --end-on-stall) end_stall=1; shift ;;
      *) vm_die "vm_boot: unknown option $1" ;;
    esac
  done
  [[ -f $disk ]] || vm_die "vm_boot: no disk $disk"
  if [[ -z $kernel ]]; then
    [[ -n ${VM_PROVIDER_KERNEL:-} ]] || vm_provider_kernel
    kernel=$VM_PROVIDER_KERNEL
    [[ -n $initrd ]] || initrd=$VM_PROVIDER_INITRD
  fi
  [[ $disk == *.qcow2 ]] && fmt=qcow2
  log=${log:-$disk.console.log}
  : > "$log"
  VM_LOG=$log VM_REPORTS=() VM_REPORT_TIMES=() VM_LAST_REPORT="" VM_POWEROFF_TIME="" VM_MARKS=()
  VM_KILLED=0 VM_KILL_ANCHOR_TIME="" VM_KILL_TIME="" VM_KILL_LAST="" VM_STALL=""
  [[ -z $cut_re || $cut_ms =~ ^[0-9]+$ ]] || vm_die "vm_boot: --power-cut wants milliseconds, not '$cut_ms'"

  local fifo qpid fd start line left rc=0 ended=0 why="" rcu_stalls=0
  fifo=$(mktemp -u /tmp/sckl-vm-console.XXXXXX)
  mkfifo -m 0600 "$fifo"
  # shellcheck disable=SC2054 # commas belong to qemu's option syntax
  local cmd=(qemu-system-x86_64 -accel tcg -smp 2 -m "$mem" -no-reboot
    -display none -monitor none -serial stdio
    -kernel "$kernel" -append "$append"
    -drive "file=$disk,format=$fmt,if=virtio"
    -netdev user,id=n0,restrict=on -device virtio-net-pci,netdev=n0)
  [[ -n $initrd ]] && cmd+=(-initrd "$initrd")
  cmd+=("${extra[@]}")
  printf '# %s\n' "${cmd[*]}" > "$log.cmd"
  : > "$log.timed"
  local t0 us deadline until cut=0
  start=$EPOCHREALTIME
  t0=${start/./}
  deadline=$((t0 + timeout * 1000000))
  "${cmd[@]}" < /dev/null > "$fifo" 2> "$log.stderr" &
  qpid=$!
  exec {fd}<"$fifo"
  rm -f "$fifo"
  while :; do
    us=${EPOCHREALTIME/./}
    if ((cut_at && us >= cut_at)); then cut=1; break; fi
    ((us < deadline)) || { why="timeout after ${timeout}s"; break; }
    until=$deadline
    ((cut_at && cut_at < until)) && until=$cut_at
    left=$(((until - us) / 1000000)).$(printf '%06d' $(((until - us) % 1000000)))
    line=""
    if IFS= read -r -t "$left" -u "$fd" line; then :; else
      rc=$?
      if ((rc > 128)); then
        [[ -n $line ]] && printf '%s\n' "${line%$'\r'}" >> "$log"
        if ((cut_at && ${EPOCHREALTIME/./} >= cut_at)); then cut=1; break; fi
        why="timeout after ${timeout}s"; break
      fi
      ended=1
      [[ -z $line ]] && break
    fi
    line=${line%$'\r'}
    printf '%s\n' "$line" >> "$log"
    us=$((${EPOCHREALTIME/./} - t0))
    printf '[%4d.%d] %s\n' $((us / 1000000)) $((us % 1000000 / 100000)) "$line" >> "$log.timed"
    if [[ -n $cut_re ]] && ((!cut_at)) && [[ $line =~ $cut_re ]]; then
      cut_at=$((t0 + us + 10#$cut_ms * 1000))
      VM_KILL_ANCHOR_TIME=$(vm_elapsed "$start")
    fi
    [[ -n $cut_re && $line == *[![:space:]]* ]] && VM_KILL_LAST=$line
    # One RCU stall report can be a vCPU starved for a while by the host;
    # a second one in the same power-on means the kernel does not recover.
    [[ $line =~ rcu:\ INFO:\ rcu_[a-z]+\ (self-)?detected\ stall ]] && rcu_stalls=$((rcu_stalls + 1))
    if [[ -z $VM_STALL ]] && { [[ $line =~ watchdog:\ BUG:\ soft\ lockup ]] || ((rcu_stalls >= 2)); }; then
      VM_STALL=$(sed 's/\x1b\[[0-9;]*[A-Za-z]//g' <<<"$line")
      ((rcu_stalls >= 2)) && VM_STALL="$VM_STALL (RCU stall report $rcu_stalls)"
      if ((end_stall)); then why="the guest kernel stalled: $VM_STALL"; break; fi
    fi
    if [[ -n $watch && $line =~ $watch ]]; then
      printf '    [%4d.%d s] %.150s\n' $((us / 1000000)) $((us % 1000000 / 100000)) \
        "$(sed 's/\x1b\[[0-9;]*[A-Za-z]//g' <<<"$line")" >&2
    fi
    if [[ $line =~ (^|[^[:alnum:]_-])(SCKL-REPORT( .*)?)$ ]]; then
      VM_REPORTS+=("${BASH_REMATCH[2]}")
      VM_REPORT_TIMES+=("$(vm_elapsed "$start")")
      VM_LAST_REPORT=${BASH_REMATCH[2]}
      [[ -n $watch ]] || vm_log "report at ${VM_REPORT_TIMES[-1]} s: $VM_LAST_REPORT"
      if ((${#VM_REPORTS[@]} >= want && !wait_off)); then break; fi
    elif [[ $line =~ (^|[^[:alnum:]_-])(SCKL-(ONCE|ONCE-START|ONCE-END|POWEROFF)( .*)?)$ ]]; then
      VM_MARKS+=("${BASH_REMATCH[2]}")
    fi
    ((ended)) && break
  done
  if ((cut)); then
    kill -KILL "$qpid" 2>/dev/null || true
    VM_KILL_TIME=$(vm_elapsed "$start")
    wait "$qpid" 2>/dev/null || true
    VM_KILLED=1
    # What qemu wrote before it died but was not read yet: console output
    # from before the cut.
    while IFS= read -r -u "$fd" line || [[ -n $line ]]; do
      line=${line%$'\r'}
      printf '%s\n' "$line" >> "$log"
      printf '[%s cut] %s\n' "$VM_KILL_TIME" "$line" >> "$log.timed"
      [[ $line == *[![:space:]]* ]] && VM_KILL_LAST=$line
      line=""
    done
    printf '[%s] ### power cut (SIGKILL to qemu) %s ms after /%s/ (seen at %s s)\n' \
      "$VM_KILL_TIME" "$cut_ms" "$cut_re" "$VM_KILL_ANCHOR_TIME" >> "$log.timed"
    exec {fd}<&-
    return 0
  fi
  exec {fd}<&-
  if ((ended)) && [[ -z $why ]]; then
    wait "$qpid" || true
    VM_POWEROFF_TIME=$(vm_elapsed "$start")
  else
    kill "$qpid" 2>/dev/null || true
    wait "$qpid" 2>/dev/null || true
  fi
  if [[ -z $why ]] && ((${#VM_REPORTS[@]} < want)); then
    why="qemu ended after ${#VM_REPORTS[@]} of $want report(s)"
  fi
  if [[ -n $why ]]; then
    vm_log "vm_boot: $why; last 30 console lines ($log):"
    tail -n 30 "$log" | sed 's/^/  | /' >&2
    [[ -s $log.stderr ]] && sed 's/^/  qemu: /' "$log.stderr" >&2
    return 1
  fi
  return 0
}

# vm_report_get LINE KEY: the value of KEY in a report line. cmdline is the
# rest of the line; other values are single words.
vm_report_get() {
  local line=$1 key=$2 w
  if [[ $key == cmdline ]]; then
    [[ $line == *" cmdline="* ]] && printf '%s\n' "${line#* cmdline=}"
    return 0
  fi
  line=${line%% cmdline=*}
  for w in $line; do
    if [[ $w == "$key="* ]]; then printf '%s\n' "${w#*=}"; return 0; fi
  done
  return 1
}

# --- offline access to a disk image (debugfs: no mount, no loop device) --------
# The image must not be in use by a running qemu. Paths are absolute guest
# paths. Symlinks in the path are not followed (debugfs resolves them only as
# the last component for cat/dump in some versions): use real paths.

# vm_debugfs DISK [-w] REQUEST...: raw debugfs requests, one per argument.
vm_debugfs() {
  local disk=$1; shift
  local rw=()
  if [[ ${1:-} == -w ]]; then rw=(-w); shift; fi
  printf '%s\n' "$@" | debugfs "${rw[@]}" -f - "$disk" 2>&1 >/dev/null | grep -v '^debugfs ' >&2 || true
}

# vm_exists DISK PATH: true when PATH exists in the image.
vm_exists() { debugfs -R "stat \"$2\"" "$1" 2>/dev/null | grep -q '^Inode:'; }

# vm_cat DISK PATH: the file's content on stdout (fails when absent).
vm_cat() {
  vm_exists "$1" "$2" || { vm_log "vm_cat: $2 not in $1"; return 1; }
  debugfs -R "cat \"$2\"" "$1" 2>/dev/null
}

# vm_get DISK PATH LOCAL: copies a file out of the image.
vm_get() { vm_cat "$1" "$2" > "$3"; }

# vm_ls DISK DIR: names in DIR, one a line (without . and ..).
vm_ls() {
  debugfs -R "ls -p \"$2\"" "$1" 2>/dev/null | awk -F/ 'NF >= 6 && $6 != "." && $6 != ".." { print $6 }'
}

# vm_mkdir DISK DIR [MODE]: like mkdir -p, owner root.
vm_mkdir() {
  local disk=$1 mode=${3:-0755} cur="" part parts
  IFS=/ read -r -a parts <<<"$2"
  for part in "${parts[@]}"; do
    [[ -z $part ]] && continue
    cur="$cur/$part"
    vm_exists "$disk" "$cur" && continue
    vm_debugfs "$disk" -w "mkdir \"$cur\"" "sif \"$cur\" mode 0$(printf '%o' $((8#40000 | 8#$mode)))" \
      "sif \"$cur\" uid 0" "sif \"$cur\" gid 0"
  done
}

# vm_rm DISK PATH: removes a file or symlink (not a directory) when present.
vm_rm() { if vm_exists "$1" "$2"; then vm_debugfs "$1" -w "rm \"$2\""; fi; }

# vm_put DISK LOCAL PATH [MODE [UID [GID]]]: writes LOCAL into the image as
# PATH (replacing it), parent directories made as needed. MODE default 0644.
vm_put() {
  local disk=$1 src=$2 path=$3 mode=${4:-0644} uid=${5:-0} gid=${6:-0}
  vm_mkdir "$disk" "$(dirname "$path")"
  vm_rm "$disk" "$path"
  vm_debugfs "$disk" -w "write \"$src\" \"$path\"" \
    "sif \"$path\" mode 0$(printf '%o' $((8#100000 | 8#$mode)))" "sif \"$path\" uid $uid" "sif \"$path\" gid $gid"
  vm_exists "$disk" "$path" || vm_die "vm_put: could not write $path into $disk"
}

# vm_put_text DISK PATH [MODE]: stdin into the image as PATH.
vm_put_text() {
  local tmp rc=0
  tmp=$(mktemp)
  cat > "$tmp"
  vm_put "$1" "$tmp" "$2" "${3:-0644}" || rc=$?
  rm -f "$tmp"
  return "$rc"
}

# vm_symlink DISK PATH TARGET: PATH -> TARGET (replacing PATH).
vm_symlink() {
  vm_mkdir "$1" "$(dirname "$2")"
  vm_rm "$1" "$2"
  vm_debugfs "$1" -w "symlink \"$2\" \"$3\""
}

# vm_poweroff_when DISK COND...: the guest powers off after its report when
# one condition holds: always | kernel=GLOB | cmdline=WORD | count=N.
# With no COND, removes the flag file (never power off unless the command
# line has sckl.test.poweroff).
vm_poweroff_when() {
  local disk=$1; shift
  if (($#)); then printf '%s\n' "$@" | vm_put_text "$disk" /etc/sckl-test/poweroff
  else vm_rm "$disk" /etc/sckl-test/poweroff; fi
}

# vm_once DISK NAME SCRIPT: SCRIPT (a local executable file) runs once in the
# guest at boot, after network-online.target and before the report; its output
# comes on the console as "SCKL-ONCE NAME: ..." lines (VM_MARKS), ending with
# "SCKL-ONCE-END NAME rc=N".
vm_once() { vm_put "$1" "$3" "/etc/sckl-test/once.d/$2" 0755; }

# vm_initramfs_fast DISK: MODULES=$SCKL_VM_INITRAMFS_MODULES (default dep) for
# the guest's initramfs-tools; "image" keeps the image's MODULES=most. Why:
# sckl runs update-initramfs in the guest (install, first boot, purge) and so
# do kernel packages; under TCG MODULES=most had not finished after 14 min (a
# third of the modules copied), dep takes about 2 min.
vm_initramfs_fast() {
  local m=${SCKL_VM_INITRAMFS_MODULES:-dep}
  [[ $m == image ]] && return 0
  printf '# sckl VM tests: faster in-guest initrd builds under TCG\nMODULES=%s\n' "$m" |
    vm_put_text "$1" /etc/initramfs-tools/conf.d/zz-sckl-test.conf
}

# vm_image_chroot DISK CMD...: runs CMD in the image, loop-mounted, with a
# private /dev and /proc and no CAP_SYS_BOOT; unmounts on return. Needs loop
# devices (they work here); prefer the debugfs helpers when they suffice.
vm_image_chroot() {
  local disk=$1; shift
  local mnt rc=0
  mnt=$(mktemp -d /var/tmp/sckl-vm-mnt.XXXXXX)
  mount -o loop "$disk" "$mnt" || { rmdir "$mnt"; vm_die "vm_image_chroot: cannot mount $disk"; }
  (
    trap '_vm_chroot_umount "$mnt"' EXIT
    _vm_chroot_mount "$mnt"
    _vm_in_chroot "$mnt" "$@"
  ) || rc=$?
  _vm_chroot_umount "$mnt"
  rmdir "$mnt" 2>/dev/null || vm_log "vm_image_chroot: $mnt left behind"
  return "$rc"
}

# --- sckl in the guest: pieces shared by scenarios and powerloss ---------------

# The console line of a kexec hand-over (the kernel's own message).
VM_KEXEC_RE='kexec_core: Starting new kernel'

# vm_nkexec LOG: number of kexec hand-overs in a console log.
vm_nkexec() { grep -c "$VM_KEXEC_RE" "$1"; }

# vm_once_out LOG NAME: the output lines of once.d script NAME in a console log.
vm_once_out() { sed -n "s/^.*SCKL-ONCE $2: //p" "$1"; }

# vm_once_val LOG NAME KEY: value of "KEY=..." printed by once.d script NAME.
vm_once_val() { vm_once_out "$1" "$2" | sed -n "s/^$3=//p" | tail -n1; }

# vm_state_val DISK KEY: a key of /var/lib/sckl/boot-state, read offline.
vm_state_val() { vm_cat "$1" /var/lib/sckl/boot-state 2>/dev/null | sed -n "s/^$2=//p"; }

# vm_install_script: a once.d script (on stdout) that installs /root/sckl.deb
# in the guest and prints what the checks read ("dpkg-rc=", "kexec-defaults:").
vm_install_script() {
  cat <<'EOS'
#!/bin/sh
echo "uname=$(uname -r)"
DEBIAN_FRONTEND=noninteractive dpkg -i /root/sckl.deb
echo "dpkg-rc=$?"
echo "fstab:"; cat /etc/fstab
echo "kexec-defaults: $(grep '^LOAD_KEXEC' /etc/default/kexec)"
ls -l /etc/systemd/network/ 2>&1
echo "kexec_loaded=$(cat /sys/kernel/kexec_loaded)"
sckl status 2>&1 | sed 's/^/status| /'
EOS
}

# vm_status_script: a once.d script (on stdout) that queues a transient unit
# ordered after sckl-boot-ok.service and the report (a once.d script cannot
# wait for boot-ok itself: multi-user.target waits for the once unit, and
# boot-ok for multi-user.target). The unit prints the facts the checks read
# as "SCKL-ONCE NAME: KEY=..." console lines and then powers off; the report's
# own power-off rule must therefore be off (vm_poweroff_when DISK) in that
# boot, or the power-off could cancel boot-ok before it confirms.
vm_status_script() {
  cat <<'EOF'
#!/bin/sh
n=${0##*/}
cat > /run/sckl-test-status.sh <<EOS
#!/bin/sh
exec > /dev/ttyS0 2>&1
{
echo "uname=\$(uname -r)"
echo "boot-ok=\$(systemctl show -p ActiveState --value sckl-boot-ok.service) result=\$(systemctl show -p Result --value sckl-boot-ok.service)"
echo "decision=\$(cat /run/sckl/decision 2>/dev/null || echo none)"
echo "switch-ran=\$(cat /run/sckl/switch-ran 2>/dev/null || echo none)"
echo "motd=\$(cat /run/motd.d/50-sckl 2>/dev/null | tr '\n' ' ')"
if [ -e /run/motd.d/50-sckl ]; then echo "motd-exists=yes"; else echo "motd-exists=no"; fi
echo "json=\$(sckl status --json 2>&1 | tr '\n' ' ')"
echo "boot-state=\$(grep -v '^#' /var/lib/sckl/boot-state 2>/dev/null | tr '\n' ' ')"
sckl status 2>&1 | sed 's/^/status| /'
journalctl -b -o cat --no-pager 2>/dev/null | grep -i 'sckl' | grep -v 'sckl-test\|SCKL-' | tail -n 20 | sed 's/^/journal| /'
} | sed "s/^/SCKL-ONCE $n: /"
sync
systemctl --no-block poweroff
EOS
systemd-run --no-block --unit=sckl-test-status --property=After=sckl-boot-ok.service \
  --property=After=sckl-test-report.service --property=After=multi-user.target /bin/sh /run/sckl-test-status.sh
echo "queued sckl-test-status"
EOF
}
