#!/bin/sh
# rateLimit.interval="10" rateLimit.burst="5": 20 messages from one client
# within the interval -> exactly the first 5 arrive and rsyslog logs that it
# begins to drop messages due to rate-limiting; an input without a limit in
# the same daemon receives all 20 from the same client.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
need_tool gnutls-cli
imtls_only || skip "imtls behaviour only (TB_RECEIVER=imtcp)"
gen_certs

mod=$(imtls_module) || exit $?
tls="tls.caFile=\"$CERTS/ca.pem\" tls.certFile=\"$CERTS/server-cert.pem\" tls.keyFile=\"$CERTS/server-key.pem\""
{
    conf_head recv
    conf_stats recv
    echo "module(load=\"$mod\")"
    echo "input(type=\"imtls\" name=\"limited\" port=\"0\" listenPortFileName=\"$T/limited.port\" $tls"
    echo "      rateLimit.interval=\"10\" rateLimit.burst=\"5\")"
    echo "input(type=\"imtls\" name=\"free\" port=\"0\" listenPortFileName=\"$T/free.port\" $tls)"
    echo "action(type=\"omfile\" file=\"$T/recv.out\" template=\"t_out\")"
} > "$T/recv.conf"
start_rsyslogd recv "$T/recv.conf" "$T/limited.port" "$T/free.port"

gen_syslog "$T/in.txt" 1 20
# one session, all 20 written at once: well inside the 10 s interval
send_gnutls_cli "$(port_of "$T/limited.port")" client < "$T/in.txt" || fail "gnutls-cli to limited exited $?"
wait_for_stat "$T/recv.stats" limited sessions.closed 1 30
wait_for_grep "$T/recv.log" "imtls.*limited.*begin to drop messages due to rate-limiting" 30
send_gnutls_cli "$(port_of "$T/free.port")" client < "$T/in.txt" || fail "gnutls-cli to free exited $?"
# one main-queue worker: once free's 20 are written, limited's survivors are too
wait_for_count "$T/recv.out" 25 30
wait_for_stat "$T/recv.stats" free submitted 20 30
stop_rsyslogd recv

grep ' limited ' "$T/recv.out" > "$T/limited.out"
grep ' free ' "$T/recv.out" > "$T/free.out"
assert_count "$T/limited.out" 5
seq_check "$T/limited.out" 1 5
assert_count "$T/free.out" 20
seq_check "$T/free.out" 1 20
assert_count "$T/recv.out" 25
[ "$(stat_value "$T/recv.stats" limited submitted)" -eq 5 ] || fail "limited: submitted counts dropped messages"
echo "PASS: burst 5 of 20 passed the limit ($(grep -i 'begin to drop' "$T/recv.log"))"
