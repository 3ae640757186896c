#!/bin/sh
# omtls -> rsyslog's own imtcp + gtls, restarted five times: omtls loses
# nothing. imtcp does not drain its sessions on shutdown: whatever it has
# read but not yet written when it stops is gone, and no sender can tell
# (TCP and TLS acknowledge nothing at the application level). So that this
# loss of imtcp's own cannot count against omtls, the receiver is stopped
# only when it has written every message sent so far (the sender has
# nothing in flight); the next segment is fed while it is down. omtls must
# then notice that its connection is dead before it considers anything
# sent: every message arrives (MISSING 0), duplicates at most one batch per
# restart. Run with OMTLS_SENDER=omfwd (make check-reference), the same
# harness prints what rsyslog's omfwd loses in that situation.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "$abs_top_srcdir/tests/integration/lib-omtls.sh"
N=30000 RESTARTS=5 BATCH=128
gen_certs

omtls_receiver_imtcp_conf rcv 0 gtls
start_rsyslogd rcv "$T/rcv.conf" "$T/rcv.port"
PORT=$(port_of "$T/rcv.port") || exit $?
omtls_receiver_imtcp_conf rcv "$PORT" gtls

omtls_sender_conf snd "$(omtls_action name=forward target=127.0.0.1 port="$PORT" $(omtls_client_tls) \
    tls.permittedPeer='["localhost"]' tls.handshakeTimeout=2 connectTimeout=2 \
    queue.type=LinkedList queue.size=200000 queue.filename=omtlsq queue.saveOnShutdown=on \
    queue.dequeueBatchSize=$BATCH action.resumeRetryCount=-1 action.resumeInterval=1)"
start_rsyslogd snd "$T/snd.conf"

omtls_restart_scenario $RESTARTS $N idle
echo "REPORT: $OMTLS_SENDER -> imtcp/gtls, $RESTARTS restarts with nothing in flight: lost $MISSING, duplicates $DUPLICATES of $N"
stop_rsyslogd snd
stop_rsyslogd rcv
if [ "$OMTLS_SENDER" = omtls ]; then
    [ "$MISSING" -eq 0 ] || fail "omtls lost $MISSING messages across $RESTARTS receiver restarts"
    [ "$DUPLICATES" -le $((RESTARTS * BATCH)) ] || fail "$DUPLICATES duplicates: more than one batch per restart"
    echo "PASS: omtls lost nothing across $RESTARTS imtcp restarts ($DUPLICATES duplicates)"
else
    echo "PASS: reference figures printed above (the sender resumed after every restart)"
fi
