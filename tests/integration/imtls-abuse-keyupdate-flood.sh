#!/bin/sh
# TLS 1.3 KeyUpdate: a few updates (5, each asking the receiver to update
# too) are honoured and the session goes on delivering. A flood (1000 in a
# row) hits GnuTLS's limit of 8 KeyUpdates per second: the receiver closes
# the session with "Too many handshake packets have been received" naming
# the peer, after about 9 updates, so the message sent after the flood is
# never delivered; 10 floods cost the receiver bounded CPU,
# and a flooder that then holds its session open and silent costs nothing
# (no spin). A well-behaved loader alongside delivers every message.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "${abs_top_srcdir:-.}/tests/integration/lib-abuse.sh"
imtls_only || skip "imtls behaviour only (TB_RECEIVER=imtcp)"

start_imtls recv
pid=$(daemon_pid recv)
abuse --mode keyupdate --repeat 5 --peer-update --count 3 --start 800000 || fail "tls-abuse: $(cat "$T/abuse.out")"
assert_grep "$T/abuse.out" '^keyupdate.sent: 5$'
assert_grep "$T/abuse.out" '^after: sent 3'
start_good good 1 3000
cpu0=$(cpu_ms "$pid")
i=0
while [ $i -lt 10 ]; do
    abuse --mode keyupdate --repeat 1000 --peer-update --count 1 --start $((900000 + i)) ||
        fail "tls-abuse: $(cat "$T/abuse.out")"
    # How many updates the flooder got out before the close reached it is
    # timing (on a busy machine all 1000 fit in the socket buffer first);
    # what the receiver did is asserted below: the message sent after each
    # flood is never delivered, and each flood is logged as closed.
    n=$(sed -n 's/^keyupdate.sent: \([0-9]*\).*/\1/p' "$T/abuse.out")
    [ -n "$n" ] || fail "tls-abuse printed no keyupdate.sent line: $(cat "$T/abuse.out")"
    i=$((i + 1))
done
cpu1=$(cpu_ms "$pid")
cat "$T/abuse.out"
wait_bg good 60 || fail "loader alongside failed: $(cat "$T/good.stderr")"
bound=$((1000 * ${TB_TIMEOUT_FACTOR:-1}))
echo "receiver CPU across 10 KeyUpdate floods: $((cpu1 - cpu0)) ms (bound $bound ms; last flood: $n updates written before the close reached the flooder)"
[ $((cpu1 - cpu0)) -le "$bound" ] || fail "receiver CPU $((cpu1 - cpu0)) ms across the floods"
# within the limit, then silent for 3 s: the receiver must idle
start_abuse hold --mode keyupdate --repeat 6 --count 1 --start 810000 --hold-ms 3000
wait_for_grep "$T/hold.stdout" '^hold:' 30
c0=$(cpu_ms "$pid")
sleep 2
c1=$(cpu_ms "$pid")
wait_bg hold 30 || fail "tls-abuse hold: $(cat "$T/hold.stderr")"
echo "receiver CPU over 2 s with a silent session after 6 KeyUpdates: $((c1 - c0)) ms"
[ $((c1 - c0)) -le $((100 * ${TB_TIMEOUT_FACTOR:-1})) ] || fail "receiver busy while the session is silent: $((c1 - c0)) ms"
start_good good2 3001 1000
wait_bg good2 60 || fail "loader after the floods failed: $(cat "$T/good2.stderr")"
wait_for_count "$T/recv.out" 4004
stop_rsyslogd recv
out_range "$T/recv.out" 1 4000 > "$T/good.out"
seq_check "$T/good.out" 1 4000
[ "$(out_range "$T/recv.out" 800000 800002 | wc -l)" -eq 3 ] || fail "messages after 5 KeyUpdates lost"
[ "$(out_range "$T/recv.out" 900000 900009 | wc -l)" -eq 0 ] ||
    fail "a message sent after a KeyUpdate flood was delivered: the flood was not cut"
assert_grep "$T/recv.out" 'msgnum:00810000:'
flood='peer 127\.0\.0\.1:[0-9]+ .*Too many handshake packets'
assert_grep "$T/recv.log" "$flood"
[ "$(refusal_lines recv "$flood" 'TLS protocol error')" -eq 10 ] ||
    fail "not 10 sessions closed for the KeyUpdate flood"
