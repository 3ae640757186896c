#!/bin/sh
# tlslogger sends every line of -f FILE, and of stdin, as one message each,
# all over one TLS session per run, in order; empty lines are skipped.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "$abs_top_srcdir/tests/integration/lib-tlslogger.sh"
start_imtls r
# 1000 numbered lines with empty lines between some of them
awk 'BEGIN { for (i = 1; i <= 1000; i++) { printf "msgnum:%08d:\n", i; if (i % 100 == 0) print "" } }' > "$T/in1"
awk 'BEGIN { for (i = 1001; i <= 2000; i++) { printf "msgnum:%08d:\n", i; if (i % 100 == 0) print "" } }' > "$T/in2"

run_tlslogger -t tbtest -f "$T/in1" || fail "-f: exit $TL_STATUS: $(cat "$T/tlslogger.err")"
[ -s "$T/tlslogger.err" ] && fail "-f: unexpected stderr: $(cat "$T/tlslogger.err")"
wait_for_stat "$T/r.stats" r sessions.closed 1
wait_for_count "$T/r.out" 1000
run_tlslogger -t tbtest --lf < "$T/in2" || fail "stdin: exit $TL_STATUS: $(cat "$T/tlslogger.err")"
wait_for_stat "$T/r.stats" r sessions.closed 2
wait_for_count "$T/r.out" 2000

seq_check "$T/r.out" 1 2000
assert_count "$T/r.out" 2000
# two runs, two sessions: one each
opened=$(grep -c 'session opened: peer 127\.0\.0\.1:' "$T/r.log")
[ "$opened" -eq 2 ] || fail "$opened sessions opened for two runs, expected 2"
[ "$(stat_value "$T/r.stats" r sessions.opened)" -eq 2 ] ||
    fail "impstats sessions.opened = $(stat_value "$T/r.stats" r sessions.opened), expected 2"
echo "PASS: 2 x 1000 lines over one session each, in order, empty lines skipped"
