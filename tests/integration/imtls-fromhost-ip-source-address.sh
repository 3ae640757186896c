#!/bin/sh
# The receiver sees the sender's real address: a TLS client bound to source
# address 127.0.0.2 (stunnel client with "local", presenting the client
# certificate) shows up as %fromhost-ip% 127.0.0.2, and the session log names
# 127.0.0.2 and the certificate subject.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
need_tool bash

start_imtls recv
start_stunnel stunnel "client = yes
accept = 127.0.0.1:@PORT@
connect = 127.0.0.1:$PORT
local = 127.0.0.2
CAfile = $CERTS/ca.pem
verifyChain = yes
checkHost = localhost
cert = $CERTS/client-cert.pem
key = $CERTS/client-key.pem"

gen_syslog "$T/in.txt" 1 20
send_plain "$STUNNEL_PORT" < "$T/in.txt" || fail "cannot send to stunnel"
wait_for_count "$T/recv.out" 20
stop_rsyslogd recv
seq_check "$T/recv.out" 1 20
[ "$(grep -c '^127\.0\.0\.2 recv ' "$T/recv.out")" -eq 20 ] \
    || fail "not every message shows fromhost-ip 127.0.0.2"
if imtls_only; then
    assert_grep "$T/recv.log" '127\.0\.0\.2:[0-9]+.*client\.example\.net'
fi
