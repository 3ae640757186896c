#!/bin/sh
# The seed topology, sending half replaced: omtls -> stunnel (TLS server,
# client certificate required) -> plain imtcp on 127.0.0.1. omtls talks
# RFC 5425 to a generic TLS terminator: all messages arrive, in order.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "$abs_top_srcdir/tests/integration/lib-omtls.sh"
N=20000
gen_certs

omtls_receiver_imtcp_conf rcv 0 ptcp
start_rsyslogd rcv "$T/rcv.conf" "$T/rcv.port"
omtls_start_stunnel tunnel "$(port_of "$T/rcv.port")"

omtls_feed 1 $N
omtls_sender_conf snd "$(omtls_action target=127.0.0.1 port="$STUNNEL_PORT" \
    $(omtls_client_tls))"
start_rsyslogd snd "$T/snd.conf"

wait_for_count "$T/rcv.out" $N 30
stop_rsyslogd snd
stop_bg tunnel
stop_rsyslogd rcv
seq_check "$T/rcv.out" 1 $N
assert_grep "$T/tunnel.stunnel.log" 'CN=client\.example\.net'
echo "PASS: $N messages omtls -> stunnel -> imtcp, in order"
