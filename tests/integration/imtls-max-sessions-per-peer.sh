#!/bin/sh
# maxSessionsPerPeer="1": while a TLS session from 127.0.0.1 is open, a
# second client from that address is refused after the handshake with a
# TLS alert it sees (access denied) and a log line naming the limit and the
# parameter; once the first session has gone, the address is served again.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
need_tool gnutls-cli ss
imtls_only || skip "imtls behaviour only (TB_RECEIVER=imtcp)"

start_imtls recv 'maxSessionsPerPeer="1"'
hold_session "$PORT" client
wait_for_stat "$T/recv.stats" recv sessions.opened 1
printf '<13>1 2026-01-01T00:00:00Z tbhost second - - - must not arrive\n' > "$T/second.in"
# gnutls-cli waits for the server after its input ended: it reads the alert
(sleep 2; cat "$T/second.in") | send_gnutls_cli "$PORT" client && fail "the second session was not refused"
assert_grep "$T/gnutls-cli.out" 'Received alert \[49\]: Access (was )?denied'
wait_for_refusal recv 'refused after the TLS handshake: session limit per peer address reached \(at most 1 session from 127\.0\.0\.1\) \(maxSessionsPerPeer=1\)'
wait_for_stat "$T/recv.stats" recv sessions.refused 1
echo '<13>1 2026-01-01T00:00:00Z tbhost first - - - first still serves' >&7
wait_for_grep "$T/recv.out" 'first still serves'
exec 7>&-
stop_bg hold
n=$(_tb_timeout 30)
while [ -n "$(ss -Htn state established state close-wait "sport = :$PORT")" ]; do
    [ $n -gt 0 ] || fail "imtls kept the closed connection open for 30s"
    sleep 0.1
    n=$((n - 1))
done
assert_serves_good_client recv
stop_rsyslogd recv
assert_no_grep "$T/recv.out" 'must not arrive'
