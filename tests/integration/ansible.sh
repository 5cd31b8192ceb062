#!/usr/bin/env bash
# Integration test: the Ansible role (contrib/ansible) rolls the .deb under
# test out to a fleet of two throwaway bookworm chroots (connection
# community.general.chroot, Debian's ansible package) from a local apt
# repository (reprepro) signed with a key made for this test:
#   - a host given the wrong key refuses the repository (the play fails);
#   - the first run adds the repository (deb822, signed-by), preseeds the
#     answers, installs sckl: sckl.conf has them, and the controller's report
#     holds both hosts' "sckl status --json" (schema_version 1);
#   - the second run changes nothing (PLAY RECAP changed=0 on every host);
#   - a changed answer is applied by dpkg-reconfigure; a bad one (tries=abc)
#     fails the play and leaves sckl.conf as it was.
# Needs root, SCKL_DEB, ansible, reprepro and gnupg (tests/run-all installs
# them) and the machine's apt sources (apt runs in the chroots: python3 for
# ansible, the mirror's lists).
set -euo pipefail
SCKL_TEST_NAME=ansible
here=$(dirname "$(readlink -f "$0")")
repo_root=$(readlink -f "$here/../..")
. "$here/lib.sh"
need_root
need_deb
# Its tools come from tests/common.sh:install_host_deps (tests/run-all).
for pkg_tool in ansible:ansible-playbook reprepro:reprepro gnupg:gpg python3:python3; do
  command -v "${pkg_tool#*:}" >/dev/null ||
    die "${pkg_tool#*:} is not installed: apt-get install ${pkg_tool%%:*} (tests/run-all installs it)"
done
test_start=$(date +%s.%N)
host_guard_begin

# --- two chroots: chroot_teardown (lib.sh) kills, unmounts and removes ----------
# everything under SCKL_ROOT, here the directory of both hosts.
tar=$(ensure_tarball)
SCKL_WORK=$(mktemp -d /var/tmp/sckl-ansible.XXXXXX)
SCKL_ROOT=$SCKL_WORK/hosts
httpd_pid=""
# set +e: under errexit "(exit 1)" would end the trap before the teardown.
trap 'rc=$?; set +e; [[ -z $httpd_pid ]] || kill "$httpd_pid" 2>/dev/null; (exit $rc); chroot_teardown' EXIT
trap 'exit 130' INT TERM
mkdir -p "$SCKL_ROOT/host-a"
tar -C "$SCKL_ROOT/host-a" --numeric-owner --xattrs --xattrs-include='*' -xpf "$tar"
# Ansible's modules run on the hosts in python3 (its apt module needs
# python3-apt), which a managed server has and the minimal base image has
# not: installed once, then the tree copied.
cp /etc/resolv.conf "$SCKL_ROOT/host-a/etc/resolv.conf"
chroot_mount_private "$SCKL_ROOT/host-a" sckl-ansible-a
t=$(date +%s.%N)
# apt's output in a log of its own (about 200 lines in CI's output otherwise),
# shown when it fails.
chroot_run "$SCKL_ROOT/host-a" apt-get update -q >"$SCKL_WORK/python3.log" 2>&1 ||
  { cat "$SCKL_WORK/python3.log" >&2; die "apt-get update in the chroot failed"; }
chroot_run "$SCKL_ROOT/host-a" apt-get install -y -q --no-install-recommends python3 python3-apt >>"$SCKL_WORK/python3.log" 2>&1 ||
  { cat "$SCKL_WORK/python3.log" >&2; die "installing python3 failed"; }
log "figure: python3 for ansible in the chroot: $(elapsed "$t") s"
# From here on the hosts know only the fleet's repository (sckl's
# dependencies are in the base image): every "apt-get update" of the role
# stays on this machine and is quick.
mkdir "$SCKL_ROOT/host-a/etc/apt/mirror-sources"
find "$SCKL_ROOT/host-a/etc/apt" -maxdepth 2 \( -name sources.list -o -path '*/sources.list.d/*' \) \
  -exec mv -t "$SCKL_ROOT/host-a/etc/apt/mirror-sources" {} +
umount "$SCKL_ROOT/host-a/proc" "$SCKL_ROOT/host-a/dev"
cp -a "$SCKL_ROOT/host-a" "$SCKL_ROOT/host-b"
chroot_mount_private "$SCKL_ROOT/host-a" sckl-ansible-a
chroot_mount_private "$SCKL_ROOT/host-b" sckl-ansible-b

# --- the fleet's signed repository ---------------------------------------------
export GNUPGHOME=$SCKL_WORK/gnupg
mkdir -m 700 "$GNUPGHOME"
gpg --batch --quiet --pinentry-mode loopback --passphrase '' \
  --quick-gen-key "sckl test archive <archive@sckl.invalid>" ed25519 sign 1d
fpr=$(gpg --batch --with-colons --list-secret-keys | awk -F: '$1 == "fpr" { print $10; exit }')
gpg --batch --quiet --pinentry-mode loopback --passphrase '' \
  --quick-gen-key "a stranger <stranger@sckl.invalid>" ed25519 sign 1d
stranger=$(gpg --batch --with-colons --list-secret-keys stranger@sckl.invalid | awk -F: '$1 == "fpr" { print $10; exit }')
apt_repo=$SCKL_WORK/repo
mkdir -p "$apt_repo/conf"
cat > "$apt_repo/conf/distributions" <<EOF2
Codename: bookworm
Architectures: amd64
Components: main
SignWith: $fpr
EOF2
reprepro -b "$apt_repo" --silent includedeb bookworm "$SCKL_DEB" || die "reprepro includedeb failed"
[[ -s $apt_repo/dists/bookworm/InRelease ]] || die "reprepro did not sign the repository"
gpg --batch --armor --export "$fpr" > "$SCKL_WORK/archive.asc"
gpg --batch --armor --export "$stranger" > "$SCKL_WORK/stranger.asc"
# Served over HTTP on the loopback (the chroots share this machine's network).
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server --bind 127.0.0.1 --directory "$apt_repo" "$port" >"$SCKL_WORK/httpd.log" 2>&1 &
httpd_pid=$!
for _ in $(seq 50); do
  python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/dists/bookworm/InRelease')" 2>/dev/null && break
  sleep 0.1
done

# --- ansible -------------------------------------------------------------------
cat > "$SCKL_WORK/inventory" <<EOF2
[fleet]
host-a ansible_host=$SCKL_ROOT/host-a
host-b ansible_host=$SCKL_ROOT/host-b

[fleet:vars]
ansible_connection=community.general.chroot
ansible_python_interpreter=/usr/bin/python3
EOF2
report=$SCKL_WORK/report.json
export ANSIBLE_ROLES_PATH=$repo_root/contrib/ansible/roles ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0 \
  ANSIBLE_LOCAL_TEMP=$SCKL_WORK/ansible-tmp ANSIBLE_HOME=$SCKL_WORK/ansible-home ANSIBLE_RETRY_FILES_ENABLED=0
# play NAME EXTRA-ARGS...: runs site.yml (without CAP_SYS_BOOT: nothing a
# maintainer script tries can reach this machine's kernel); its output in
# $SCKL_WORK/NAME.log; returns ansible-playbook's status.
play() {
  local name=$1 rc=0 t
  shift
  t=$(date +%s.%N)
  setpriv --bounding-set=-sys_boot -- ansible-playbook -i "$SCKL_WORK/inventory" \
    "$repo_root/contrib/ansible/site.yml" -e sckl_become=false -e sckl_hosts=fleet \
    -e "sckl_apt_url=http://127.0.0.1:$port" -e sckl_apt_suites=bookworm \
    -e "sckl_report_path=$report" "$@" > "$SCKL_WORK/$name.log" 2>&1 || rc=$?
  log "figure: ansible-playbook $name: $(elapsed "$t") s"
  sed -n '/^PLAY RECAP/,$p' "$SCKL_WORK/$name.log" | sed '/^$/d' | while read -r l; do log "  $name: $l"; done
  return "$rc"
}
# recap HOST FIELD: FIELD's count on HOST's PLAY RECAP line of the last log.
recap() {
  sed -n "/^PLAY RECAP/,\$p" "$SCKL_WORK/$last.log" | awk -v h="$1" -v f="$2" '
    $1 == h { for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == f) print kv[2] } }'
}
show_log() { cat "$SCKL_WORK/$last.log" >&2; }
conf_get() { sed -n "s/^[[:space:]]*$2[[:space:]]*=[[:space:]]*//p" "$SCKL_ROOT/$1/etc/sckl/sckl.conf" | tail -n 1; }
expect_conf() {  # expect_conf HOST KEY VALUE WHAT
  [[ $(conf_get "$1" "$2") == "$3" ]] || { show_log; die "$4: $1's sckl.conf has $2 = '$(conf_get "$1" "$2")', not '$3'"; }
}
# JSON, not key=value: ansible splits key=value arguments at blanks.
answers=(-e '{"sckl_tries": 3, "sckl_nic_names": "off", "sckl_extra_cmdline": "console=ttyS0 quiet", "sckl_autostart": false}')

# A key that did not sign the repository: apt refuses it, the play fails.
last=wrong-key
if play wrong-key --limit host-a -e "sckl_apt_key='$(cat "$SCKL_WORK/stranger.asc")'" "${answers[@]}"; then
  show_log; die "the play passed with a key that did not sign the repository"
fi
grep -qE "NO_PUBKEY|not signed|is not signed|signatures couldn't be verified" "$SCKL_WORK/wrong-key.log" \
  || { show_log; die "the failure with the wrong key is not apt's signature check"; }
[[ ! -e $SCKL_ROOT/host-a/usr/bin/sckl ]] || die "sckl was installed from a repository signed by another key"
log "ok: a repository not signed by the given key is refused"

key_arg="sckl_apt_key='$(cat "$SCKL_WORK/archive.asc")'"
last=first
play first -e "$key_arg" "${answers[@]}" || { show_log; die "the first run failed"; }
for h in host-a host-b; do
  [[ $(recap "$h" failed) == 0 && $(recap "$h" unreachable) == 0 ]] || { show_log; die "$h failed in the first run"; }
  [[ $(chroot_run "$SCKL_ROOT/$h" dpkg-query -W -f='${db:Status-Status} ${Version}' sckl) == "installed $(dpkg-deb -f "$SCKL_DEB" Version)" ]] \
    || die "$h: sckl $(dpkg-deb -f "$SCKL_DEB" Version) is not installed"
  grep -qx "Signed-By: /etc/apt/keyrings/sckl-fleet.asc" "$SCKL_ROOT/$h/etc/apt/sources.list.d/sckl-fleet.sources" \
    || die "$h: the deb822 source has no Signed-By"
  expect_conf "$h" tries 3 "preseed"
  expect_conf "$h" nic_names off "preseed"
  expect_conf "$h" extra_cmdline "console=ttyS0 quiet" "preseed"
  expect_conf "$h" autostart no "preseed"
  expect_conf "$h" boot_timeout 600 "default"
done
log "ok: first run: repository, preseed, install on both hosts"

last=second
play second -e "$key_arg" "${answers[@]}" || { show_log; die "the second run failed"; }
for h in host-a host-b; do
  [[ $(recap "$h" changed) == 0 && $(recap "$h" failed) == 0 ]] || { show_log; die "second run: $h is not changed=0 failed=0"; }
done
log "ok: the second run changed nothing (idempotent)"
# The report (rewritten by every run, unchanged by this one).
python3 - "$report" "$(dpkg-deb -f "$SCKL_DEB" Version)" <<'EOF2' || die "the fleet report is not as expected"
import json, sys
report = json.load(open(sys.argv[1]))
assert sorted(report) == ["host-a", "host-b"], sorted(report)
for host, status in report.items():
    assert status["schema_version"] == 1, (host, status.get("schema_version"))
    assert sys.argv[2].startswith(status["version"]), (host, status["version"])
    assert status["tries"] == 3, (host, status["tries"])
    assert isinstance(status["changes"], list), host
print("report: " + ", ".join(f"{h}: sckl {s['version']} schema {s['schema_version']} phase {s['phase']}" for h, s in sorted(report.items())), file=sys.stderr)
EOF2
log "ok: one report on the controller with both hosts' status (schema_version 1)"

# A changed answer reaches the installed package by dpkg-reconfigure.
last=reconfigure
play reconfigure -e "$key_arg" "${answers[@]}" -e sckl_tries=4 || { show_log; die "the run with a changed answer failed"; }
grep -q "TASK \[sckl : Apply changed answers (dpkg-reconfigure)\]" "$SCKL_WORK/reconfigure.log" || die "no reconfigure task ran"
for h in host-a host-b; do
  [[ $(recap "$h" changed) -ge 2 ]] || { show_log; die "reconfigure run: $h reports no change"; }
  expect_conf "$h" tries 4 "reconfigure"
done
log "ok: a changed answer is applied by dpkg-reconfigure"

# A bad answer: the package refuses it, the play fails, the file stays.
cp "$SCKL_ROOT/host-b/etc/sckl/sckl.conf" "$SCKL_WORK/conf.before"
last=bad-answer
if play bad-answer --limit host-b -e "$key_arg" "${answers[@]}" -e sckl_tries=abc; then
  show_log; die "the play passed with tries=abc"
fi
grep -qF "sckl/tries" "$SCKL_WORK/bad-answer.log" || { show_log; die "the failure does not name sckl/tries"; }
cmp -s "$SCKL_ROOT/host-b/etc/sckl/sckl.conf" "$SCKL_WORK/conf.before" || die "a refused answer changed sckl.conf"
log "ok: a bad answer fails the play and leaves sckl.conf as it was"

host_guard_end
log "figure: ansible role test: $(elapsed "$test_start") s"
log "PASS"
