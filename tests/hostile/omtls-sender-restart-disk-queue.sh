#!/bin/sh
# omtls with a disk-assisted action queue: the receiver is down, messages
# pile up in the sender's queue, and the sending rsyslogd is stopped
# (SIGTERM: queue.saveOnShutdown writes the queue to disk) and started
# again. The restarted sender reads an empty input file, so the messages
# can come from its disk queue only; once the receiver is up, every one of
# them arrives. Duplicates are printed: the message during which a
# transaction could not begin is both committed once the action resumes and
# put back into the queue by rsyslog, one per outage, so at most a few.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "$abs_top_srcdir/tests/integration/lib-omtls.sh"
N=5000 BATCH=256
gen_certs

# the receiver's first run only picks the port, then it is down
start_imtls rcv 'address="127.0.0.1"'
imtls_conf rcv "port=\"$PORT\"" 'address="127.0.0.1"' > "$T/rcv.conf" || exit $?
stop_rsyslogd rcv

action=$(omtls_action name=forward target=127.0.0.1 port="$PORT" $(omtls_client_tls) \
    tls.handshakeTimeout=2 connectTimeout=2 \
    queue.type=LinkedList queue.size=100000 queue.filename=omtlsq queue.saveOnShutdown=on \
    queue.highWatermark=1000 queue.lowWatermark=500 queue.dequeueBatchSize=$BATCH \
    action.resumeRetryCount=-1 action.resumeInterval=1)
omtls_sender_conf snd "$action"
start_rsyslogd snd "$T/snd.conf"
omtls_feed 1 $N
omtls_wait_outage snd 0
# every message reached the action's queue (its impstats "enqueued")
enqueued() {
    grep '"name": "forward queue' "$T/snd.stats" | tail -n 1 | sed -n 's/.*"enqueued": \([0-9]*\).*/\1/p'
}
_on=$(_tb_timeout 30)
while [ "$(enqueued)" != "$N" ]; do
    [ "$_on" -gt 0 ] || fail "the action queue took $(enqueued) of $N messages"
    sleep 0.1
    _on=$((_on - 1))
done
stop_rsyslogd snd
[ "$(omtls_stat snd messages.sent)" -eq 0 ] || fail "omtls counted messages as sent with the receiver down"
queued=$(ls "$T/snd.work" | grep -c '^omtlsq' || true)
[ "$queued" -gt 0 ] || fail "no queue file in the sender's work directory after its shutdown"
echo "sender stopped with its queue on disk: $(ls "$T/snd.work" | grep '^omtlsq' | tr '\n' ' ')"

# the restarted sender reads another, empty file: only its disk queue has messages
mv "$T/input.txt" "$T/first-input.txt"
omtls_sender_conf snd "$action"
: > "$T/snd.stats"
start_rsyslogd snd "$T/snd.conf"
start_rsyslogd rcv "$T/rcv.conf"
omtls_wait_listen 127.0.0.1 "$PORT"
omtls_wait_distinct $N 90 "$T/rcv.out"
wait_for_stat "$T/snd.stats" omtls messages.sent $N 30
stop_rsyslogd snd
stop_rsyslogd rcv
omtls_tally $N "$T/rcv.out"
echo "omtls, sender restarted with $N messages in its disk-assisted queue: missing $MISSING, duplicates $DUPLICATES"
[ "$MISSING" -eq 0 ] || fail "$MISSING messages of the disk queue lost across the sender's restart"
[ "$DUPLICATES" -le $BATCH ] || fail "$DUPLICATES duplicates: more than one batch"
left=$(ls "$T/snd.work" | grep -c '^omtlsq' || true)
echo "PASS: all $N messages queued across the sender's restart arrived ($DUPLICATES duplicates; queue files left: $left)"
