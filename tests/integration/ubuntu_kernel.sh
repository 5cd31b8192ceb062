#!/usr/bin/env bash
# Integration test: Ubuntu's kernel packaging, as users run it, with sckl.
# No Ubuntu archive is reachable, so the chroot gets a local apt repository
# of Ubuntu's shape (../shared/FACTS.md "Ubuntu's kernel packaging", from
# Ubuntu's kernel trees' debian.master/control.d and linux-meta):
#   - linux-generic Depends linux-image-generic + linux-headers-generic;
#     linux-image-generic Depends the versioned image;
#   - the versioned linux-image-ABI-generic Recommends
#     "grub-pc | grub-efi-amd64 | grub-efi-ia32 | grub | lilo" (amd64);
#   - its postinst runs linux-update-symlinks, then queues
#     DEB_MAINT_PARAMS="$*" run-parts --report --exit-on-error --arg=VERSION
#     --arg=/boot/vmlinuz-VERSION /etc/kernel/postinst.d into a dpkg trigger
#     (linux-update-VERSION, interest-noawait): the hooks run late;
#   - kernel symlinks live in /boot (link_in_boot = yes), not in /.
# The versioned image wraps this release's real Debian kernel, its files
# renamed to Ubuntu's ABI-flavour scheme (6.1.0-NN-generic; the kernel binary
# itself still reports -amd64, which only a boot would notice). The Debian
# archive stays in the sources: grub-pc is there to be pulled in.
# Checks, with sckl installed and apt's default (Recommends on):
#   - control, before sckl: apt would install grub-pc with linux-generic;
#   - apt install linux-generic: exit 0, no bootloader package, one line from
#     sckl that it declined grub-pc, the hooks ran from the trigger with
#     DEB_MAINT_PARAMS set, sckl's target is the new kernel (status --json);
#   - a newer ABI through apt upgrade (new metapackage versions): the same;
#     apt upgrade keeps back a new package whose Recommends cannot be met
#     (policy breaks); sckl Provides: lilo, the or-group's last alternative,
#     so the pinned-out bootloaders leave it met (debian/control says why
#     not grub);
#   - dpkg-reconfigure sckl changes the target on that system.
# Needs root, SCKL_DEB and the machine's apt sources.
set -euo pipefail
SCKL_TEST_NAME=ubuntu_kernel
. "$(dirname "$(readlink -f "$0")")/lib.sh"
need_root
need_deb
host_guard_begin
test_start=$(date +%s.%N)
chroot_setup

cp /etc/resolv.conf "$SCKL_ROOT/etc/resolv.conf"
in_chroot apt-get update -q >&2 || die "apt-get update in the chroot failed"

# This release's Debian kernel (installed in the base image), downloaded by its
# exact version: tests must not hard-code the newest ABI (FACTS.md).
debian_abi=$(cd "$SCKL_ROOT/boot" && ls vmlinuz-* | sed 's/^vmlinuz-//' | sort -V | tail -1)
[[ $debian_abi == *-amd64 ]] || die "precondition: the base image's kernel is '$debian_abi'"
debian_ver=$(in_chroot dpkg-query -W -f='${Version}' "linux-image-$debian_abi")
mkdir -p "$SCKL_ROOT/tmp/k"
in_chroot sh -c 'cd /tmp/k && exec apt-get download -q "$1"' sh "linux-image-$debian_abi=$debian_ver" >&2 \
  || die "apt-get download linux-image-$debian_abi=$debian_ver failed"
kdeb=$(ls "$SCKL_ROOT"/tmp/k/*.deb)

# An Ubuntu-shaped system: no Debian kernel, symlinks in /boot.
in_chroot dpkg --purge linux-image-amd64 "linux-image-$debian_abi" >&2 || die "purging the Debian kernel failed"
rm -f "$SCKL_ROOT"/vmlinuz* "$SCKL_ROOT"/initrd.img*
cat > "$SCKL_ROOT/etc/kernel-img.conf" <<'EOF'
# Ubuntu's setting: the kernel symlinks live in /boot.
do_symlinks = yes
link_in_boot = yes
EOF
# Records how the kernel hooks are called (runs before zz-sckl).
cat > "$SCKL_ROOT/etc/kernel/postinst.d/yy-record-call" <<'EOF'
#!/bin/sh
echo "args=$* DEB_MAINT_PARAMS=${DEB_MAINT_PARAMS-unset}" >> /var/tmp/kernel-hook-calls
EOF
chmod 0755 "$SCKL_ROOT/etc/kernel/postinst.d/yy-record-call"

# --- the local repository ----------------------------------------------------
repo="$SCKL_ROOT/srv/ubuntu-shape"
mkdir -p "$repo"
unpacked="$SCKL_WORK/debian-kernel"
dpkg-deb -x "$kdeb" "$unpacked"

# meta NAME VERSION DEPENDS: an empty metapackage.
meta() {
  local d="$SCKL_WORK/pkg-$1"
  mkdir -p "$d/DEBIAN"
  cat > "$d/DEBIAN/control" <<EOF
Package: $1
Version: $2
Architecture: amd64
Maintainer: sckl tests <root@localhost>
Section: kernel
Priority: optional
${3:+Depends: $3
}Description: $1 (Ubuntu-shaped fixture of sckl's tests)
 Same relationships as Ubuntu's linux-meta package.
EOF
  dpkg-deb --root-owner-group -Zgzip -z1 -b "$d" "$repo/${1}_$2_amd64.deb" >/dev/null
  rm -rf "$d"
}

# image ABI VERSION: linux-image-ABI-generic with Ubuntu's maintainer scripts.
image() {
  local abi=$1 ver=$2 kver="$1-generic" d="$SCKL_WORK/pkg-image-$1" f
  mkdir -p "$d/DEBIAN" "$d/boot" "$d/lib/modules"
  cp -a "$unpacked/boot/vmlinuz-$debian_abi" "$d/boot/vmlinuz-$kver"
  cp -a "$unpacked/boot/config-$debian_abi" "$d/boot/config-$kver"
  cp -a "$unpacked/boot/System.map-$debian_abi" "$d/boot/System.map-$kver"
  cp -a "$unpacked/lib/modules/$debian_abi" "$d/lib/modules/$kver"
  rm -f "$d/lib/modules/$kver"/{build,source}
  # A fraction of the modules: the initrds (built twice here) take a fifth of
  # the time, and nothing boots this tree.
  (cd "$d/lib/modules/$kver/kernel" && find . -mindepth 1 -maxdepth 2 -type d \
     ! -path ./fs ! -path ./lib ! -path ./crypto ! -path ./drivers ! -path ./drivers/block ! -path ./drivers/virtio \
     ! -path './fs/*' ! -path './lib/*' ! -path './crypto/*' -prune -exec rm -rf {} +)
  cat > "$d/DEBIAN/control" <<EOF
Package: linux-image-$kver
Version: $ver
Architecture: amd64
Maintainer: sckl tests <root@localhost>
Section: kernel
Priority: optional
Provides: linux-image, linux-image-2.6, linux-modules-$kver
Depends: kmod, linux-base (>= 4.5ubuntu1~), initramfs-tools | linux-initramfs-tool
Recommends: grub-pc | grub-efi-amd64 | grub-efi-ia32 | grub | lilo
Suggests: fdutils, linux-tools, linux-headers-$kver
Description: Linux kernel image for version $abi on 64 bit x86 SMP (Ubuntu-shaped fixture)
 Debian's kernel $debian_abi, repacked by sckl's tests with Ubuntu's control
 fields and maintainer scripts.
EOF
  # The image's own trigger, as Ubuntu's kernel packages declare it.
  echo "interest-noawait linux-update-$kver" > "$d/DEBIAN/triggers"
  # Ubuntu's image.postinst, reduced to what matters here: symlinks, then the
  # hooks queued into the trigger with DEB_MAINT_PARAMS="$*".
  cat > "$d/DEBIAN/postinst" <<EOF
#!/bin/sh
set -e
version=$kver
image_path=/boot/vmlinuz-\$version
if [ "\$1" = triggered ]; then
    trigger=/usr/lib/linux/triggers/\$version
    if [ -f "\$trigger" ]; then
        sh "\$trigger"
        rm -f "\$trigger"
    fi
    exit 0
fi
[ "\$1" = configure ] || exit 0
depmod -a -F /boot/System.map-\$version \$version
linux-update-symlinks install \$version \$image_path
if [ -d /etc/kernel/postinst.d ]; then
    mkdir -p /usr/lib/linux/triggers
    cat - >/usr/lib/linux/triggers/\$version <<EOT
DEB_MAINT_PARAMS="\$*" run-parts --report --exit-on-error --arg=\$version \\
      --arg=\$image_path /etc/kernel/postinst.d
EOT
    dpkg-trigger --no-await linux-update-\$version
fi
EOF
  cat > "$d/DEBIAN/postrm" <<EOF
#!/bin/sh
set -e
version=$kver
image_path=/boot/vmlinuz-\$version
rm -f /lib/modules/\$version/.fresh-install
if [ "\$1" != upgrade ] && command -v linux-update-symlinks >/dev/null; then
    linux-update-symlinks remove \$version \$image_path
fi
if [ -d /etc/kernel/postrm.d ]; then
    DEB_MAINT_PARAMS="\$*" run-parts --report --exit-on-error --arg=\$version \\
      --arg=\$image_path /etc/kernel/postrm.d
fi
if [ "\$1" = purge ]; then
    for f in modules.alias modules.alias.bin modules.builtin.alias.bin modules.builtin.bin modules.dep \\
             modules.dep.bin modules.devname modules.softdep modules.symbols modules.symbols.bin; do
        rm -f /lib/modules/\$version/\$f
    done
    rmdir --ignore-fail-on-non-empty /lib/modules/\$version || true
fi
EOF
  chmod 0755 "$d/DEBIAN/postinst" "$d/DEBIAN/postrm"
  # No compression: the modules are most of it, and the file stays local.
  dpkg-deb --root-owner-group -Znone -b "$d" "$repo/linux-image-${kver}_${ver}_amd64.deb" >/dev/null
  rm -rf "$d"
}

# abi_set ABI N: the versioned image and the metapackages of one ABI.
abi_set() {
  local abi=$1 n=$2
  image "$abi" "$abi.$n"
  meta "linux-headers-$abi-generic" "$abi.$n" ""
  meta linux-image-generic "${abi//-/.}.$n" "linux-image-$abi-generic"
  meta linux-headers-generic "${abi//-/.}.$n" "linux-headers-$abi-generic"
  meta linux-generic "${abi//-/.}.$n" "linux-image-generic (= ${abi//-/.}.$n), linux-headers-generic (= ${abi//-/.}.$n)"
}

publish() {
  (cd "$repo" && dpkg-scanpackages -m . /dev/null > Packages 2>/dev/null) || die "dpkg-scanpackages failed"
  in_chroot apt-get update -q >&2 || die "apt-get update with the local repository failed"
}

abi_a=${debian_abi%-amd64}        # e.g. 6.1.0-57: Ubuntu's ABI numbering
abi_b="${abi_a%-*}-$(( ${abi_a##*-} + 1 ))"  # the next ABI, for the upgrade
start=$(date +%s.%N)
abi_set "$abi_a" 1
echo "deb [trusted=yes] file:/srv/ubuntu-shape ./" > "$SCKL_ROOT/etc/apt/sources.list.d/ubuntu-shape.list"
publish
log "figure: Ubuntu-shaped repository ($abi_a-generic): $(elapsed "$start") s"

bootloaders() {  # installed bootloader packages, one per line
  in_chroot dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' 2>/dev/null \
    | awk '$2 ~ /^[ih]i/ && $1 ~ /^(grub-pc|grub-efi|grub-efi-amd64|grub-efi-amd64-signed|grub-efi-ia32|grub2|grub-legacy|lilo|grub-cloud-amd64|grub-xen|systemd-boot)$/ { print $1 }'
}
target() { in_chroot sckl status --json | jq -r .target; }

# --- control: without sckl, linux-generic brings grub-pc ---------------------
sim=$(in_chroot apt-get install -s linux-generic 2>&1) || { echo "$sim" >&2; die "control: apt-get -s install linux-generic failed"; }
grep -q '^Inst grub-pc ' <<<"$sim" || { echo "$sim" >&2; die "control: linux-generic would not pull grub-pc; the case proves nothing"; }
log "ok: control: without sckl, apt install linux-generic would install grub-pc (Recommends)"

install_deb
[[ ! -e $SCKL_ROOT/vmlinuz && ! -e $SCKL_ROOT/boot/vmlinuz ]] || die "precondition: a kernel link exists before any kernel"

# --- apt install linux-generic ------------------------------------------------
start=$(date +%s.%N)
rc=0
in_chroot apt install -y linux-generic >"$SCKL_WORK/install.log" 2>&1 || rc=$?
cat "$SCKL_WORK/install.log" >&2
[[ $rc -eq 0 ]] || die "apt install linux-generic exited $rc"
log "figure: apt install linux-generic (Ubuntu-shaped, with sckl): $(elapsed "$start") s"
[[ -z $(bootloaders) ]] || die "a bootloader got installed: $(bootloaders | tr '\n' ' ')"
grep -q "^sckl: declined grub-pc (recommended by linux-image-$abi_a-generic): " "$SCKL_WORK/install.log" \
  || die "apt's output has no line from sckl that it declined grub-pc"
[[ $(grep -c '^sckl: declined' "$SCKL_WORK/install.log") -eq 1 ]] || die "sckl said it declined more than once"
log "ok: apt install linux-generic: exit 0, no bootloader, one line: $(grep '^sckl: declined' "$SCKL_WORK/install.log" | cut -c1-80)..."
# The hooks ran late, from the trigger, with DEB_MAINT_PARAMS (the fixture
# behaves as Ubuntu's packages do), and zz-sckl's run came after it.
grep -q "^Processing triggers for linux-image-$abi_a-generic" "$SCKL_WORK/install.log" || die "no trigger processing"
grep -qE "^args=$abi_a-generic /boot/vmlinuz-$abi_a-generic DEB_MAINT_PARAMS=configure ?\$" \
  "$SCKL_ROOT/var/tmp/kernel-hook-calls" || { cat "$SCKL_ROOT/var/tmp/kernel-hook-calls" >&2; die "hooks not called as Ubuntu calls them"; }
[[ $(readlink "$SCKL_ROOT/boot/vmlinuz") == "vmlinuz-$abi_a-generic" ]] || die "/boot/vmlinuz is not the new kernel's link"
[[ ! -e $SCKL_ROOT/vmlinuz && ! -L $SCKL_ROOT/vmlinuz ]] || die "a /vmlinuz link appeared: link_in_boot was not honoured"
[[ -f $SCKL_ROOT/boot/initrd.img-$abi_a-generic ]] || die "no initrd for $abi_a-generic"
t=$(target)
[[ $t == "$abi_a-generic" ]] || die "sckl's target is '$t', not $abi_a-generic"
log "ok: hooks from the trigger with DEB_MAINT_PARAMS; links in /boot only; sckl's target is $t"

# --- the next ABI through apt upgrade ----------------------------------------
abi_set "$abi_b" 1
publish
start=$(date +%s.%N)
rc=0
in_chroot apt upgrade -y >"$SCKL_WORK/upgrade.log" 2>&1 || rc=$?
cat "$SCKL_WORK/upgrade.log" >&2
[[ $rc -eq 0 ]] || die "apt upgrade exited $rc"
log "figure: apt upgrade to $abi_b-generic (Ubuntu-shaped, with sckl): $(elapsed "$start") s"
if [[ $(in_chroot dpkg-query -W -f='${db:Status-Abbrev}' "linux-image-$abi_b-generic" 2>/dev/null) != ii* ]]; then
  # Why apt kept it back, for the failure report.
  in_chroot apt upgrade -s -o Debug::pkgProblemResolver=1 -o Debug::pkgDepCache::Marker=1 \
    -o Debug::pkgDepCache::AutoInstall=1 2>&1 | tail -n 60 >&2 || true
  die "apt upgrade did not install linux-image-$abi_b-generic"
fi
[[ -z $(bootloaders) ]] || die "a bootloader got installed by apt upgrade: $(bootloaders | tr '\n' ' ')"
grep -q "^sckl: declined grub-pc (recommended by linux-image-$abi_b-generic): " "$SCKL_WORK/upgrade.log" \
  || die "apt upgrade's output has no line from sckl that it declined grub-pc"
t=$(target)
[[ $t == "$abi_b-generic" ]] || die "after apt upgrade sckl's target is '$t', not $abi_b-generic"
log "ok: apt upgrade: exit 0, no bootloader, declined line, sckl's target is $t"

# --- dpkg-reconfigure changes a choice on that system ------------------------
echo "sckl sckl/target_kernel string $abi_a-generic" | in_chroot debconf-set-selections
in_chroot dpkg-reconfigure -f noninteractive sckl >&2 || die "dpkg-reconfigure sckl failed"
grep -qx "target_kernel = $abi_a-generic" "$SCKL_ROOT/etc/sckl/sckl.conf" \
  || { cat "$SCKL_ROOT/etc/sckl/sckl.conf" >&2; die "dpkg-reconfigure did not write target_kernel"; }
t=$(target)
[[ $t == "$abi_a-generic" ]] || die "after dpkg-reconfigure sckl's target is '$t', not $abi_a-generic"
log "ok: dpkg-reconfigure sckl: target_kernel = $abi_a-generic, sckl's target follows"
host_guard_end
log "figure: ubuntu_kernel total: $(elapsed "$test_start") s"
log "PASS"
