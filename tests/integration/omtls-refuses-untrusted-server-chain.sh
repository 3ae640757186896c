#!/bin/sh
# omtls refuses a server whose certificate chains to a CA it does not trust
# (its name is permitted, only the chain is wrong).
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "$abs_top_srcdir/tests/integration/lib-omtls.sh"
omtls_refusal_case rogue '' 'certificate not trusted' "subject 'CN=client\.example\.net'" \
    $(omtls_client_tls) tls.permittedPeer='["client.example.net"]'
echo "PASS: untrusted server chain refused, reason logged once"
