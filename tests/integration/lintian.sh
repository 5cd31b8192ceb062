#!/usr/bin/env bash
# Integration test: lintian --pedantic -I (every tag down to pedantic and
# info) on the .deb and, when it lies next to it (tests/common.sh build_deb
# puts it there), the .changes of the same build, which brings in the
# .buildinfo and the dbgsym package. Any tag that is shown fails: each one is
# either fixed or overridden in debian/sckl.lintian-overrides with its reason
# (overridden tags are not shown). Needs SCKL_DEB (path of the .deb); root is
# not needed.
set -euo pipefail
SCKL_TEST_NAME=lintian
. "$(dirname "$(readlink -f "$0")")/lib.sh"
need_deb
command -v lintian >/dev/null || die "lintian is not installed (tests/run-all installs it)"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
targets=("$SCKL_DEB")
changes=${SCKL_DEB%.deb}.changes
[[ -f $changes ]] && targets=("$changes")
start=$(date +%s.%N)
# lintian's exit code only reflects --fail-on; the tag lines are the verdict.
# (As root it also prints a note on stderr that we leave out.)
lintian --pedantic --display-info "${targets[@]}" > "$out" 2> >(grep -v 'running with root privileges' >&2) || true
cat "$out" >&2
log "figure: lintian --pedantic -I on ${targets[*]##*/}: $(elapsed "$start") s"
# E error, W warning, I info, P pedantic, X experimental (not shown without
# -E); N: lines are lintian's own notes.
if grep -qE '^[EWIPX]: ' "$out"; then
  die "lintian reported $(grep -cE '^[EWIPX]: ' "$out") tag(s) that are neither fixed nor overridden (see above)"
fi
log "PASS: lintian --pedantic -I shows no tag"
