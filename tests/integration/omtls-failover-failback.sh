#!/bin/sh
# target=["127.0.0.1","127.0.0.2"]: the primary is down, so the secondary
# receives everything; when the primary comes back, traffic returns to it
# after target.failbackInterval (2 s). Nothing is lost on the way.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "$abs_top_srcdir/tests/integration/lib-omtls.sh"
omtls_needs_omtls
N1=1000 N=4000
gen_certs

# primary on 127.0.0.1:P (down for now), secondary on 127.0.0.2:P
start_imtls a 'address="127.0.0.1"'
stop_rsyslogd a
imtls_conf a "port=\"$PORT\"" 'address="127.0.0.1"' > "$T/a.conf" || exit $?
start_imtls b "port=\"$PORT\"" 'address="127.0.0.2"'
omtls_wait_listen 127.0.0.2 "$PORT"

omtls_feed 1 $N1
# the test certificate names localhost, not 127.0.0.2: permit that name
omtls_sender_conf snd "$(omtls_action target='["127.0.0.1","127.0.0.2"]' port="$PORT" \
    $(omtls_client_tls) tls.permittedPeer='["localhost"]' target.failbackInterval=2 connectTimeout=2 \
    queue.type=LinkedList queue.size=20000 action.resumeRetryCount=-1 action.resumeInterval=1)"
start_rsyslogd snd "$T/snd.conf"

omtls_wait_distinct $N1 30 "$T/b.out"
[ -s "$T/a.out" ] && fail "the primary was down, yet a.out has messages"
assert_grep "$T/snd.log" 'switched to failover target 127\.0\.0\.2'

start_rsyslogd a "$T/a.conf"
omtls_wait_listen 127.0.0.1 "$PORT"
omtls_feed_slowly $((N1 + 1)) $N 50
wait_for_file "$T/a.out" 15
assert_grep "$T/snd.log" 'returned to primary target 127\.0\.0\.1'
omtls_feeder_wait 60
omtls_wait_distinct $N 30 "$T/a.out" "$T/b.out"
grep -q "msgnum:$(printf %08d $N):" "$T/a.out" || fail "the last message did not go to the primary"
stop_rsyslogd snd
stop_rsyslogd a
stop_rsyslogd b
omtls_tally $N "$T/a.out" "$T/b.out"
echo "PASS: failover to 127.0.0.2 and failback to 127.0.0.1 ($(omtls_count "$T/a.out") on primary, $(omtls_count "$T/b.out") on secondary)"
