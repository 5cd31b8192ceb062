#!/usr/bin/env bash
# Integration test: the installed generator (sckl-switch) run where it must
# never switch, each time with what systemd gives it at a real boot (the
# three generator directories, SYSTEMD_SCOPE=system, SYSTEMD_IN_INITRD=0),
# so that only the place can stop it:
#   - in a chroot of a bookworm tree: PID 1's root is this machine's, not /
#     (where /proc/1/root cannot be read, as in a docker container that
#     this test may itself run in, the guard cannot tell and refuses too);
#   - chrooted below a PID 1 of its own (unshare --pid, PID 1 a shell at
#     this machine's root): PID 1's root is readable and is not /;
#   - in a container made with unshare (own mount and PID namespaces, the
#     tree as its root and its own /proc, the generator its PID 1): a PID
#     namespace of its own; and the same container announced by its manager;
#   - by hand, without systemd's arguments.
# The tree's kexec, mount, sync and systemctl are fakes that record their
# calls, first in PATH (/usr/local/sbin) and in place of the real kexec: the
# generator runs chrooted into the tree, without CAP_SYS_BOOT, and never
# reaches this machine's /sbin/kexec or its root mount.
# Checks each time: exit 0, one line naming the reason, no call of any fake,
# nothing changed under /run and /var/lib/sckl (no /run/sckl marker, the same
# boot-state).
# Needs root and SCKL_DEB.
set -euo pipefail
SCKL_TEST_NAME=generator_guard
. "$(dirname "$(readlink -f "$0")")/lib.sh"
need_root
need_deb
command -v unshare >/dev/null || die "unshare (util-linux) is not installed"
host_guard_begin
chroot_setup
install_deb

gen=/usr/lib/systemd/system-generators/sckl-switch
in_chroot test -x "$gen" || die "the .deb did not install $gen"

# Fakes that record their calls. Their log is in the tree, and so is each
# fake: nothing outside the tree is ever run.
calls=/var/tmp/sckl-fake-calls
for prog in kexec mount sync systemctl; do
  printf '#!/bin/sh\necho "%s $*" >> %s\nexit 0\n' "$prog" "$calls" > "$SCKL_ROOT/usr/local/sbin/$prog"
  chmod 0755 "$SCKL_ROOT/usr/local/sbin/$prog"
done
cp "$SCKL_ROOT/usr/local/sbin/kexec" "$SCKL_ROOT/usr/sbin/kexec"
[[ -L $SCKL_ROOT/sbin && $(readlink "$SCKL_ROOT/sbin") == usr/sbin ]] \
  || cp "$SCKL_ROOT/usr/local/sbin/kexec" "$SCKL_ROOT/sbin/kexec"

# Everything else as on a provider boot that would switch: no first-boot
# wait, a target, no marker of this boot.
rm -f "$SCKL_ROOT/var/lib/sckl/firstboot-pending"
rm -f "$SCKL_ROOT/run/sckl/switch-ran" "$SCKL_ROOT/run/sckl/decision"
echo "target=$(in_chroot sckl status --json | grep -o '"target":"[^"]*"' | cut -d'"' -f4)
attempts=1
result=indeterminate" > "$SCKL_ROOT/var/lib/sckl/boot-state"

state() {  # what must not change: /run and /var/lib/sckl, content and names
  (cd "$SCKL_ROOT" && find run var/lib/sckl -xdev \( -type f -o -type l \) ! -path run/sckl/lock -print0 \
    | sort -z | xargs -0 -r sha256sum)
}
dirs=(/run/systemd/generator /run/systemd/generator.early /run/systemd/generator.late)
sysenv=(SYSTEMD_SCOPE=system SYSTEMD_IN_INITRD=0)
path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

expect_refused() {  # expect_refused WHAT REASON-WORDS OUTPUT-FILE RC
  local what=$1 words=$2 out=$3 rc=$4
  [[ $rc -eq 0 ]] || { cat "$out" >&2; die "$what: the generator exited $rc (a generator must exit 0 here)"; }
  [[ $(wc -l < "$out") -eq 1 ]] || { cat "$out" >&2; die "$what: expected one line from the generator"; }
  grep -q "not switching" "$out" && grep -q "$words" "$out" \
    || { cat "$out" >&2; die "$what: the line does not name the reason ($words)"; }
  [[ ! -e $SCKL_ROOT$calls ]] || { cat "$SCKL_ROOT$calls" >&2; die "$what: a fake was called"; }
  [[ $(state) == "$before" ]] || { diff <(echo "$before") <(state) >&2 || true; die "$what: state was written"; }
  log "ok: $what: refused ($(cat "$out")), no kexec, nothing written"
}

before=$(state)
start=$(date +%s.%N)
set +e
in_chroot env "${sysenv[@]}" "$gen" "${dirs[@]}" > "$SCKL_WORK/chroot.out" 2>&1
rc=$?
set -e
expect_refused "in a chroot" "chroot\|booted system's root" "$SCKL_WORK/chroot.out" "$rc"
log "figure: generator refusal in a chroot: $(elapsed "$start") s"

# Chrooted below a PID 1 of its own whose root is this machine's: the root
# comparison itself decides (PID 1's root can be read here).
set +e
setpriv --bounding-set=-sys_boot -- \
  unshare --mount --pid --fork --mount-proc="$SCKL_ROOT/proc" \
    sh -c 'chroot "$1" env -i PATH="$2" LC_ALL=C.UTF-8 SYSTEMD_SCOPE=system SYSTEMD_IN_INITRD=0 "$3" "$4" "$5" "$6"; exit $?' \
      sh "$SCKL_ROOT" "$path" "$gen" "${dirs[@]}" > "$SCKL_WORK/chroot-pid1.out" 2>&1
rc=$?
set -e
expect_refused "chrooted below PID 1" "a chroot" "$SCKL_WORK/chroot-pid1.out" "$rc"

# A container: new mount and PID namespaces, the tree as root, its own /proc
# (mounted in the new namespace only). The generator is PID 1 there, so
# PID 1's root is its root: the PID namespace gives it away.
set +e
setpriv --bounding-set=-sys_boot -- \
  unshare --mount --pid --fork --mount-proc="$SCKL_ROOT/proc" \
    chroot "$SCKL_ROOT" env -i PATH="$path" LC_ALL=C.UTF-8 "${sysenv[@]}" "$gen" "${dirs[@]}" \
    > "$SCKL_WORK/container.out" 2>&1
rc=$?
set -e
expect_refused "in an unshare'd container" "PID namespace" "$SCKL_WORK/container.out" "$rc"

# The same container announced by its manager (/run/systemd/container).
echo docker > "$SCKL_ROOT/run/systemd/container" 2>/dev/null \
  || { mkdir -p "$SCKL_ROOT/run/systemd"; echo docker > "$SCKL_ROOT/run/systemd/container"; }
before=$(state)
set +e
setpriv --bounding-set=-sys_boot -- \
  unshare --mount --pid --fork --mount-proc="$SCKL_ROOT/proc" \
    chroot "$SCKL_ROOT" env -i PATH="$path" LC_ALL=C.UTF-8 "${sysenv[@]}" SYSTEMD_VIRTUALIZATION=container:docker \
      "$gen" "${dirs[@]}" > "$SCKL_WORK/docker.out" 2>&1
rc=$?
set -e
expect_refused "in a container that says so" "container" "$SCKL_WORK/docker.out" "$rc"

# By hand, without systemd's arguments.
set +e
in_chroot "$gen" > "$SCKL_WORK/byhand.out" 2>&1
rc=$?
set -e
expect_refused "run by hand" "no arguments" "$SCKL_WORK/byhand.out" "$rc"

host_guard_end
log "PASS"
