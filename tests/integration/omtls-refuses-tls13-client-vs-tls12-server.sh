#!/bin/sh
# The reverse of omtls-refuses-tls12-client-vs-tls13-server: a TLS 1.2-only
# server (stunnel, OpenSSL) and omtls restricted to TLS 1.3.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "$abs_top_srcdir/tests/integration/lib-omtls.sh"
omtls_refusal_case stunnel 'sslVersionMax = TLSv1.2' 'protocol version mismatch' "" \
    $(omtls_client_tls) tls.priorityString=NORMAL:-VERS-ALL:+VERS-TLS1.3
echo "PASS: TLS1.3-only omtls vs TLS1.2-only server refused, reason logged once"
