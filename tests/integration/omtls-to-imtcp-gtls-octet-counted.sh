#!/bin/sh
# omtls -> rsyslog's own imtcp with the gtls driver (x509/name, the client's
# name permitted), RFC 5425 octet-counted framing: 20,000 messages arrive in
# order, none lost, none duplicated.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "$abs_top_srcdir/tests/integration/lib-omtls.sh"
N=20000
gen_certs

omtls_receiver_imtcp_conf rcv 0 gtls
start_rsyslogd rcv "$T/rcv.conf" "$T/rcv.port"
port=$(port_of "$T/rcv.port") || exit $?

omtls_feed 1 $N
omtls_sender_conf snd "$(omtls_action target=127.0.0.1 port="$port" framing=octet-counted \
    $(omtls_client_tls) tls.permittedPeer='["localhost"]')"
start_rsyslogd snd "$T/snd.conf"

wait_for_count "$T/rcv.out" $N 30
stop_rsyslogd snd
stop_rsyslogd rcv
seq_check "$T/rcv.out" 1 $N
assert_no_grep "$T/rcv.log" 'error|fail'
echo "PASS: $N messages over octet-counted TLS to imtcp/gtls, in order"
