#!/bin/sh
# maxPendingHandshakes="5": five TCP connections that send the first bytes
# of a ClientHello and then nothing, each renewed as soon as imtls closes
# it, fill the pending budget; a TLS client
# still gets in at once, evicting the longest-silent one (logged with the
# peer, the reason and the parameter, counted as handshake.evicted), and
# slow clients whose handshakes keep progressing are never evicted.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
need_tool gnutls-cli
imtls_only || skip "imtls behaviour only (TB_RECEIVER=imtcp)"
storm=$(built_tool tests/tools/tls-storm) || exit $?

start_imtls recv 'maxPendingHandshakes="5"' 'tls.handshakeTimeout="30"'
start_bg attacker "$storm" --silent --partial -p "$PORT" -c 5 --timeout "$(scaled_seconds 120)"
wait_for_grep "$T/attacker.stdout" '^silent connections open 5$'
assert_serves_good_client recv
wait_for_stat "$T/recv.stats" recv handshake.evicted 1
# clients that hold back each flight for 0.3 s: progressing, never evicted,
# while the attacker's renewed connections keep the budget full
"$storm" -p "$PORT" --ca "$CERTS/ca.pem" --cert "$CERTS/client-cert.pem" --key "$CERTS/client-key.pem" \
    -c 3 -n 4 --hold-ms 300 --timeout "$(scaled_seconds 60)" > "$T/slow.out" 2>&1 \
    || { cat "$T/slow.out" >&2; fail "progressing handshakes were not completed"; }
cat "$T/slow.out"
wait_for_count "$T/recv.out" 13
assert_serves_good_client recv
# the slow clients' sessions all opened (none was evicted or refused): 2 good
# clients and 3 slow ones, counted and logged
wait_for_stat "$T/recv.stats" recv sessions.opened 5
wait_for_grep_count "$T/recv.log" "session opened" 5
stop_bg attacker
stop_rsyslogd recv
grep msgnum "$T/recv.out" > "$T/slow.msgs"
count_check "$T/slow.msgs" 0 11
assert_grep "$T/recv.log" "imtls\[recv\]: pending connection from 127\.0\.0\.1:[0-9]+ evicted: it sent no complete TLS ClientHello in [0-9]+ ms, and a new connection needed its slot \(the budget of 5 pending handshakes is full\) \(maxPendingHandshakes=5\)"
[ "$(stat_value "$T/recv.stats" recv sessions.opened)" = 5 ] || fail "sessions.opened is not 5: more sessions than 2 good and 3 slow clients"
