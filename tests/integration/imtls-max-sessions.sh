#!/bin/sh
# maxSessions="1" counts authenticated sessions: while one TLS session is
# open, a second client is refused and logged with the peer; a connection
# that never speaks does not take the session's place (it is only a
# pending handshake); once the session has gone, a client is served again.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
need_tool gnutls-cli bash timeout ss
imtls_only || skip "imtls behaviour only (TB_RECEIVER=imtcp)"

start_imtls recv 'maxSessions="1"'
# a silent connection is pending, not a session: a client still gets in
plain_connect_hold "$PORT" 20
wait_for_grep "$T/hold.stdout" '^connected$' 30
assert_serves_good_client recv
stop_bg hold
hold_session "$PORT" client
wait_for_stat "$T/recv.stats" recv sessions.opened 2
printf '<13>1 2026-01-01T00:00:00Z tbhost badclient - - - must not arrive\n' > "$T/bad.in"
send_gnutls_cli "$PORT" client < "$T/bad.in"
wait_for_refusal recv 'refused.*session limit reached.*maxSessions=1'
wait_for_stat "$T/recv.stats" recv sessions.refused 1
exec 7>&-
stop_bg hold
# imtls notices the close asynchronously: wait until its side is gone
n=$(_tb_timeout 30)
while [ -n "$(ss -Htn state established state close-wait "sport = :$PORT")" ]; do
    [ $n -gt 0 ] || fail "imtls kept the closed connection open for 30s"
    sleep 0.1
    n=$((n - 1))
done
assert_serves_good_client recv
stop_rsyslogd recv
assert_no_grep "$T/recv.out" 'must not arrive'
