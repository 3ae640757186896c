#!/bin/sh
# tls.crlFile on imtls: a client whose certificate the CRL lists is refused
# with reason "revoked" and its serial in the log line, an unrevoked one is
# served; a CRL update on HUP revokes a client that was accepted before:
# its next session is refused, and nothing it sent is submitted.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
need_tool gnutls-cli certtool openssl
imtls_only || skip "imtls behaviour only (TB_RECEIVER=imtcp)"

gen_certs
mkdir -p "$T/live"
gen_crl "$T/live/crl.pem" "$CERTS/client2-cert.pem"
s2=$(cert_serial "$CERTS/client2-cert.pem")
s1=$(cert_serial "$CERTS/client-cert.pem")
start_imtls recv tls.crlFile="\"$T/live/crl.pem\""

printf '<13>1 2026-01-01T00:00:00Z tbhost revoked - - - from a revoked client\n' > "$T/rev.in"
send_gnutls_cli "$PORT" client2 < "$T/rev.in" || true  # TLS 1.3: refused after the client's handshake
wait_for_refusal recv "subject 'CN=other\.example\.org'.*certificate revoked \(serial $s2\)"
assert_serves_good_client recv client

gen_crl "$T/crl2.pem" "$CERTS/client2-cert.pem" "$CERTS/client-cert.pem"
swap_file "$T/crl2.pem" "$T/live/crl.pem"
hup_and_wait recv "reloaded tls\.crlFile \(HUP\)"
send_gnutls_cli "$PORT" client < "$T/rev.in" || true
wait_for_refusal recv "subject 'CN=client\.example\.net'.*certificate revoked \(serial $s1\)"
assert_serves_good_client recv ida
stop_rsyslogd recv
assert_no_grep "$T/recv.out" "from a revoked client"
echo "PASS: revoked client refused (serial $s2), unrevoked served; after a CRL update on HUP, $s1 refused"
