#!/bin/sh
# impstats (json) object "imtls(<name>)" counts what the test did, exactly:
# a client from an untrusted CA (handshake.failed 1, sessions.refused 1), a
# good session of 50 messages with one oversize frame among them
# (oversizeMode="discard": submitted 50, frames.oversize 1), and a session
# whose only bytes are an invalid octet count "05" (frames.invalid 1).
# sessions.opened/closed are 2/2 and bytes.received is the plaintext the two
# accepted sessions sent.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
need_tool gnutls-cli
imtls_only || skip "imtls behaviour only (TB_RECEIVER=imtcp)"

# expect COUNTER VALUE: the last impstats line of imtls(cnt) holds VALUE
expect() {
    _v=$(stat_value "$T/cnt.stats" cnt "$1")
    [ "$_v" = "$2" ] || fail "imtls(cnt) $1 = '$_v', expected $2"
}

start_imtls cnt 'maxFrameSize="200"' 'oversizeMode="discard"'

printf '<13>1 2026-01-01T00:00:00Z tbhost badclient - - - must not arrive\n' > "$T/bad.in"
send_gnutls_cli "$PORT" rogue < "$T/bad.in"
wait_for_stat "$T/cnt.stats" cnt handshake.failed 1 30

gen_syslog "$T/good.in" 1 50
pad=$(awk 'BEGIN { while (n++ < 500) printf "X" }')
{
    head -n 25 "$T/good.in"
    printf '<13>1 2026-01-01T00:00:00Z tbhost tbtest - - - oversize %s\n' "$pad"
    tail -n 25 "$T/good.in"
} > "$T/good+oversize.in"
send_gnutls_cli "$PORT" client < "$T/good+oversize.in" || fail "gnutls-cli exited $?"
wait_for_count "$T/cnt.out" 50 30
wait_for_stat "$T/cnt.stats" cnt sessions.closed 1 30

printf '05' > "$T/invalid.in"
send_gnutls_cli "$PORT" client < "$T/invalid.in"
wait_for_stat "$T/cnt.stats" cnt frames.invalid 1 30
wait_for_stat "$T/cnt.stats" cnt sessions.closed 2 30
stop_rsyslogd cnt

seq_check "$T/cnt.out" 1 50
assert_no_grep "$T/cnt.out" 'must not arrive|oversize'
assert_grep "$T/cnt.log" '127\.0\.0\.1:[0-9]+.*invalid octet count'
expect submitted 50
expect sessions.opened 2
expect sessions.closed 2
expect sessions.refused 1
expect handshake.failed 1
expect frames.oversize 1
expect frames.invalid 1
expect bytes.received $(( $(wc -c < "$T/good+oversize.in") + 2 ))
expect sessions.drainTimeout 0
echo "PASS: imtls(cnt) counters: $(grep '"imtls(cnt)"' "$T/cnt.stats" | tail -n 1 | sed 's/.*"origin": "imtls", //')"
