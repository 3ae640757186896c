#!/bin/sh
# SIGHUP leaves imtls's sessions alone: a TLS session held open (gnutls-cli
# fed through a FIFO) delivers messages, rsyslogd is HUPed (by pid), and the
# same session keeps delivering: no second "session opened" line, the
# client's socket is the same one, sessions.opened stays 1 and
# sessions.closed 0 until the client ends the session.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
need_tool gnutls-cli ss
imtls_only || skip "imtls behaviour only (TB_RECEIVER=imtcp)"

start_imtls recv
hold_session "$PORT" client
wait_for_grep "$T/recv.log" "session opened" 30
cport=$(client_port "$PORT")
[ -n "$cport" ] || fail "no established client socket toward port $PORT"
gen_syslog "$T/a.in" 1 50
cat "$T/a.in" >&7
wait_for_count "$T/recv.out" 50
wait_for_stat "$T/recv.stats" recv submitted 50 30

# HUP done = omfile closed recv.out (nothing is written to it meanwhile)
hup_rsyslogd recv "$T/recv.out"

ps -p "$(cat "$T/hold.bgpid")" -o stat= | grep -qv Z || fail "gnutls-cli ended: HUP closed the session"
gen_syslog "$T/b.in" 51 100
cat "$T/b.in" >&7
wait_for_count "$T/recv.out" 100 30
# the stats line written after the last message: the session is still the first one
wait_for_stat "$T/recv.stats" recv submitted 100 30
[ "$(stat_value "$T/recv.stats" recv sessions.opened)" -eq 1 ] || fail "sessions.opened is not 1 after HUP"
[ "$(stat_value "$T/recv.stats" recv sessions.closed)" -eq 0 ] || fail "the session was closed by HUP"
[ "$(client_port "$PORT")" = "$cport" ] || fail "the client's connection changed across HUP"

exec 7>&-
wait_bg hold 10 || fail "gnutls-cli exited $?"
wait_for_stat "$T/recv.stats" recv sessions.closed 1 30
stop_rsyslogd recv
seq_check "$T/recv.out" 1 100
n=$(grep -c "session opened" "$T/recv.log")
[ "$n" -eq 1 ] || fail "$n 'session opened' lines, expected 1"
echo "PASS: 100 messages over one TLS session across a HUP (client port $cport)"
