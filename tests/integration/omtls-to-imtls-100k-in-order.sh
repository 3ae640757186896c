#!/bin/sh
# omtls -> imtls, RFC 5425 octet-counted: 100,000 messages arrive in order,
# none lost, none duplicated, over exactly one connection; the counters
# agree.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "$abs_top_srcdir/tests/integration/lib-omtls.sh"
N=100000
gen_certs

start_imtls rcv 'address="127.0.0.1"'

omtls_feed 1 $N
omtls_sender_conf snd "$(omtls_action target=127.0.0.1 port="$PORT" framing=octet-counted \
    $(omtls_client_tls))"
start_rsyslogd snd "$T/snd.conf"

wait_for_count "$T/rcv.out" $N 120
[ "$OMTLS_SENDER" = omtls ] && wait_for_stat "$T/snd.stats" omtls messages.sent $N 30
stop_rsyslogd snd
stop_rsyslogd rcv
seq_check "$T/rcv.out" 1 $N
if [ "$OMTLS_SENDER" = omtls ]; then
    [ "$(omtls_stat snd messages.sent)" -eq $N ] || fail "messages.sent = $(omtls_stat snd messages.sent), expected $N"
    [ "$(omtls_stat snd connects)" -eq 1 ] || fail "connects = $(omtls_stat snd connects), expected exactly 1"
    [ "$(omtls_stat snd connect.failed)" -eq 0 ] || fail "connect.failed is not 0"
    [ "$(omtls_stat snd handshake.failed)" -eq 0 ] || fail "handshake.failed is not 0"
fi
echo "PASS: $N messages omtls -> imtls in order, none lost or duplicated"
