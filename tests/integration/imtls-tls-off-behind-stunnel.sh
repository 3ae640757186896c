#!/bin/sh
# tls="off" is allowed on a loopback address: imtls on 127.0.0.1 receives plain
# syslog from a stunnel server that terminates TLS for a gnutls-cli client.
# The same input on a non-loopback address (0.0.0.0) is refused by the config
# check.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
need_tool gnutls-cli

start_imtls recv 'tls="off"' 'address="127.0.0.1"'
start_stunnel stunnel "accept = 127.0.0.1:@PORT@
connect = 127.0.0.1:$PORT
cert = $CERTS/server-cert.pem
key = $CERTS/server-key.pem
CAfile = $CERTS/ca.pem
verifyChain = yes
requireCert = yes"

gen_syslog "$T/in.txt" 1 100
send_gnutls_cli "$STUNNEL_PORT" client < "$T/in.txt" || fail "gnutls-cli exited $?"
wait_for_count "$T/recv.out" 100
stop_rsyslogd recv
assert_count "$T/recv.out" 100
seq_check "$T/recv.out" 1 100
assert_grep "$T/recv.out" '^127\.0\.0\.1 recv '

if imtls_only; then
    imtls_conf bad 'tls="off"' 'address="0.0.0.0"' 'port="6514"' > "$T/bad.conf"
    rsyslogd_check "$T/bad.conf" && fail "rsyslogd -N1 accepted tls=\"off\" on 0.0.0.0"
    assert_grep "$T/check.out" "parameter 'tls'.*loopback"
fi
