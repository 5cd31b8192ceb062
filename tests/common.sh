# shellcheck shell=bash
# Shared by tests/run-all and tests/demo (sourced): host set-up and the .deb
# build. Both run as root on a Debian 12 machine, from any working directory.

set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
SCKL_REPO=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)

step() { printf '\n==> %s\n' "$*"; }
seconds_since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
minutes_since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", (b - a) / 60 }'; }

require_root() {
  if [[ $(id -u) -ne 0 ]]; then
    echo "$(basename "$0"): run me as root (sudo $0): I install packages and build chroots" >&2
    exit 1
  fi
  if ! grep -q '^ID=debian' /etc/os-release 2>/dev/null; then
    echo "$(basename "$0"): warning: made for Debian 12; this is $(. /etc/os-release; echo "${PRETTY_NAME:-unknown}")" >&2
  fi
}

# Tools for building and testing, then the build-dependencies of the package.
install_host_deps() {
  # Should anything pull in kexec-tools on THIS machine, it must not arm
  # kexec for the next reboot here.
  echo "kexec-tools kexec-tools/load_kexec boolean false" | debconf-set-selections
  apt-get update
  # build tools; mmdebstrap (+ keyring) for the test chroots; lintian;
  # binutils for readelf; clang (libFuzzer) for tests/fuzz. python3 drives
  # the interactive debconf test on a pseudo-terminal (tests/integration/pty-drive).
  # autopkgtest, piuparts (apt-utils: apt-ftparchive for its upgrade
  # repository), faketime and diffoscope: tests/autopkgtest, tests/piuparts,
  # tests/reproducible. ansible, reprepro and gnupg (the fleet's signed
  # repository): tests/integration/ansible.sh.
  apt-get install -y --no-install-recommends \
    build-essential dpkg-dev debhelper fakeroot cmake pkg-config \
    mmdebstrap debian-archive-keyring ca-certificates \
    lintian binutils clang python3 \
    autopkgtest piuparts apt-utils faketime diffoscope-minimal \
    ansible reprepro gnupg
  (cd "$SCKL_REPO" && apt-get build-dep -y ./)
}

# Builds the .deb with dpkg-buildpackage (which writes next to the repo, into
# its parent directory) and moves the results into build/deb/. Sets SCKL_DEB.
# Extra arguments go to dpkg-buildpackage.
build_deb() {
  local version arch parent out f
  version=$(cd "$SCKL_REPO" && dpkg-parsechangelog -S Version)
  arch=$(dpkg-architecture -qDEB_HOST_ARCH)
  parent=$(dirname "$SCKL_REPO")
  out=$SCKL_REPO/build/deb
  rm -rf "$out"
  mkdir -p "$out"
  (cd "$SCKL_REPO" && dpkg-buildpackage -b -uc -us "$@")
  for f in "sckl_${version}_${arch}.deb" "sckl-dbgsym_${version}_${arch}.deb" \
           "sckl_${version}_${arch}.buildinfo" "sckl_${version}_${arch}.changes"; do
    if [[ -e $parent/$f ]]; then mv -f "$parent/$f" "$out/"; fi
  done
  SCKL_DEB=$out/sckl_${version}_${arch}.deb
  [[ -f $SCKL_DEB ]] || { echo "build_deb: $SCKL_DEB was not built" >&2; return 1; }
  export SCKL_DEB
}
