#!/bin/sh
# omtls -> imtls: the receiving rsyslogd stops reading (SIGSTOP) while
# messages flow, so its TCP window fills and omtls's writes block. Asserts
# that: the sending rsyslogd's other work goes on (a second action writes
# every message to a file, impstats keeps reporting); omtls's action
# suspends within a bounded time (its send timeout, 10 s, plus the
# reconnect that then fails its handshake: counter "suspended"); the
# messages stay queued (messages.sent stays below what was fed); after
# SIGCONT every message arrives, duplicates (the batch in flight when the
# send timed out, read by the receiver from the old connection after
# SIGCONT and resent on the new one) at most one batch, and printed.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "$abs_top_srcdir/tests/integration/lib-omtls.sh"
omtls_needs_omtls
# ~400-byte messages: 20000 of them (8 MB) overflow loopback's socket buffers
N=20000 BATCH=128
gen_certs

start_imtls rcv 'address="127.0.0.1"'
omtls_sender_conf snd "$(omtls_action name=forward target=127.0.0.1 port="$PORT" $(omtls_client_tls) \
    tls.handshakeTimeout=2 connectTimeout=2 \
    queue.type=LinkedList queue.size=100000 queue.dequeueBatchSize=$BATCH \
    action.resumeRetryCount=-1 action.resumeInterval=1)
action(type=\"omfile\" file=\"$T/snd-local.out\")"
start_rsyslogd snd "$T/snd.conf"

pad=$(printf '%0380d' 0)
feed_padded() {
    awk -v a="$1" -v b="$2" -v p="$pad" 'BEGIN { for (i = a; i <= b; i++) printf "msgnum:%08d: %s\n", i, p }' \
        >> "$T/input.txt"
}
feed_padded 1 1000
wait_for_count "$T/rcv.out" 1000 30
kill -STOP "$(cat "$T/rcv.bgpid")"
stopped_at=$(date +%s)
feed_padded 1001 $N
# the other action and the inputs keep running
wait_for_count "$T/snd-local.out" $N 60
wait_for_stat "$T/snd.stats" omtls suspended 1 60
suspended_after=$(($(date +%s) - stopped_at))
limit=$(scaled_seconds 40)
[ "$suspended_after" -le "$limit" ] || fail "omtls suspended only $suspended_after s after the receiver stopped (limit $limit s)"
sent_stopped=$(omtls_stat snd messages.sent)
[ "$sent_stopped" -lt $N ] || fail "messages.sent is $sent_stopped while the receiver was stopped: nothing stayed queued"
local_lines=$(omtls_count "$T/snd-local.out")
# impstats, another input of the sender, goes on writing while the
# receiver is still stopped
stats_lines=$(wc -l < "$T/snd.stats")
wait_for_count "$T/snd.stats" $((stats_lines + 1)) 15
kill -CONT "$(cat "$T/rcv.bgpid")"

omtls_wait_distinct $N 120 "$T/rcv.out"
stop_rsyslogd snd
stop_rsyslogd rcv
omtls_tally $N "$T/rcv.out"
echo "omtls -> imtls, receiver SIGSTOPped: suspended after $suspended_after s, messages.sent $sent_stopped of $N" \
    "while stopped, local action $local_lines; after SIGCONT missing $MISSING, duplicates $DUPLICATES"
[ "$MISSING" -eq 0 ] || fail "$MISSING messages lost"
[ "$DUPLICATES" -le $BATCH ] || fail "$DUPLICATES duplicates: more than the batch in flight ($BATCH)"
count_check "$T/snd-local.out" 1 $N
echo "PASS: omtls suspended within $suspended_after s, the other action kept running, all $N arrived ($DUPLICATES duplicates)"
