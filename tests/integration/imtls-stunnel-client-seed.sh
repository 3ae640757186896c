#!/bin/sh
# The classic seed topology, server side replaced: rsyslog omfwd (plain TCP) ->
# stunnel client (verifies the server chain and name, presents the client
# certificate) -> imtls.  All messages arrive once, in order; the receiver sees
# the stunnel client's address, 127.0.0.1.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"

start_imtls recv
start_stunnel stunnel "client = yes
accept = 127.0.0.1:@PORT@
connect = 127.0.0.1:$PORT
CAfile = $CERTS/ca.pem
verifyChain = yes
checkHost = localhost
cert = $CERTS/client-cert.pem
key = $CERTS/client-key.pem"

gen_lines "$T/in.txt" 1 500
sender_conf send "$T/in.txt" "action(type=\"omfwd\" target=\"127.0.0.1\" port=\"$STUNNEL_PORT\"
    protocol=\"tcp\" TCP_Framing=\"octet-counted\")" > "$T/send.conf"
start_rsyslogd send "$T/send.conf"

wait_for_count "$T/recv.out" 500
stop_rsyslogd send
stop_rsyslogd recv
assert_count "$T/recv.out" 500
seq_check "$T/recv.out" 1 500
assert_grep "$T/recv.out" '^127\.0\.0\.1 recv +msgnum:00000500:$'
