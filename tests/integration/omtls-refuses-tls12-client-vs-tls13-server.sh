#!/bin/sh
# A TLS 1.3-only server (stunnel, OpenSSL) and omtls restricted to TLS 1.2
# by tls.priorityString: no version in common, and the log says so.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "$abs_top_srcdir/tests/integration/lib-omtls.sh"
omtls_refusal_case stunnel 'sslVersionMin = TLSv1.3' 'protocol version mismatch' "" \
    $(omtls_client_tls) tls.priorityString=NORMAL:-VERS-ALL:+VERS-TLS1.2
echo "PASS: TLS1.2-only omtls vs TLS1.3-only server refused, reason logged once"
