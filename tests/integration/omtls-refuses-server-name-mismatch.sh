#!/bin/sh
# omtls refuses a valid server certificate whose names match none of
# tls.permittedPeer (x509/name).
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "$abs_top_srcdir/tests/integration/lib-omtls.sh"
omtls_refusal_case server '' 'name mismatch' "subject 'CN=localhost'" \
    $(omtls_client_tls) tls.permittedPeer='["other.example.org"]'
echo "PASS: server name mismatch refused, reason logged once"
