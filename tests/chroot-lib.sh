# shellcheck shell=bash
# Chroot pieces shared by the integration tests (tests/integration/lib.sh) and
# the VM harness (tests/vm/lib.sh); sourced, not run.

# machine_apt_sources: the machine's own apt sources (deb822 and one-line),
# for mmdebstrap's stdin, so that no archive host name is ever written into a
# file of ours.
machine_apt_sources() {
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    if [[ -e $f ]]; then cat "$f"; echo; fi
  done
  if [[ -s /etc/apt/sources.list ]]; then grep -Ev '^[[:space:]]*(#|$)' /etc/apt/sources.list || true; fi
  for f in /etc/apt/sources.list.d/*.list; do
    if [[ -e $f ]]; then grep -Ev '^[[:space:]]*(#|$)' "$f" || true; fi
  done
  return 0
}

# host_release: this machine's release codename (bookworm on the CI machine).
host_release() { (. /etc/os-release && echo "${VERSION_CODENAME:?no VERSION_CODENAME in /etc/os-release}"); }

# apt_sources_for SUITE: the machine's apt sources (machine_apt_sources) with
# its own release's codename replaced by SUITE in the suite fields ("Suites:"
# of deb822, the third word of one-line "deb" entries): bookworm,
# bookworm-updates and bookworm-security become trixie, trixie-updates,
# trixie-security. Same mirrors, no host name written anywhere.
apt_sources_for() {
  local suite=$1 host
  host=$(host_release)
  machine_apt_sources | awk -v from="$host" -v to="$suite" '
    function swap(w) { if (w == from || index(w, from "-") == 1) return to substr(w, length(from) + 1); return w }
    /^Suites:/ { out = "Suites:"; for (i = 2; i <= NF; i++) out = out " " swap($i); print out; next }
    /^deb(-src)?[[:space:]]/ {
      # deb [opts] URI SUITE COMPONENTS...: the suite is the word after the URI.
      i = 2; if ($2 ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
      $(i + 1) = swap($(i + 1)); print; next }
    { print }'
}

# chroot_mount_private ROOT LABEL: a private /dev (a tmpfs with a handful of
# nodes made by mknod, never a bind of the host's: a grub or kernel package
# in the chroot must find no real disk) and a /proc in ROOT. LABEL names the
# mounts (findmnt shows whose they are).
chroot_mount_private() {
  local root=$1 label=$2 spec name maj min
  mount -t tmpfs -o mode=0755,nosuid,size=1m "$label-dev" "$root/dev"
  for spec in null:1:3 zero:1:5 full:1:7 random:1:8 urandom:1:9 tty:5:0; do
    IFS=: read -r name maj min <<<"$spec"
    mknod -m 0666 "$root/dev/$name" c "$maj" "$min"
  done
  ln -s /proc/self/fd "$root/dev/fd"
  ln -s /proc/self/fd/0 "$root/dev/stdin"
  ln -s /proc/self/fd/1 "$root/dev/stdout"
  ln -s /proc/self/fd/2 "$root/dev/stderr"
  mkdir -m 1777 "$root/dev/shm"
  mount -t proc -o nosuid,nodev,noexec "$label-proc" "$root/proc"
}

# chroot_run ROOT CMD...: CMD in ROOT with a clean environment and without
# CAP_SYS_BOOT in its bounding set (setpriv): neither kexec_load,
# kexec_file_load nor reboot(2) can reach the host's kernel, whatever a
# maintainer script tries.
chroot_run() {
  local root=$1; shift
  setpriv --bounding-set=-sys_boot -- \
    env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
      HOME=/root LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive TERM=dumb \
      chroot "$root" "$@"
}
