#!/bin/sh
# tls.crlFile on omtls: a server certificate the CRL lists is refused; the
# sender's log line says "revoked" with the serial, handshake.failed counts
# it and nothing is delivered. With a CRL that does not list it, the same
# sender configuration delivers (the next messages: the refused ones were
# dropped with the first sender's queue at its stop).
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "$abs_top_srcdir/tests/integration/lib-omtls.sh"
omtls_needs_omtls
need_tool certtool openssl

gen_certs
gen_crl "$T/revoking.crl" "$CERTS/server-cert.pem"
gen_crl "$T/empty.crl"
serial=$(cert_serial "$CERTS/server-cert.pem")
start_imtls rcv 'address="127.0.0.1"'
omtls_sender_conf snd "$(omtls_action target=127.0.0.1 port="$PORT" $(omtls_client_tls) \
    tls.crlFile="$T/revoking.crl")"
start_rsyslogd snd "$T/snd.conf"
omtls_feed 1 5
wait_for_grep "$T/snd.log" "cannot connect to target '127\.0\.0\.1' port $PORT: .*certificate revoked \(serial $serial\)"
wait_for_stat "$T/snd.stats" omtls handshake.failed 1
stop_rsyslogd snd
[ "$(_tb_lines "$T/rcv.out")" -eq 0 ] || fail "messages reached a receiver with a revoked certificate"

sed "s|$T/revoking.crl|$T/empty.crl|" "$T/snd.conf" > "$T/snd2.conf"
start_rsyslogd snd2 "$T/snd2.conf"
omtls_feed 6 10
omtls_wait_msgnum "$T/rcv.out" 10 30
stop_rsyslogd snd2
stop_rsyslogd rcv
echo "PASS: omtls refused the revoked server certificate (serial $serial) and accepted it with a CRL that does not list it"
