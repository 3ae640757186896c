#!/bin/sh
# x509/fingerprint: a client whose certificate matches a pinned SHA-256 (or
# SHA-1) fingerprint in RFC 5425 format is accepted; another certificate from
# the same CA is refused, and the refusal names that certificate's subject
# and its own SHA-256 fingerprint as not permitted.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
need_tool gnutls-cli openssl

gen_certs
fp256=$(cat "$CERTS/client.fp-sha256")
fp1=$(cat "$CERTS/client.fp-sha1")
# client2's fingerprint in RFC 5425 form, as the refusal must name it
fp2=SHA256:$(openssl x509 -in "$CERTS/client2-cert.pem" -noout -fingerprint -sha256 | sed 's/^[^=]*=//')
case $fp2 in SHA256:??:*) ;; *) fail "cannot compute client2's fingerprint ($fp2)" ;; esac
printf '<13>1 2026-01-01T00:00:00Z tbhost badclient - - - must not arrive\n' > "$T/bad.in"

start_imtls recv 'tls.authMode="x509/fingerprint"' "tls.permittedPeer=[\"$fp256\"]"
assert_serves_good_client recv client
send_gnutls_cli "$PORT" client2 < "$T/bad.in"
if imtls_only; then
    wait_for_refusal recv "subject 'CN=other\\.example\\.org'\\) refused: fingerprint $fp2 not among the permitted peers"
    wait_for_stat "$T/recv.stats" recv sessions.refused 1
fi
assert_serves_good_client recv client
stop_rsyslogd recv
assert_no_grep "$T/recv.out" 'must not arrive'

start_imtls sha1 'tls.authMode="x509/fingerprint"' "tls.permittedPeer=[\"$fp1\"]"
assert_serves_good_client sha1 client
stop_rsyslogd sha1
