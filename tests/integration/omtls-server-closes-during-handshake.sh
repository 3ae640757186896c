#!/bin/sh
# A server that closes the connection in the middle of the handshake without
# a TLS alert (rsyslog's imtcp + gtls limited to TLS 1.3, omtls to TLS 1.2:
# gtls just drops the connection). omtls logs it once, suspends and retries
# quietly; the daemon's other action (an omfile copy) keeps going.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "$abs_top_srcdir/tests/integration/lib-omtls.sh"
omtls_needs_omtls
gen_certs

omtls_receiver_imtcp_conf rcv 0 gtls 'gnutlsPriorityString="NORMAL:-VERS-ALL:+VERS-TLS1.3"'
start_rsyslogd rcv "$T/rcv.conf" "$T/rcv.port"
PORT=$(port_of "$T/rcv.port") || exit $?

omtls_feed 1 1000
omtls_sender_conf snd "$(omtls_action target=127.0.0.1 port="$PORT" $(omtls_client_tls) \
    tls.priorityString=NORMAL:-VERS-ALL:+VERS-TLS1.2 connectTimeout=2 tls.handshakeTimeout=2 \
    queue.type=LinkedList queue.size=20000 action.resumeRetryCount=-1 action.resumeInterval=1)
action(type=\"omfile\" file=\"$T/copy.out\")"
start_rsyslogd snd "$T/snd.conf"

wait_for_count "$T/copy.out" 1000 30
wait_for_grep "$T/snd.log" "target '127\.0\.0\.1' port $PORT.*closed by the peer during the TLS handshake" 30
# a few more retries, then more input for the other action
wait_for_stat "$T/snd.stats" omtls connect.failed 3 30
omtls_feed 1001 2000
wait_for_count "$T/copy.out" 2000 30
times=$(grep -c 'closed by the peer during the TLS handshake' "$T/snd.log")
[ "$times" -eq 1 ] || fail "logged $times times (expected once per state change)"
noise=$(cat "$T/snd.log" "$T/snd.stderr" | grep -c 'suspended' || true)
[ "$noise" -le 10 ] || fail "$noise 'suspended' notices: the action spins"
[ -s "$T/rcv.out" ] && fail "messages delivered without a handshake?"
stop_rsyslogd snd
stop_rsyslogd rcv
echo "PASS: a handshake cut by the server is logged once; the daemon goes on"
