#!/bin/sh
# run-demo.sh - the README's main-job command: installs what is missing,
# builds, then runs a TLS syslog pair on loopback with throwaway certificates:
#   logger -> sending rsyslogd (omtls) ==TLS==> receiving rsyslogd (imtls)
# and shows the messages arriving with the sender's address and certificate.
set -eu
cd "$(dirname "$0")"
top=$(pwd)

./contrib/install-deps.sh >/dev/null

build="${BUILD_DIR:-$top/_build}"
if [ ! -f "$build/Makefile" ]; then
  [ -f configure ] || autoreconf -fi >/dev/null 2>&1
  mkdir -p "$build"
  (cd "$build" && "$top/configure" -q)
fi
echo "== building (in $build)"
make -s -C "$build" -j"$(nproc)" >/dev/null

# the demo's throwaway CA and certificates are made by the freshly built
# syslogtls-cert (tests/certs/gen-certs.sh uses the one SYSLOGTLS_CERT names)
SYSLOGTLS_CERT="$build/tools/syslogtls-cert"
export SYSLOGTLS_CERT
exec "$top/contrib/demo/pair.sh" "$build" "${1:-5}"
