#!/bin/sh
# A burst of sessions (60 at once, more than 20 session lines a second)
# switches imtls's session log to summary lines: at most 20 single lines in
# that second, then "session summary for the last N s: 60 sessions opened,
# 60 closed, 0 refused, from 2 peer addresses; ... single session lines not
# logged" (the held lines counted in log.suppressed); nothing is lost to
# rsyslog's own rate limit.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
imtls_only || skip "imtls behaviour only (TB_RECEIVER=imtcp)"
storm=$(built_tool tests/tools/tls-storm) || exit $?

start_imtls recv
"$storm" -p "$PORT" --ca "$CERTS/ca.pem" --cert "$CERTS/client-cert.pem" --key "$CERTS/client-key.pem" \
    -c 60 -n 2 --sources 2 --timeout "$(scaled_seconds 60)" > "$T/burst.out" 2>&1 \
    || { cat "$T/burst.out" >&2; fail "burst clients failed"; }
cat "$T/burst.out"
wait_for_stat "$T/recv.stats" recv submitted 120
wait_for_stat "$T/recv.stats" recv log.suppressed 1
# the summary of the period comes at its end (10 s after its first line)
wait_for_grep "$T/recv.log" 'session summary for the last' 60
stop_rsyslogd recv
count_check "$T/recv.out" 0 119
held=$(stat_value "$T/recv.stats" recv log.suppressed)
assert_grep "$T/recv.log" "imtls\[recv\]: session summary for the last 1[01] s: 60 sessions opened, 60 closed, 0 refused, from 2 peer addresses; $held single session lines not logged \(more than 20 per second\)"
single=$(grep -Ec 'imtls\[recv\]: session (opened|closed)' "$T/recv.log")
[ $((single + held)) -eq 120 ] || fail "$single single lines and $held held, expected 120 in all"
assert_no_grep "$T/recv.log" 'lost due to rate-limiting'
