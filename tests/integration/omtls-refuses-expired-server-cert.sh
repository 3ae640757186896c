#!/bin/sh
# omtls refuses a server certificate that expired (chain and name are fine:
# the expired test certificate is named client.example.net, permitted here).
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "$abs_top_srcdir/tests/integration/lib-omtls.sh"
omtls_refusal_case expired '' 'expired' "subject 'CN=client\.example\.net'" \
    $(omtls_client_tls) tls.permittedPeer='["client.example.net"]'
echo "PASS: expired server certificate refused, reason logged once"
