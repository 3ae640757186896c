#!/bin/sh
# omtls -> imtls: the receiving rsyslogd is killed with SIGKILL while
# batches flow (half of the stream written), then started again on the
# same port. Every message omtls did not count as sent stays in its queue
# and arrives after the restart. Messages omtls counted as sent (its
# impstats messages.sent) can be lost, and the figure is printed: a batch
# counts as sent once the TLS layer handed all of it to the kernel, so what
# the killed receiver had taken in but not yet written - bytes in its
# socket buffer and in imtls's read buffer, frames imtls had decoded and
# not yet submitted, and what its in-memory main queue held - dies with
# it. That is bounded: only messages omtls had already sent and the
# receiver had not written when it died, i.e. msgnums after the last one
# written before the kill and at most messages.sent at that time (asserted
# below); everything else arrives, duplicates (a batch resent after the
# reconnect) are counted and printed.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "$abs_top_srcdir/tests/integration/lib-omtls.sh"
omtls_needs_omtls
N=20000 BATCH=256
gen_certs

start_imtls rcv 'address="127.0.0.1"'
imtls_conf rcv "port=\"$PORT\"" 'address="127.0.0.1"' > "$T/rcv.conf" || exit $?

omtls_sender_conf snd "$(omtls_action name=forward target=127.0.0.1 port="$PORT" $(omtls_client_tls) \
    tls.handshakeTimeout=2 connectTimeout=2 \
    queue.type=LinkedList queue.size=200000 queue.dequeueBatchSize=$BATCH \
    action.resumeRetryCount=-1 action.resumeInterval=1)"
start_rsyslogd snd "$T/snd.conf"

# a flow still running when the receiver dies: 500 messages every 0.1 s
omtls_feed_slowly 1 $N 500
wait_for_count "$T/rcv.out" $((N / 3)) 60
kill -KILL "$(cat "$T/rcv.bgpid")"
_on=$(_tb_timeout 10)
while rsyslogd_alive rcv; do
    [ "$_on" -gt 0 ] || fail "the receiver did not die of SIGKILL"
    sleep 0.1
    _on=$((_on - 1))
done
rm -f "$T/rcv.pid"
# What the dead receiver wrote is final now.
cp "$T/rcv.out" "$T/before-kill.out"
last_written=$(msgnums "$T/before-kill.out" | sort -n | tail -n 1)
# The sender notices (send error or reconnect refused) before the restart.
before=$(omtls_outages snd)
omtls_wait_outage snd "$before"
# Nothing is sent while the receiver is dead: messages.sent two reports later
# is the figure at the outage.
reports=$(grep -c 'omtls(' "$T/snd.stats")
_on=$(_tb_timeout 10)
while [ "$(grep -c 'omtls(' "$T/snd.stats")" -lt $((reports + 2)) ]; do
    [ "$_on" -gt 0 ] || fail "no impstats report from the sender within 10 s"
    sleep 0.1
    _on=$((_on - 1))
done
sent_at_outage=$(omtls_stat snd messages.sent)
start_rsyslogd rcv "$T/rcv.conf"
omtls_wait_listen 127.0.0.1 "$PORT"

omtls_feeder_wait 60
omtls_wait_msgnum "$T/rcv.out" $N 90
wait_for_stat "$T/snd.stats" omtls messages.sent $N 60
stop_rsyslogd snd
stop_rsyslogd rcv
omtls_tally $N "$T/rcv.out"
sent=$(omtls_stat snd messages.sent)
lost_range=$(msgnums "$T/rcv.out" | sort -nu | awk -v n=$N 'BEGIN { e = 1 }
    { while (e < $1) { if (min == "") min = e; max = e; e++ } e = $1 + 1 }
    END { while (e <= n) { if (min == "") min = e; max = e; e++ } print (min == "" ? "none" : min "-" max) }')
echo "omtls -> imtls, receiver SIGKILLed after msgnum $last_written was written (outages seen: $before -> $(omtls_outages snd)):" \
    "lost (counted as sent, never arrived) $MISSING, range $lost_range; duplicates $DUPLICATES; messages.sent $sent" \
    "(at the outage $sent_at_outage)"
if [ "$MISSING" -gt 0 ]; then
    first_lost=${lost_range%-*}
    [ "$first_lost" -gt "$last_written" ] ||
        fail "msgnum $first_lost lost, but the receiver had written up to $last_written before it was killed"
    last_lost=${lost_range#*-}
    [ "$last_lost" -le "$sent_at_outage" ] ||
        fail "msgnum $last_lost lost, but omtls had counted only $sent_at_outage messages as sent when it noticed the outage"
    # each lost msgnum lies in that one range
    [ $((last_lost - first_lost + 1)) -eq "$MISSING" ] ||
        fail "the $MISSING lost messages are not one run of msgnums ($lost_range)"
fi
[ "$DUPLICATES" -le $((2 * BATCH)) ] || fail "$DUPLICATES duplicates: more than the batches in flight"
echo "PASS: all $N messages but the $MISSING the killed receiver had taken in arrived ($DUPLICATES duplicates)"
