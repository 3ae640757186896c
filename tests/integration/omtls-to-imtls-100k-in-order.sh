#!/bin/sh
# omtls -> imtls, RFC 5425 octet-counted: 100,000 messages arrive in order,
# none lost, none duplicated; the counters agree.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "$abs_top_srcdir/tests/integration/lib-omtls.sh"
N=100000
gen_certs

start_imtls rcv 'address="127.0.0.1"'

omtls_feed 1 $N
omtls_sender_conf snd "$(omtls_action target=127.0.0.1 port="$PORT" framing=octet-counted \
    $(omtls_client_tls))"
start_rsyslogd snd "$T/snd.conf"

wait_for_count "$T/rcv.out" $N 60
[ "$OMTLS_SENDER" = omtls ] && wait_for_stat "$T/snd.stats" omtls messages.sent $N 10
stop_rsyslogd snd
stop_rsyslogd rcv
seq_check "$T/rcv.out" 1 $N
if [ "$OMTLS_SENDER" = omtls ]; then
    [ "$(omtls_stat snd connects)" -ge 1 ] || fail "connects counter is 0"
    [ "$(omtls_stat snd handshake.failed)" -eq 0 ] || fail "handshake.failed is not 0"
fi
echo "PASS: $N messages omtls -> imtls in order, none lost or duplicated"
