#!/bin/sh
# capi_loopback.sh - generates a throw-away PKI and runs the C API loopback test.
set -u
srcdir=${abs_top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
builddir=${abs_top_builddir:-$srcdir}

if ! command -v certtool >/dev/null 2>&1 && ! command -v openssl >/dev/null 2>&1; then
    echo "SKIP: neither certtool (gnutls-bin) nor openssl installed"
    exit 77
fi
dir=$(mktemp -d "${TMPDIR:-/tmp}/capi_loopback.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT INT TERM
sh "$srcdir/tests/certs/gen-certs.sh" "$dir" || { echo "FAIL: certificate generation"; exit 1; }

"$builddir/tests/capi/capi_loopback" "$dir/ca.pem" "$dir/server-cert.pem" "$dir/server-key.pem" \
    "$dir/client-cert.pem" "$dir/client-key.pem" client.example.net
