#!/usr/bin/env bash
# Integration test: the .deb's maintainer scripts are our compiled ELF files,
# stripped, and preinst/postrm need nothing but libc (dpkg may run preinst
# before any dependency is unpacked and postrm after they are gone).
# DEBIAN/ holds nothing but those four, control, md5sums, conffiles, and
# debconf's templates (with the translations) and config, which must stay a
# shell script (apt's preconfigure step cuts a compiled one at its first NUL).
# The programs that load the private library find it through their RUNPATH.
# Needs SCKL_DEB (path of the .deb); root is not needed.
set -euo pipefail
SCKL_TEST_NAME=elf_scripts
. "$(dirname "$(readlink -f "$0")")/lib.sh"
need_deb
for tool in dpkg-deb readelf; do
  command -v "$tool" >/dev/null || die "$tool is not installed"
done
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
dpkg-deb -e "$SCKL_DEB" "$dir/DEBIAN"

extra=$(find "$dir/DEBIAN" -mindepth 1 -printf '%P\n' | grep -Evx 'preinst|postinst|postrm|config|templates|control|md5sums|conffiles' || true)
check "DEBIAN/ holds nothing unexpected${extra:+ (found: $extra)}" test -z "$extra"
check "DEBIAN/config is a shell script" bash -c "head -n 1 '$dir/DEBIAN/config' | grep -qx '#!/bin/sh'"
check "DEBIAN/config has no NUL byte" bash -c "tr -d '\\000' < '$dir/DEBIAN/config' | cmp -s - '$dir/DEBIAN/config'"
check "DEBIAN/templates has the seven questions and the error note" test "$(grep -c '^Template: sckl/' "$dir/DEBIAN/templates")" -eq 8
check "DEBIAN/templates carries the German translation" grep -q '^Description-de.UTF-8:' "$dir/DEBIAN/templates"
# No prerm: sckl has none (src/install/maint_args.h says why).
check "DEBIAN/prerm is absent" test ! -e "$dir/DEBIAN/prerm"
for s in preinst postinst postrm; do
  f=$dir/DEBIAN/$s
  check "DEBIAN/$s exists" test -f "$f"
  [[ -f $f ]] || continue
  check "DEBIAN/$s is executable" test -x "$f"
  check "DEBIAN/$s is ELF" test "$(od -An -tx1 -N4 "$f" | tr -d ' \n')" = 7f454c46
  check "DEBIAN/$s is stripped (no .symtab)" bash -c "! readelf -S -W '$f' | grep -q '\.symtab'"
done
for s in preinst postrm; do
  f=$dir/DEBIAN/$s
  [[ -f $f ]] || continue
  needed=$(readelf -d -W "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort | tr '\n' ' ')
  bad=$(printf '%s\n' $needed | grep -Evx 'libc\.so\.6|ld-linux-x86-64\.so\.2' || true)
  log "DEBIAN/$s DT_NEEDED: ${needed:-none}"
  check "DEBIAN/$s needs only libc${bad:+ (also: $bad)}" test -z "$bad"
done
# The private library and the programs that load it: each finds it through a
# RUNPATH that names the directory the .deb puts it in.
data=$dir/data
dpkg-deb -x "$SCKL_DEB" "$data"
lib=$(cd "$data" && find usr/lib -name 'libsckl-*.so' -type f)
check "the .deb ships one private library (found: ${lib:-none})" test "$(wc -w <<<"$lib")" -eq 1
while read -r f; do
  readelf -d -W "$data/$f" 2>/dev/null | grep -q "(NEEDED).*\[${lib##*/}\]" || continue
  runpath=$(readelf -d -W "$data/$f" | sed -n 's/.*(RUNPATH).*\[\(.*\)\]/\1/p')
  check "$f finds ${lib##*/} through its RUNPATH (${runpath:-none})" test "$runpath" = "/${lib%/*}"
done < <(cd "$data" && find usr -type f -perm -u+x -printf '%P\n' | sed 's|^|usr/|')
depends=$(dpkg-deb -f "$SCKL_DEB" Depends)
check "Depends carries the scripts' libc need ($depends)" grep -q 'libc6 (>= ' <<<"$depends"
stale=$(dpkg-deb -c "$SCKL_DEB" | grep -c 'sckl/maintscripts' || true)
check "no maintscripts dir left in the data part" test "$stale" -eq 0

finish_checks
