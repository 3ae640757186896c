#!/bin/sh
# omtls refuses a server certificate that expired (chain and name are fine:
# the expired test certificate is named client.example.net, permitted here);
# the line gives the end date.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "$abs_top_srcdir/tests/integration/lib-omtls.sh"
omtls_refusal_case expired '' 'expired on 2021-01-01 00:00:00 UTC' "subject 'CN=client\.example\.net'" \
    $(omtls_client_tls) tls.permittedPeer='["client.example.net"]'
echo "PASS: expired server certificate refused, reason and end date logged once"
