#!/usr/bin/env bash
# Integration test: lintian on the .deb; any error or warning fails.
# Overrides live in debian/sckl.lintian-overrides, each with its reason.
# Needs SCKL_DEB (path of the .deb); root is not needed.
set -euo pipefail
SCKL_TEST_NAME=lintian
. "$(dirname "$(readlink -f "$0")")/lib.sh"
need_deb
command -v lintian >/dev/null || die "lintian is not installed (tests/run-all installs it)"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
# lintian's exit code only reflects --fail-on; the tag lines are the verdict.
# (As root it also prints a note on stderr that we leave out.)
lintian --display-info "$SCKL_DEB" > "$out" 2> >(grep -v 'running with root privileges' >&2) || true
cat "$out" >&2
if grep -qE '^[EW]: ' "$out"; then
  die "lintian reported $(grep -cE '^[EW]: ' "$out") error/warning tag(s) (see above)"
fi
log "PASS: no lintian errors or warnings"
