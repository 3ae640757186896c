#!/bin/sh
# tls.authMode="x509/fingerprint": omtls refuses a server whose certificate
# is not pinned (the pin given is another certificate's SHA-256).
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "$abs_top_srcdir/tests/integration/lib-omtls.sh"
gen_certs
[ -s "$CERTS/client.fp-sha256" ] || fail "gen-certs.sh wrote no client.fp-sha256"
omtls_refusal_case server '' 'fingerprint SHA256:[0-9A-F:]+ not among the permitted peers' \
    "subject 'CN=localhost'" $(omtls_client_tls) tls.authMode=x509/fingerprint \
    tls.permittedPeer="[\"$(cat "$CERTS/client.fp-sha256")\"]"
echo "PASS: fingerprint mismatch refused, reason logged once"
