#!/usr/bin/env bash
# Integration test: sckl's debconf questions in a bookworm chroot.
#   - answers preseeded with debconf-set-selections shape the new sckl.conf
#     at dpkg -i (the config script, then the compiled postinst);
#   - changed selections + dpkg-reconfigure -f noninteractive change the
#     file, and an admin's comment survives;
#   - a value edited by hand in the file survives dpkg-reconfigure (the file
#     is the truth) and is what debconf shows afterwards;
#   - bad answers (tries=abc, a forged sckl.* marker, a kernel that is not
#     installed) are refused non-interactively, naming the question, with the
#     file byte for byte as before;
#   - interactively (teletype frontend on a pseudo-terminal, driven by
#     pty-drive) all questions are shown and bad answers re-asked with a note;
#   - purge removes sckl's questions from debconf (compiled postrm);
#   - apt install ./sckl.deb with apt-utils preconfigures without an error.
# Needs root, SCKL_DEB and the machine's apt sources (apt runs in the chroot).
set -euo pipefail
SCKL_TEST_NAME=debconf
here=$(dirname "$(readlink -f "$0")")
. "$here/lib.sh"
need_root
need_deb
host_guard_begin
chroot_setup

conf=$SCKL_ROOT/etc/sckl/sckl.conf
conf_get() { sed -n "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*//p" "$conf" | tail -n 1; }
expect_value() {  # expect_value KEY VALUE WHAT
  [[ $(conf_get "$1") == "$2" ]] || { cat "$conf" >&2; die "$3: $1 should be '$2' in sckl.conf, is '$(conf_get "$1")'"; }
}
debconf_value() { in_chroot debconf-show sckl | sed -n "s/^[* ] sckl\/$1: //p"; }
kver=$(find "$SCKL_ROOT/boot" -maxdepth 1 -name 'vmlinuz-*' -printf '%f\n' | sed 's/^vmlinuz-//' | sort -V | tail -n 1)
[[ -n $kver ]] || die "precondition: the base image has no kernel"

# --- preseed, then dpkg -i ----------------------------------------------------
in_chroot debconf-set-selections <<EOF2
sckl sckl/tries string 3
sckl sckl/nic_names select off
sckl sckl/extra_cmdline string console=ttyS0 quiet
sckl sckl/target_kernel string $kver
sckl sckl/autostart boolean false
EOF2
install_deb
expect_value tries 3 "preseed"
expect_value nic_names off "preseed"
expect_value extra_cmdline "console=ttyS0 quiet" "preseed"
expect_value target_kernel "$kver" "preseed"
expect_value autostart no "preseed"
expect_value fast_reboot no "preseed (default)"
expect_value boot_timeout 600 "preseed (default)"
head -n 1 "$conf" | grep -q "^# sckl's configuration" || die "the new sckl.conf lost its explaining comments"
log "ok: preseeded answers are in the new sckl.conf"

# --- changed selections + dpkg-reconfigure, the admin's comment kept ------------
printf '# admin: fleet A, do not touch\ncustom_key = kept\n' >> "$conf"
in_chroot debconf-set-selections <<<"sckl sckl/tries string 5"
in_chroot dpkg-reconfigure -f noninteractive sckl >&2 || die "dpkg-reconfigure -f noninteractive failed"
expect_value tries 5 "reconfigure"
grep -qx '# admin: fleet A, do not touch' "$conf" || die "the admin's comment was lost"
grep -qx 'custom_key = kept' "$conf" || die "an unknown key was lost"
log "ok: dpkg-reconfigure wrote the new answer and kept the admin's comment and key"

# --- a hand edit wins over debconf --------------------------------------------
sed -i 's/^nic_names = off$/nic_names = mac/' "$conf"
cp "$conf" "$SCKL_WORK/conf.edited"
in_chroot dpkg-reconfigure -f noninteractive sckl >&2 || die "dpkg-reconfigure after a hand edit failed"
cmp -s "$conf" "$SCKL_WORK/conf.edited" || { diff "$SCKL_WORK/conf.edited" "$conf" >&2; die "reconfigure changed a hand-edited file"; }
[[ $(debconf_value nic_names) == mac ]] || die "debconf should now show the file's nic_names (mac), shows '$(debconf_value nic_names)'"
log "ok: a hand edit survives dpkg-reconfigure and is loaded into debconf"

# --- bad answers: refused, the file whole ---------------------------------------
refused() {  # refused SELECTION EXPECTED-TEXT...
  local sel=$1 out
  shift
  cp "$conf" "$SCKL_WORK/conf.before"
  in_chroot debconf-set-selections <<<"$sel"
  if out=$(in_chroot dpkg-reconfigure -f noninteractive sckl 2>&1); then
    echo "$out" >&2
    die "'$sel' was accepted"
  fi
  local t
  for t in "$@"; do
    grep -qF -- "$t" <<<"$out" || { echo "$out" >&2; die "the refusal of '$sel' does not say '$t'"; }
  done
  cmp -s "$conf" "$SCKL_WORK/conf.before" || die "a refused answer ('$sel') changed sckl.conf"
  log "ok: '$sel' refused: $(grep -m1 -F 'cannot be used' <<<"$out")"
}
refused "sckl sckl/tries string abc" "sckl/tries" "'abc'" "1 to 9" "dpkg-reconfigure sckl"
in_chroot debconf-set-selections <<<"sckl sckl/tries string 5"
refused "sckl sckl/extra_cmdline string quiet sckl.boot=9" "sckl/extra_cmdline" "sckl.boot=9"
in_chroot debconf-set-selections <<<"sckl sckl/extra_cmdline string console=ttyS0 quiet"
refused "sckl sckl/target_kernel string 9.9.9-1-amd64" "sckl/target_kernel" "9.9.9-1-amd64" "$kver"
in_chroot debconf-set-selections <<<"sckl sckl/target_kernel string newest"
in_chroot dpkg-reconfigure -f noninteractive sckl >&2 || die "dpkg-reconfigure with good answers again failed"
expect_value target_kernel newest "after the refusals"

# A bad value typed into the file by hand: the refusal says to fix the file.
sed -i 's/^tries = 5$/tries = many/' "$conf"
out=$(in_chroot dpkg-reconfigure -f noninteractive sckl 2>&1) && { echo "$out" >&2; die "tries = many in the file was accepted"; }
grep -qF "correct tries in /etc/sckl/sckl.conf" <<<"$out" || { echo "$out" >&2; die "the refusal does not point at the file"; }
sed -i 's/^tries = many$/tries = 5/' "$conf"
in_chroot dpkg-reconfigure -f noninteractive sckl >&2 || die "dpkg-reconfigure after fixing the file failed"
log "ok: a bad hand edit is refused with a pointer to the file"

# --- interactive: teletype frontend on a pseudo-terminal ------------------------
# dpkg-reconfigure shows all seven questions (priority low); the three bad
# answers are re-asked by postinst after an error note.
script=$SCKL_WORK/answers
cat > "$script" <<'EOF2'
# PATTERN<TAB>ANSWER
on every boot\?	yes
Kernel to switch into:	newest
Extra words for the kernel command line:	quiet sckl.boot=1
network interface names across the switch:	path
provider's kernel \(1-9\):	abc
straight into it\?	no
before it is reset \(0 = never\):	5
Invalid answer for sckl/extra_cmdline[\s\S]*Extra words for the kernel command line:	quiet
Invalid answer for sckl/tries[\s\S]*provider's kernel \(1-9\):	4
Invalid answer for sckl/boot_timeout[\s\S]*before it is reset \(0 = never\):	90
EOF2
start=$(date +%s.%N)
if ! setpriv --bounding-set=-sys_boot -- env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 TERM=dumb \
    python3 "$here/pty-drive" "$script" -- chroot "$SCKL_ROOT" dpkg-reconfigure -f teletype sckl \
    > "$SCKL_WORK/tty.log" 2>&1; then
  cat "$SCKL_WORK/tty.log" >&2
  die "the interactive dpkg-reconfigure did not go as expected"
fi
log "figure: interactive dpkg-reconfigure (10 answers): $(elapsed "$start") s"
grep -q "cannot be used" "$SCKL_WORK/tty.log" || { cat "$SCKL_WORK/tty.log" >&2; die "no error note was shown"; }
expect_value extra_cmdline quiet "interactive re-ask"
expect_value tries 4 "interactive re-ask"
expect_value boot_timeout 90 "interactive re-ask"
expect_value nic_names path "interactive"
log "ok: interactive questions shown, bad answers re-asked with a note"

# --- purge removes sckl's debconf questions -------------------------------------
in_chroot dpkg --purge sckl >&2 || die "dpkg --purge failed"
[[ -z $(in_chroot debconf-show sckl) ]] || { in_chroot debconf-show sckl >&2; die "sckl's questions are still in debconf after purge"; }
[[ ! -e $conf ]] || die "sckl.conf is still there after purge"
log "ok: purge removed sckl's questions from debconf"

# --- apt install with apt-utils: the shell config script preconfigures ---------
cp /etc/resolv.conf "$SCKL_ROOT/etc/resolv.conf"
in_chroot apt-get update -q >&2 || die "apt-get update in the chroot failed"
in_chroot apt-get install -y -q apt-utils >&2 || die "installing apt-utils failed"
cp "$SCKL_DEB" "$SCKL_ROOT/tmp/sckl.deb"
out=$(in_chroot apt-get install -y /tmp/sckl.deb 2>&1) || { echo "$out" >&2; die "apt-get install ./sckl.deb failed"; }
grep -q "Preconfiguring packages" <<<"$out" || { echo "$out" >&2; die "apt did not preconfigure (is apt-utils installed?)"; }
if grep -qiE "failed to preconfigure|not found|exit status 127" <<<"$out"; then
  echo "$out" >&2
  die "preconfiguring sckl failed"
fi
[[ -s $conf ]] || die "apt install did not create sckl.conf"
log "ok: apt install with apt-utils preconfigures sckl without an error"

host_guard_end
log "PASS"
