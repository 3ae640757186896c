#!/bin/sh
# The comparison for omtls-receiver-restart-disk-queue: the same stream and
# five restarts toward rsyslog's own imtcp + gtls, which does not drain its
# sessions on shutdown. Reports loss and duplicates; asserts only that the
# sender resumed after each restart (the last message arrives).
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "$abs_top_srcdir/tests/integration/lib-omtls.sh"
N=30000 RESTARTS=5
gen_certs

omtls_receiver_imtcp_conf rcv 0 gtls
start_rsyslogd rcv "$T/rcv.conf" "$T/rcv.port"
PORT=$(port_of "$T/rcv.port") || exit $?
omtls_receiver_imtcp_conf rcv "$PORT" gtls

omtls_sender_conf snd "$(omtls_action target=127.0.0.1 port="$PORT" $(omtls_client_tls) \
    tls.permittedPeer='["localhost"]' tls.handshakeTimeout=2 connectTimeout=2 \
    queue.type=LinkedList queue.size=200000 queue.filename=omtlsq queue.saveOnShutdown=on \
    action.resumeRetryCount=-1 action.resumeInterval=1)"
start_rsyslogd snd "$T/snd.conf"

omtls_restart_scenario $RESTARTS $N
echo "REPORT: omtls -> imtcp/gtls, $RESTARTS receiver restarts: lost $MISSING, duplicates $DUPLICATES of $N"
stop_rsyslogd snd
stop_rsyslogd rcv
grep -q "msgnum:$(printf %08d $N):" "$T/rcv.out" || fail "the sender did not resume after the last restart"
echo "PASS: sender resumed after every restart (loss figure above is the reference's)"
