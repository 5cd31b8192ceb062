# shellcheck shell=bash
# Shared helpers of the chroot integration tests (sourced, not run).
#
# Safety rules kept here for every test:
# - everything happens in a throwaway tree under a temp dir; the host's /etc,
#   /boot and bootloader are never touched;
# - the chroot gets a private /dev (a tmpfs with a handful of device nodes made
#   with mknod), never a bind mount of the host's /dev, and its own /proc;
# - every command in the chroot runs without CAP_SYS_BOOT in its bounding set
#   (setpriv), so neither kexec_load/kexec_file_load nor reboot(2) can reach the
#   host's kernel, whatever a maintainer script tries;
# - a trap unmounts and removes the tree on any exit, also on failure.

set -euo pipefail
# shellcheck source=tests/chroot-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../chroot-lib.sh"

SCKL_TEST_CACHE=${SCKL_TEST_CACHE:-/var/cache/sckl-tests}
# The release of the chroot (SCKL_TEST_SUITE; the apt sources are this
# machine's, rewritten to it: apt_sources_for) and the packages of its base
# tarball (SCKL_TEST_INCLUDE). linux-image-amd64 makes the build slower
# (initramfs) but later tests install and arm kernels, so it is there now.
SCKL_SUITE=${SCKL_TEST_SUITE:-bookworm}
SCKL_INCLUDE=${SCKL_TEST_INCLUDE:-systemd-sysv,udev,kexec-tools,initramfs-tools,linux-image-amd64,zstd}

log() { printf '%s: %s\n' "${SCKL_TEST_NAME:-sckl-test}" "$*" >&2; }
die() { log "FAIL: $*"; exit 1; }

# elapsed START: seconds since START (a `date +%s.%N` value), two decimals.
elapsed() {
  awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }'
}

need_root() {
  [[ $(id -u) -eq 0 ]] || die "must run as root (chroot, mknod, mount)"
}

# The .deb under test, from $SCKL_DEB. Unset or missing is a failure, never a
# silent pass: ctest must not report green without having tested a package.
need_deb() {
  [[ -n ${SCKL_DEB:-} ]] || die "SCKL_DEB is not set: point it at the built sckl_*.deb (tests/run-all does)"
  [[ -f $SCKL_DEB ]] || die "SCKL_DEB=$SCKL_DEB: no such file"
  SCKL_DEB=$(readlink -f "$SCKL_DEB")
}

# Prints the path of the cached base tarball, building it first when no
# tarball for the current inputs exists. The key hashes everything that
# decides its content: the recipe below, the apt sources and mmdebstrap's
# version. Concurrent tests wait on a lock instead of building twice.
ensure_tarball() {
  local recipe key tar lock start
  mkdir -p "$SCKL_TEST_CACHE"
  recipe="suite=$SCKL_SUITE variant=minbase include=$SCKL_INCLUDE
mmdebstrap=$(dpkg-query -W -f='${Version}' mmdebstrap 2>/dev/null || echo none)
$(apt_sources_for "$SCKL_SUITE")"
  key=$(printf '%s' "$recipe" | sha256sum | cut -c1-16)
  tar="$SCKL_TEST_CACHE/$SCKL_SUITE-minbase-$key.tar"
  # Another package set of the same release has a name of its own (the
  # clean-up below keeps one tarball per name).
  [[ -z ${SCKL_TEST_INCLUDE:-} ]] || tar="$SCKL_TEST_CACHE/$SCKL_SUITE-minbase-${SCKL_TEST_TARBALL_NAME:?}-$key.tar"
  lock="$SCKL_TEST_CACHE/.lock"
  exec {lockfd}>"$lock"
  flock "$lockfd"
  if [[ ! -f $tar || ! -s $tar ]]; then
    command -v mmdebstrap >/dev/null || die "mmdebstrap is not installed (tests/run-all installs it)"
    log "building base tarball $tar (once per input set)"
    start=$(date +%s.%N)
    # kexec-tools is left to its non-interactive default (LOAD_KEXEC=true in
    # the chroot) so that sckl's change to it is visible; the chroot is not
    # this machine.
    local tmp="$SCKL_TEST_CACHE/.building-$key.tar"
    rm -f "$tmp"
    mmdebstrap --quiet --format=tar --variant=minbase --include="$SCKL_INCLUDE" \
      "$SCKL_SUITE" "$tmp" - < <(apt_sources_for "$SCKL_SUITE") >&2 \
      || { rm -f "$tmp"; die "mmdebstrap failed"; }
    mv "$tmp" "$tar"
    # Tarballs of older input sets are of no further use.
    find "$SCKL_TEST_CACHE" -maxdepth 1 -name "$(basename "${tar%"$key".tar}")$(printf '[0-9a-f]%.0s' {1..16}).tar" \
      ! -path "$tar" -delete
    log "figure: mmdebstrap tarball build time: $(elapsed "$start") s"
  fi
  exec {lockfd}>&-
  printf '%s\n' "$tar"
}

# --- chroot life cycle -------------------------------------------------------

SCKL_WORK=""
SCKL_ROOT=""

# Kills processes left running inside our tree (only ours: their root is the
# tree we made), unmounts what we mounted and removes the tree.
chroot_teardown() {
  local rc=$? p r
  trap - EXIT INT TERM
  if [[ -n $SCKL_ROOT && -d $SCKL_ROOT ]]; then
    for p in /proc/[0-9]*; do
      r=$(readlink "$p/root" 2>/dev/null) || continue
      if [[ $r == "$SCKL_ROOT" || $r == "$SCKL_ROOT"/* ]]; then
        log "killing leftover process ${p#/proc/} in the chroot"
        kill -KILL "${p#/proc/}" 2>/dev/null || true
      fi
    done
    # Deepest mounts first.
    local m
    while read -r m; do
      umount -l "$m" 2>/dev/null || log "could not unmount $m"
    done < <(awk -v r="$SCKL_ROOT" '$2 == r || index($2, r "/") == 1 { print $2 }' /proc/self/mounts | sort -r)
  fi
  if [[ -n $SCKL_WORK && -d $SCKL_WORK ]]; then
    if awk -v r="$SCKL_WORK" 'index($2, r) == 1 { found = 1 } END { exit !found }' /proc/self/mounts; then
      log "something is still mounted under $SCKL_WORK; leaving it for inspection"
    else
      rm -rf --one-file-system "$SCKL_WORK"
    fi
  fi
  exit "$rc"
}

# Unpacks the base tarball into a fresh temp dir and mounts a private /dev and
# /proc. Sets SCKL_ROOT.
chroot_setup() {
  local tar
  tar=$(ensure_tarball)
  SCKL_WORK=$(mktemp -d /var/tmp/sckl-test.XXXXXX)
  SCKL_ROOT="$SCKL_WORK/root"
  trap chroot_teardown EXIT
  trap 'exit 130' INT TERM
  mkdir "$SCKL_ROOT"
  tar -C "$SCKL_ROOT" --numeric-owner --xattrs --xattrs-include='*' -xpf "$tar"

  # Private /dev: a tmpfs with the usual nodes, nothing from the host.
  chroot_mount_private "$SCKL_ROOT" sckl-test
}

# Runs a command in the chroot without CAP_SYS_BOOT (no kexec, no reboot) and
# with a clean environment.
in_chroot() { chroot_run "$SCKL_ROOT" "$@"; }

# Copies the .deb into the chroot, installs it, removes the copy again (so
# that the copy never shows up in a snapshot). Prints dpkg's wall time.
install_deb() {
  local start
  cp "$SCKL_DEB" "$SCKL_ROOT/tmp/sckl-under-test.deb"
  start=$(date +%s.%N)
  in_chroot dpkg -i /tmp/sckl-under-test.deb >&2 || { rm -f "$SCKL_ROOT/tmp/sckl-under-test.deb"; die "dpkg -i failed"; }
  LAST_INSTALL_SECONDS=$(elapsed "$start")
  rm -f "$SCKL_ROOT/tmp/sckl-under-test.deb"
}

# --- snapshots ---------------------------------------------------------------

# What a snapshot leaves out, and why. Everything else in the tree counts:
# path, type, permission bits (with setuid/setgid/sticky), numeric owner and
# group, SHA-256 of a regular file's content, a symlink's target, a device
# node's numbers. Timestamps are left out on purpose: adding and removing a
# file changes its directory's mtime, and a byte-for-byte restore need not
# restore times.
SNAPSHOT_EXCLUDES=(
  # Our own private mounts, not part of the image.
  ./dev
  ./proc
  # dpkg's backup of its status database from before its last write. The
  # status file itself stays in: after a purge it is byte-identical to the
  # one before the install (measured), and it should be.
  ./var/lib/dpkg/status-old
  # sckl's state lock: every maintainer script rewrites the holder's pid in
  # it by design (purge removes it, so install + purge still compares it).
  ./run/sckl/lock
  # Append-only logs of dpkg and update-alternatives, growing by design with
  # every run. (Anything sckl might write under /var/log stays in, and so do
  # the alternatives themselves.)
  ./var/log/dpkg.log
  ./var/log/alternatives.log
  # debconf's backups of its databases (config.dat-old, templates.dat-old,
  # passwords.dat-old), rewritten whenever debconf saves. The databases
  # themselves stay in: a purge must leave them as they were.
  './var/cache/debconf/*-old'
  # Not excluded: /var/lib/dpkg/info, diversions, statoverride, triggers (a
  # purge leaves no trace there), and apt's caches and lists: these tests run
  # dpkg only, so apt's files do not change; a test that runs apt in the
  # chroot must add /var/cache/apt and /var/lib/apt/extended_states here.
)

# snapshot OUTFILE: one line per file system object under $SCKL_ROOT, sorted.
snapshot() {
  local out=$1 prune=() e
  for e in "${SNAPSHOT_EXCLUDES[@]}"; do
    prune+=(-path "$e" -o)
  done
  unset 'prune[${#prune[@]}-1]'
  (
    cd "$SCKL_ROOT"
    # Content hashes of regular files, "path<TAB>sha256".
    find . -xdev \( "${prune[@]}" \) -prune -o -type f -print0 \
      | xargs -0 -r sha256sum \
      | sed -E 's|^\\?([0-9a-f]{64})  \./|\1\t|' > "$out.sha"
    # Device numbers of character and block devices (rare outside /dev).
    find . -xdev \( "${prune[@]}" \) -prune -o \( -type c -o -type b \) -print0 \
      | xargs -0 -r stat -c '%n	%t:%T' | sed 's|^\./||' > "$out.dev"
    find . -xdev \( "${prune[@]}" \) -prune -o -printf '%P\t%y\t%#m\t%U:%G\t%l\n' > "$out.meta"
  )
  awk -F'\t' -v OFS='\t' '
    FILENAME == ARGV[1] { sha[$2] = $1; next }
    FILENAME == ARGV[2] { dev[$1] = $2; next }
    { p = ($1 == "" ? "/" : "/" $1)
      x = ($2 == "f") ? "sha256=" sha[$1] : ($2 == "l") ? "-> " $5 : ($2 == "c" || $2 == "b") ? "dev=" dev[$1] : ""
      print p, $2, $3, $4, x }' "$out.sha" "$out.dev" "$out.meta" | LC_ALL=C sort > "$out"
  rm -f "$out.sha" "$out.dev" "$out.meta"
}

# compare_snapshots A B WHAT: fails with the diff when they differ.
compare_snapshots() {
  if ! diff -u "$1" "$2" > "$2.diff"; then
    log "snapshots differ ($3):"
    cat "$2.diff" >&2
    die "$3: the tree is not as before"
  fi
  log "ok: $3 ($(wc -l < "$1") entries compared)"
}

# --- expectations after install ---------------------------------------------

FAILED_CHECKS=()
check() {
  local what=$1; shift
  if "$@"; then
    log "ok: $what"
  else
    log "NOT OK: $what"
    FAILED_CHECKS+=("$what")
  fi
}
# The end of a test that used check: dies naming every failed check, or
# logs PASS.
finish_checks() {
  if (( ${#FAILED_CHECKS[@]} )); then
    die "${#FAILED_CHECKS[@]} check(s) failed: $(IFS=';'; echo "${FAILED_CHECKS[*]}")"
  fi
  log "PASS"
}

# --- the host stays as it was ------------------------------------------------

# A cheap tripwire on top of the rules above: the host's kexec state and the
# files sckl edits on a real machine must be the same after a test as before.
HOST_GUARD_FILES=(/etc/fstab /etc/default/kexec /etc/sckl/sckl.conf /var/lib/sckl/manifest)
host_state() {
  local f
  printf 'kexec_loaded=%s\n' "$(cat /sys/kernel/kexec_loaded 2>/dev/null || echo n/a)"
  for f in "${HOST_GUARD_FILES[@]}"; do
    if [[ -e $f ]]; then printf '%s %s\n' "$(sha256sum < "$f" | cut -c1-64)" "$f"; else printf 'absent %s\n' "$f"; fi
  done
}
host_guard_begin() { HOST_STATE_BEFORE=$(host_state); }
host_guard_end() {
  local now
  now=$(host_state)
  [[ $now == "$HOST_STATE_BEFORE" ]] || die "the HOST changed during the test:
$(diff <(echo "$HOST_STATE_BEFORE") <(echo "$now"))"
}
