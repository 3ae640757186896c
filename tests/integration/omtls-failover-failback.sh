#!/bin/sh
# target=["127.0.0.1","127.0.0.2"]: the primary is down, so the secondary
# receives everything; when the primary comes back, traffic returns to it,
# but not before target.failbackInterval (5 s) has passed since the switch
# to the secondary (the primary is up long before that). Nothing is lost on
# the way, and failing back duplicates at most one batch.
#
# The failback time is measured from the moment the test saw the switch
# logged, which is after the switch itself: the figure is a lower bound of
# the real interval, and is allowed 2 s less than the 5 s configured for the
# log line's own delay. A failback as soon as the primary listens (well
# under a second after the switch) fails.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "$abs_top_srcdir/tests/integration/lib-omtls.sh"
omtls_needs_omtls
N1=1000 N=4000 BATCH=128 FAILBACK=5
gen_certs

# primary on 127.0.0.1:P (down for now), secondary on 127.0.0.2:P
start_imtls a 'address="127.0.0.1"'
stop_rsyslogd a
imtls_conf a "port=\"$PORT\"" 'address="127.0.0.1"' > "$T/a.conf" || exit $?
start_imtls b "port=\"$PORT\"" 'address="127.0.0.2"'
omtls_wait_listen 127.0.0.2 "$PORT"

omtls_feed 1 $N1
# the test certificate names localhost, not 127.0.0.2: permit that name
omtls_sender_conf snd "$(omtls_action name=forward target='["127.0.0.1","127.0.0.2"]' port="$PORT" \
    $(omtls_client_tls) tls.permittedPeer='["localhost"]' target.failbackInterval=$FAILBACK connectTimeout=2 \
    queue.type=LinkedList queue.size=20000 queue.dequeueBatchSize=$BATCH \
    action.resumeRetryCount=-1 action.resumeInterval=1)"
start_rsyslogd snd "$T/snd.conf"

wait_for_grep "$T/snd.log" 'switched to failover target 127\.0\.0\.2'
switched=$(date +%s.%N)
start_rsyslogd a "$T/a.conf"
omtls_wait_listen 127.0.0.1 "$PORT"
up=$(date +%s.%N)
omtls_wait_distinct $N1 60 "$T/b.out"
[ -s "$T/a.out" ] && fail "the primary was down when the first $N1 were sent, yet a.out has messages"

omtls_feed_slowly $((N1 + 1)) $N 50
wait_for_file "$T/a.out" $((FAILBACK + 30))
back=$(date +%s.%N)
assert_grep "$T/snd.log" 'returned to primary target 127\.0\.0\.1'
after=$(awk -v a="$switched" -v b="$back" 'BEGIN { printf "%.1f\n", b - a }')
listening=$(awk -v a="$switched" -v b="$up" 'BEGIN { printf "%.1f\n", b - a }')
awk -v t="$after" -v f=$FAILBACK 'BEGIN { exit !(t >= f - 2) }' ||
    fail "failed back ${after}s after the switch (primary listening after ${listening}s), before target.failbackInterval=${FAILBACK}s"
omtls_feeder_wait 120
omtls_wait_distinct $N 60 "$T/a.out" "$T/b.out"
omtls_wait_msgnum "$T/a.out" $N 30
stop_rsyslogd snd
stop_rsyslogd a
stop_rsyslogd b
omtls_tally $N "$T/a.out" "$T/b.out"
[ "$MISSING" -eq 0 ] || fail "$MISSING messages lost across failover and failback"
[ "$DUPLICATES" -le $BATCH ] || fail "$DUPLICATES duplicates: more than one batch ($BATCH) at failback"
echo "PASS: failover to 127.0.0.2, failback to 127.0.0.1 ${after}s after the switch (primary up after ${listening}s); $(omtls_count "$T/a.out") on primary, $(omtls_count "$T/b.out") on secondary, $DUPLICATES duplicates"
