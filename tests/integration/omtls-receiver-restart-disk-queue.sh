#!/bin/sh
# omtls -> imtls with a disk-assisted action queue: the receiver is stopped
# and started again on the same port five times while messages flow (each
# stop comes when half of the current segment arrived; the next segment is
# fed while the receiver is down, and the sender must notice the outage:
# lib-omtls.sh's omtls_restart_scenario). Every message arrives at least
# once; duplicates are at most one batch per restart (at-least-once
# delivery), and the figure is printed.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "$abs_top_srcdir/tests/integration/lib-omtls.sh"
N=30000 RESTARTS=5 BATCH=128
gen_certs

start_imtls rcv 'address="127.0.0.1"'
# later starts reuse the first run's port
imtls_conf rcv "port=\"$PORT\"" 'address="127.0.0.1"' > "$T/rcv.conf" || exit $?

omtls_sender_conf snd "$(omtls_action name=forward target=127.0.0.1 port="$PORT" $(omtls_client_tls) \
    tls.handshakeTimeout=2 connectTimeout=2 \
    queue.type=LinkedList queue.size=200000 queue.filename=omtlsq queue.saveOnShutdown=on \
    queue.dequeueBatchSize=$BATCH action.resumeRetryCount=-1 action.resumeInterval=1)"
start_rsyslogd snd "$T/snd.conf"

omtls_restart_scenario $RESTARTS $N
echo "omtls -> imtls, $RESTARTS receiver restarts: duplicates $DUPLICATES (limit $((RESTARTS * BATCH))), missing $MISSING"
stop_rsyslogd snd
stop_rsyslogd rcv
[ "$MISSING" -eq 0 ] || fail "$MISSING messages lost across $RESTARTS receiver restarts"
[ "$DUPLICATES" -le $((RESTARTS * BATCH)) ] || fail "$DUPLICATES duplicates: more than one batch per restart"
echo "PASS: all $N messages delivered across $RESTARTS restarts ($DUPLICATES duplicates)"
