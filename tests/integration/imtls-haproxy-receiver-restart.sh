#!/bin/sh
# Two omtls senders (rebindInterval="50") point at HAProxy (balance
# roundrobin, send-proxy-v2, check) in front of two imtls receivers with
# proxyProtocol="v2". Both receivers carry traffic; receiver r2 is stopped
# while messages flow: the senders lose nothing (omtls keeps the batch
# queued and resends it on its next connection, which the balancer gives to
# r1); r2 is started again on its port, HAProxy's check takes it back, and
# once rebindInterval has made the senders reconnect it carries traffic
# again. Every message arrives at least once; duplicates (a batch cut by the
# outage) are bounded and printed.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "$abs_top_srcdir/tests/integration/lib-omtls.sh"
imtls_only || skip "imtls behaviour only (TB_RECEIVER=imtcp)"
omtls_needs_omtls
need_tool haproxy ss
gen_certs
S=300 BATCH=10
RECV='address="127.0.0.1" proxyProtocol="v2" proxyProtocol.trustedSources=["127.0.0.1"]'

start_imtls r1 "$RECV"
P1=$PORT
start_imtls r2 "$RECV"
P2=$PORT
imtls_conf r2 "port=\"$P2\"" "$RECV" > "$T/r2.conf" || exit $?  # a restart reuses the port

start_haproxy_pool lb "$P1" "$P2" "inter 200ms fall 1 rise 1"
wait_for_stat "$T/r1.stats" r1 proxy.healthchecks 1
wait_for_stat "$T/r2.stats" r2 proxy.healthchecks 1

# sender NAME: an rsyslogd reading $T/NAME.in, forwarding with omtls to the balancer
_omtls=$(omtls_module) || exit $?
for s in s1 s2; do
    touch "$T/$s.in"
    {
        conf_head $s
        conf_stats $s
        echo "module(load=\"$_omtls\")"
        echo 'module(load="imfile")'
        echo "input(type=\"imfile\" file=\"$T/$s.in\" tag=\"omtlstest:\" ruleset=\"fwd\")"
        echo 'ruleset(name="fwd") {'
        omtls_action name=forward target=127.0.0.1 port="$HAPROXY_PORT" rebindInterval=50 $(omtls_client_tls) \
            tls.handshakeTimeout=2 connectTimeout=2 queue.type=LinkedList queue.size=100000 \
            queue.dequeueBatchSize=$BATCH action.resumeRetryCount=-1 action.resumeInterval=1
        echo '}'
    } > "$T/$s.conf"
    start_rsyslogd $s "$T/$s.conf"
done

# feed PHASE: messages of phase 1..3: s1 gets (PHASE-1)*S+1 .. PHASE*S, s2 the same plus 3*S
feed() {
    gen_lines "$T/feed.tmp" $(( ($1 - 1) * S + 1 )) $(( $1 * S ))
    cat "$T/feed.tmp" >> "$T/s1.in"
    gen_lines "$T/feed.tmp" $(( ($1 + 2) * S + 1 )) $(( ($1 + 3) * S ))
    cat "$T/feed.tmp" >> "$T/s2.in"
}
# feed_slowly PHASE: the same, 10 messages per sender every 0.1 s, in the background
feed_slowly() {
    start_bg feeder sh -c '
i=$1
while [ "$i" -le "$2" ]; do
    j=$((i + 9))
    awk -v a="$i" -v b="$j" "BEGIN { for (i = a; i <= b; i++) printf \"msgnum:%08d:\\n\", i }" >> "$4"
    awk -v a="$((i + $3))" -v b="$((j + $3))" "BEGIN { for (i = a; i <= b; i++) printf \"msgnum:%08d:\\n\", i }" >> "$5"
    i=$((j + 1))
    sleep 0.1
done' feeder $(( ($1 - 1) * S + 1 )) $(( $1 * S )) $(( 3 * S )) "$T/s1.in" "$T/s2.in"
}
# wait_phase PHASE: every message of phases 1..PHASE arrived (s1's and s2's)
wait_phase() {
    omtls_wait_distinct $(( 2 * $1 * S )) 60 "$T/r1.out" "$T/r2.out"
}

feed 1
wait_phase 1
c1=$(_tb_lines "$T/r1.out") c2=$(_tb_lines "$T/r2.out")
[ "$c1" -gt 0 ] && [ "$c2" -gt 0 ] || fail "phase 1: one receiver carried no traffic (r1 $c1, r2 $c2)"

# r2 goes away while messages flow.
feed_slowly 2
omtls_wait_distinct $(( 2 * S + S / 3 )) 60 "$T/r1.out" "$T/r2.out"
stop_rsyslogd r2
down=$(_tb_lines "$T/r2.out")
wait_bg feeder 60
wait_phase 2
[ "$(_tb_lines "$T/r2.out")" -eq "$down" ] || fail "r2 received messages while it was stopped"

# r2 returns on its port; HAProxy's check takes it back (fresh counters).
rm -f "$T/r2.stats"
start_rsyslogd r2 "$T/r2.conf"
wait_for_stat "$T/r2.stats" r2 proxy.healthchecks 1
feed 3
wait_phase 3
back=$(( $(_tb_lines "$T/r2.out") - down ))
[ "$back" -gt 0 ] || fail "r2 carried no traffic after it returned (rebindInterval=50, $((2 * S)) messages)"
wait_for_stat "$T/s1.stats" omtls messages.sent $((3 * S)) 30
wait_for_stat "$T/s2.stats" omtls messages.sent $((3 * S)) 30

stop_rsyslogd s1
stop_rsyslogd s2
stop_haproxy lb
stop_rsyslogd r1
stop_rsyslogd r2

omtls_tally $((6 * S)) "$T/r1.out" "$T/r2.out"
[ "$MISSING" -eq 0 ] || fail "$MISSING messages lost while r2 was stopped"
[ "$DUPLICATES" -le $((2 * 2 * BATCH)) ] || fail "$DUPLICATES duplicates: more than two batches per sender"
assert_no_grep "$T/r1.log" 'refused'
assert_no_grep "$T/r2.log" 'refused'
grep -q 'msgnum' "$T/r1.out" || fail "r1 has no messages"
# fromhost-ip is the senders' own address as the PROXY header gives it (the
# senders run on 127.0.0.1 here; imtls-haproxy-pool.sh tells them apart)
[ "$(grep -vc '^127\.0\.0\.1 ' "$T/r1.out" "$T/r2.out" | awk -F: '{ s += $2 } END { print s + 0 }')" -eq 0 ] \
    || fail "a message does not show the sender's address"
echo "PASS: r2 stopped and back: nothing lost ($DUPLICATES duplicates); r2 carried $back messages after its return"
