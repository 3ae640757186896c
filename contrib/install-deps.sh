#!/bin/sh
# install-deps.sh [--hosts] [--bench] - installs, with apt-get, the Debian 12 packages
# needed to build rsyslog-tls, run its tests (haproxy: the scaling-out tests
# start their own, never the system service; stress-ng:
# contrib/stress-check.sh --load), build and check its Debian packages (make
# check-package: dpkg-dev, debhelper, lintian, git), build its libFuzzer
# targets (make fuzz-check: clang, and libclang-rt-14-dev, which holds
# libFuzzer and clang's sanitizer runtimes and is only a recommendation of
# clang) and run its demo. --hosts
# adds what building the rsyslog releases of the host matrix from source
# needs (tests/hosts/build-host.sh; run-tests.sh passes it when it found the
# tarballs). --bench adds what make bench needs (gnuplot-nox, linux-perf).
# Installs only what is missing.
set -eu

PACKAGES="
  build-essential pkg-config autoconf automake libtool
  libgnutls28-dev libestr-dev doctest-dev
  rsyslog rsyslog-gnutls rsyslog-openssl
  gnutls-bin openssl stunnel4 haproxy iproute2 procps valgrind util-linux bsdutils
  perl-base stress-ng
  dpkg-dev debhelper lintian git
  clang libclang-rt-14-dev
"
# rsyslog's own build: parser generators, its libraries' headers, and
# autoconf-archive, which rsyslog's configure.ac needs and this project's
# does not (its macros are in m4/): installed for the host builds only.
for opt in "$@"; do
  case $opt in
    --hosts) PACKAGES="$PACKAGES bison flex libfastjson-dev zlib1g-dev uuid-dev libgcrypt20-dev autoconf-archive" ;;
    # make bench: the chart (gnuplot), the sender profile (perf); syslog-ng
    # is unpacked by bench/get-syslog-ng.sh, not installed (it conflicts with rsyslog)
    --bench) PACKAGES="$PACKAGES gnuplot-nox linux-perf" ;;
    *) echo "install-deps: unknown option $opt (--hosts, --bench)" >&2; exit 2 ;;
  esac
done

missing=""
for p in $PACKAGES; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done

if [ -z "$missing" ]; then
  echo "install-deps: all packages present"
  exit 0
fi

echo "install-deps: installing:$missing"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
