#!/bin/sh
# rebindInterval="100": omtls starts a new connection once a connection has
# carried 100 messages.  1000 messages toward imtls arrive in order over 10
# sessions: the action queue hands omtls batches of at most 10, so every
# connection but the last carries 100..109 messages and the last one the
# rest -- exactly 10 connections (imtls sessions.opened and session log
# lines, omtls connects), each closed cleanly.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "$abs_top_srcdir/tests/integration/lib-omtls.sh"
omtls_needs_omtls
N=1000
gen_certs

start_imtls rcv 'address="127.0.0.1"'

omtls_feed 1 $N
omtls_sender_conf snd "$(omtls_action target=127.0.0.1 port="$PORT" rebindInterval=100 \
    $(omtls_client_tls) queue.type=LinkedList queue.dequeueBatchSize=10)"
start_rsyslogd snd "$T/snd.conf"

wait_for_count "$T/rcv.out" $N 30
wait_for_stat "$T/snd.stats" omtls messages.sent $N 30
imtls_only && wait_for_stat "$T/rcv.stats" rcv sessions.closed 9 30
stop_rsyslogd snd
imtls_only && wait_for_stat "$T/rcv.stats" rcv sessions.closed 10 30
stop_rsyslogd rcv
seq_check "$T/rcv.out" 1 $N
imtls_only && assert_no_warning "$T/rcv.log"
assert_no_warning "$T/snd.log"

connects=$(omtls_stat snd connects)
[ "$connects" -eq 10 ] || fail "omtls connects = $connects, expected 10"
[ "$(omtls_stat snd handshake.failed)" -eq 0 ] || fail "handshake.failed is not 0"
[ "$(omtls_stat snd connect.failed)" -eq 0 ] || fail "connect.failed is not 0"
if imtls_only; then
    opened=$(stat_value "$T/rcv.stats" rcv sessions.opened)
    closed=$(stat_value "$T/rcv.stats" rcv sessions.closed)
    logged=$(grep -c 'session opened' "$T/rcv.log")
    [ "$opened" -eq 10 ] || fail "imtls sessions.opened = $opened, expected 10"
    [ "$closed" -eq 10 ] || fail "imtls sessions.closed = $closed, expected 10"
    [ "$logged" -eq 10 ] || fail "$logged 'session opened' lines, expected 10"
    [ "$(stat_value "$T/rcv.stats" rcv frames.invalid)" -eq 0 ] || fail "imtls saw an invalid frame"
fi
echo "PASS: $N messages in order over $connects connections (rebindInterval=100)"
