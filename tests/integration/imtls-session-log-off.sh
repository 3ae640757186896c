#!/bin/sh
# sessionLog="off": a good client's session is not logged, its messages still
# arrive.  The same client on an input with the default (on) gets exactly one
# "session opened" line per session, naming the peer IP:port (the client's
# own port, read from ss), the certificate subject, the TLS version and the
# cipher.  Both inputs run in one daemon.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
need_tool gnutls-cli ss
imtls_only || skip "imtls behaviour only (TB_RECEIVER=imtcp)"
gen_certs

mod=$(imtls_module) || exit $?
tls="tls.caFile=\"$CERTS/ca.pem\" tls.certFile=\"$CERTS/server-cert.pem\" tls.keyFile=\"$CERTS/server-key.pem\""
{
    conf_head recv
    conf_stats recv
    echo "module(load=\"$mod\")"
    echo "input(type=\"imtls\" name=\"quiet\" port=\"0\" listenPortFileName=\"$T/quiet.port\" $tls sessionLog=\"off\")"
    echo "input(type=\"imtls\" name=\"loud\" port=\"0\" listenPortFileName=\"$T/loud.port\" $tls)"
    echo "action(type=\"omfile\" file=\"$T/recv.out\" template=\"t_out\")"
} > "$T/recv.conf"
start_rsyslogd recv "$T/recv.conf" "$T/quiet.port" "$T/loud.port"
QPORT=$(port_of "$T/quiet.port") || exit $?
LPORT=$(port_of "$T/loud.port") || exit $?

# sessionLog="off": messages arrive, the session is counted, nothing logged
gen_syslog "$T/q.in" 1 5
send_gnutls_cli "$QPORT" client < "$T/q.in" || fail "gnutls-cli to quiet exited $?"
wait_for_count "$T/recv.out" 5
wait_for_stat "$T/recv.stats" quiet sessions.closed 1

# default: one held session (its port known), then a second, short one
hold_session "$LPORT" client
wait_for_grep "$T/recv.log" "imtls\\[loud\\]: session opened" 30
cport=$(client_port "$LPORT")
[ -n "$cport" ] || fail "no established client socket toward port $LPORT"
gen_syslog "$T/l.in" 6 10
cat "$T/l.in" >&7
wait_for_count "$T/recv.out" 10
exec 7>&-
wait_bg hold 10 || fail "gnutls-cli (held session) exited $?"
gen_syslog "$T/l2.in" 11 15
send_gnutls_cli "$LPORT" client < "$T/l2.in" || fail "gnutls-cli to loud exited $?"
wait_for_count "$T/recv.out" 15
wait_for_stat "$T/recv.stats" loud sessions.closed 2
stop_rsyslogd recv

seq_check "$T/recv.out" 1 15
[ "$(grep -c ' quiet msgnum:' "$T/recv.out")" -eq 5 ] || fail "quiet did not receive messages 1..5"
[ "$(stat_value "$T/recv.stats" quiet sessions.opened)" -eq 1 ] || fail "quiet: sessions.opened is not 1"
assert_no_grep "$T/recv.log" "imtls\\[quiet\\].*session"
n=$(grep -c "session opened" "$T/recv.log")
[ "$n" -eq 2 ] || fail "$n 'session opened' lines, expected 2 (loud's sessions only)"
n=$(grep -c "imtls\\[loud\\]: session opened" "$T/recv.log")
[ "$n" -eq 2 ] || fail "loud: $n 'session opened' lines for 2 sessions"
assert_grep "$T/recv.log" \
    "imtls\\[loud\\]: session opened: peer 127\\.0\\.0\\.1:$cport, subject '[^']*CN=client\\.example\\.net[^']*', TLS1\\.[23], [A-Z0-9_-]+"
echo "PASS: sessionLog=\"off\" silent; default logs each session once ($(grep -m1 "peer 127.0.0.1:$cport" "$T/recv.log"))"
