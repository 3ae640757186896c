#!/bin/sh
# capi_loopback.sh - generates a throw-away PKI and runs the C API loopback test.
. "${abs_top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/capi/lib-capi.sh"
capi_pki capi_loopback

"$builddir/tests/capi/capi_loopback" "$dir/ca.pem" "$dir/server-cert.pem" "$dir/server-key.pem" \
    "$dir/client-cert.pem" "$dir/client-key.pem" client.example.net
