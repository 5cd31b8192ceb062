#!/usr/bin/env bash
# The built binaries with odd arguments and damaged files, against a
# temporary root: each must exit with the documented code (sckl(8): 0 ok,
# 1 failure, 2 wrong usage; a kernel hook 0 for anything but wrong usage),
# never crash (no exit code >= 128), and name the argument or file at fault
# on stderr without passing control bytes through.
#   odd_input.sh BINARY_DIR   (the build's hooks/ directory)
# Acts only below its temp root (--root, DPKG_ROOT); never on this machine.
set -uo pipefail
bin=${1:?usage: odd_input.sh BINARY_DIR}
root=$(mktemp -d /tmp/sckl-odd-XXXXXX)
trap 'rm -rf "$root"' EXIT
failures=0
cases=0

fresh_root() {
  rm -rf "$root"/*
  mkdir -p "$root/proc/sys/kernel" "$root/boot" "$root/lib/modules/6.1.0-56-amd64" "$root/etc/sckl"
  echo "root=/dev/vda console=ttyS0" > "$root/proc/cmdline"
  echo "6.1.0-47-cloud-amd64" > "$root/proc/sys/kernel/osrelease"
  echo "MemAvailable:     800000 kB" > "$root/proc/meminfo"
  # A bzImage header: "HdrS" at 0x202.
  { head -c 514 /dev/zero; printf 'HdrS'; head -c 506 /dev/zero; } > "$root/boot/vmlinuz-6.1.0-56-amd64"
  echo initrd > "$root/boot/initrd.img-6.1.0-56-amd64"
}

# check WANT_CODE NEEDLE [--stdin FILE] [--env K=V] -- PROGRAM ARGS...
# NEEDLE must appear in stderr ("" for no check). Also: no crash, no raw
# control bytes (other than newline and tab) on stderr, stderr under 16 KiB.
check() {
  local want=$1 needle=$2 stdin=/dev/null envs=()
  shift 2
  while [[ $1 != -- ]]; do
    case $1 in
      --stdin) stdin=$2; shift 2 ;;
      --env) envs+=("$2"); shift 2 ;;
    esac
  done
  shift
  cases=$((cases + 1))
  local out="$root.out" err="$root.err" rc=0
  env -u DPKG_ROOT "${envs[@]}" "$@" < "$stdin" > "$out" 2> "$err" || rc=$?
  local shown
  shown=$(printf '%q ' "${@:1:6}" | cut -c1-160)
  local why=()
  (( rc >= 128 )) && why+=("crashed (exit $rc)")
  (( rc != want )) && why+=("exit $rc, expected $want")
  [[ -n $needle ]] && ! grep -qF -- "$needle" "$err" && why+=("stderr does not name '$needle'")
  [[ -s $err ]] || [[ $want -eq 0 ]] || why+=("no message on stderr")
  LC_ALL=C grep -q '[[:cntrl:]]' <(tr -d '\n\t' < "$err") && why+=("control bytes on stderr")
  (( $(stat -c %s "$err") < 16384 )) || why+=("stderr is $(stat -c %s "$err") bytes")
  if (( ${#why[@]} )); then
    failures=$((failures + 1))
    echo "FAIL: $shown: ${why[*]}"
    head -c 600 "$err" | sed 's/^/    /'
    echo
  fi
}

sckl=("$bin/sckl" --root "$root")
fresh_root

# Wrong usage of the command: 2, naming what was wrong.
check 2 "no verb" -- "${sckl[@]}"
check 2 "'frobnicate'" -- "${sckl[@]}" frobnicate
check 2 "'--frob'" -- "${sckl[@]}" --frob status
check 2 "--root" -- "$bin/sckl" --root
check 2 "'relative'" -- "$bin/sckl" --root relative status
check 2 "sckl status" -- "${sckl[@]}" status extra
check 2 "sckl set-target" -- "${sckl[@]}" set-target
check 2 "sckl set-target" -- "${sckl[@]}" set-target a b
check 2 "--json" -- "${sckl[@]}" arm --json
check 2 "--root" -- "${sckl[@]}" check
check 2 '\x1b[2J' -- "${sckl[@]}" "$(printf 'x\033[2Jy')"
check 2 "more bytes not shown" -- "${sckl[@]}" "$(head -c 100000 /dev/zero | tr '\0' v)"
check 2 '\xff' -- "${sckl[@]}" "$(printf 'verb\377')"

# Failures: 1, naming the file or argument.
check 1 "/nonexistent-sckl-root" -- "$bin/sckl" --root /nonexistent-sckl-root status
check 1 "/nonexistent-sckl-root" -- "$bin/sckl" --root /nonexistent-sckl-root disable
check 1 "../../etc/passwd" -- "${sckl[@]}" set-target ../../etc/passwd
check 1 '\x1b' -- "${sckl[@]}" set-target "$(printf '6.1\033[31m')"
check 1 "9.9.9" -- "${sckl[@]}" set-target 9.9.9

conf="$root/etc/sckl/sckl.conf"
head -c 3000 /dev/urandom > "$conf"
check 1 "sckl.conf line" -- "${sckl[@]}" status
check 1 "sckl.conf line" -- "${sckl[@]}" set-target newest
printf '\0\0\0autostart = yes\n' > "$conf"
check 1 "sckl.conf line 1" -- "${sckl[@]}" status
check 1 "sckl.conf line 1" -- "${sckl[@]}" arm
head -c 10000000 /dev/zero | tr '\0' x > "$conf"
check 1 "more bytes not shown" -- "${sckl[@]}" status
printf 'tries \303\050 = \355\240\200\n' > "$conf"
check 1 '\xed\xa0\x80' -- "${sckl[@]}" list
rm -f "$conf"; mkdir "$conf"
check 1 "sckl.conf" -- "${sckl[@]}" status
check 1 "sckl.conf" -- "${sckl[@]}" set-target newest
rmdir "$conf"

mkdir -p "$root/var/lib/sckl"
head -c 200 /dev/urandom > "$root/var/lib/sckl/boot-state"
check 0 "" -- "${sckl[@]}" status
grep -qF "boot-state" "$root.out" || { failures=$((failures + 1)); echo "FAIL: status does not show the damaged boot-state"; }
check 0 "" -- "${sckl[@]}" good
grep -qx "result=good" "$root/var/lib/sckl/boot-state" || { failures=$((failures + 1)); echo "FAIL: 'sckl good' did not rewrite the damaged boot-state"; }
printf '\211PNG\r\n\032\n' > "$root/var/lib/sckl/manifest"
check 1 "manifest" -- "${sckl[@]}" status
rm -f "$root/var/lib/sckl/manifest"

# The lock file cannot be opened (a directory in its place): 1, naming it.
rm -f "$root/run/sckl/lock"; mkdir -p "$root/run/sckl/lock"
check 1 "$root/run/sckl/lock" -- "${sckl[@]}" disable
[[ ! -e $root/etc/sckl/disabled ]] || { failures=$((failures + 1)); echo "FAIL: disable wrote without the lock"; }
rmdir "$root/run/sckl/lock"

# Kernel hooks: 2 only for wrong usage; a kernel they cannot handle or a
# damaged system is a warning and 0, so that the kernel package goes on.
fresh_root
for hook in sckl-kernel-postinst sckl-kernel-postrm; do
  h=("$bin/$hook")
  check 2 "zz-sckl" --env DPKG_ROOT="$root" -- "${h[@]}"
  check 2 "zz-sckl" --env DPKG_ROOT="$root" -- "${h[@]}" a b c
  check 2 "zz-sckl" --env DPKG_ROOT="$root" -- "${h[@]}" ""
  check 2 "'--help'" --env DPKG_ROOT="$root" -- "${h[@]}" --help
  check 0 "'weird version/x'" --env DPKG_ROOT="$root" -- "${h[@]}" "weird version/x" /boot/vmlinuz-x
  check 0 '\x1b' --env DPKG_ROOT="$root" -- "${h[@]}" "$(printf '6.1\033[2J')"
  check 0 "" --env DPKG_ROOT="$root" -- "${h[@]}" 6.1.0-56-amd64 /boot/vmlinuz-6.1.0-56-amd64
done
h=("$bin/sckl-initramfs-post-update")
check 2 "post-update.d/sckl" --env DPKG_ROOT="$root" -- "${h[@]}"
check 0 "" --env DPKG_ROOT="$root" -- "${h[@]}" 6.1.0-56-amd64
check 0 "" --env DPKG_ROOT="$root" -- "${h[@]}" 6.1.0-56-amd64 /boot/initrd.img-6.1.0-56-amd64
printf 'autostart\0 = yes\n' > "$conf"
check 0 "sckl.conf line 1" --env DPKG_ROOT="$root" -- "$bin/sckl-kernel-postinst" 6.1.0-56-amd64
rm -f "$conf" && rm -rf "$root/boot"
check 0 "/boot" --env DPKG_ROOT="$root" -- "$bin/sckl-kernel-postrm" 6.1.0-56-amd64

# Maintainer scripts: an action dpkg never passes, or a form without its
# required arguments, is wrong usage (2), before anything is read or written.
# (Arguments after a whole form are ignored, as shell scripts do: see
# maint_args_test.cc.)
fresh_root
before=$(cd "$root" && find . -printf '%p %y %s %m\n' | sort)
check 2 "postinst" --env DPKG_ROOT="$root" -- "$bin/postinst"
check 2 "'frobnicate'" --env DPKG_ROOT="$root" -- "$bin/postinst" frobnicate
check 2 "preinst" --env DPKG_ROOT="$root" -- "$bin/preinst" ""
check 2 "postrm abort-upgrade" --env DPKG_ROOT="$root" -- "$bin/postrm" abort-upgrade
after=$(cd "$root" && find . -printf '%p %y %s %m\n' | sort)
[[ $before == "$after" ]] ||
  { failures=$((failures + 1)); echo "FAIL: a maintainer script called wrongly changed the root:"; diff <(echo "$before") <(echo "$after"); }

# apt's hook reads what apt writes on its stdin; junk is a warning, not a refusal.
head -c 5000 /dev/urandom > "$root.junk"
check 0 "apt-refuse-grub" --stdin "$root.junk" -- "$bin/apt-refuse-grub"
check 0 "" -- "$bin/apt-refuse-grub"
# apt's JSON hook: run by hand it says what it is; junk on its socket is a
# warning and exit 0 (a hook must never fail apt).
check 2 "APT_HOOK_SOCKET" -- "$bin/apt-grub-notice"
check 0 "apt-grub-notice" --stdin "$root.junk" --env APT_HOOK_SOCKET=0 -- "$bin/apt-grub-notice"
rm -f "$root.junk" "$root.out" "$root.err"

# The fast-reboot hook acts on this machine's / (it is never given a root):
# only wrong usage is tried here, which exits before anything is read.
check 2 "sckl-fast-reboot" -- "$bin/sckl-fast-reboot"
check 2 "sckl-fast-reboot" -- "$bin/sckl-fast-reboot" frobnicate
check 2 "sckl-fast-reboot" -- "$bin/sckl-fast-reboot" reboot extra
check 2 "sckl-fast-reboot" -- "$bin/sckl-fast-reboot" --help

echo "figure: odd input cases: $cases, failed: $failures"
(( failures == 0 ))
