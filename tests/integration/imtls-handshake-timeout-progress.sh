#!/bin/sh
# tls.handshakeTimeout measures the peer's silence, not the handshake's
# length: with tls.handshakeTimeout="1", clients that hold back every flight
# for 0.7 s (handshakes of well over a second, but never a second of
# silence) all get in and deliver; a client that stays silent is refused.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
need_tool bash timeout
imtls_only || skip "imtls behaviour only (TB_RECEIVER=imtcp)"
storm=$(built_tool tests/tools/tls-storm) || exit $?

start_imtls recv 'tls.handshakeTimeout="1"'
"$storm" -p "$PORT" --ca "$CERTS/ca.pem" --cert "$CERTS/client-cert.pem" --key "$CERTS/client-key.pem" \
    -c 4 -n 5 --hold-ms 700 --timeout "$(scaled_seconds 60)" > "$T/storm.out" 2>&1 \
    || { cat "$T/storm.out" >&2; fail "slow but answering clients were refused"; }
cat "$T/storm.out"
# The handshakes did take longer than the timeout (two held flights each).
slowest=$(sed -n 's/.*slowest handshake \([0-9.]*\) s.*/\1/p' "$T/storm.out")
awk -v s="$slowest" 'BEGIN { exit !(s > 1.0) }' || fail "the handshakes took only ${slowest}s: nothing was proven"
wait_for_count "$T/recv.out" 20
count_check "$T/recv.out" 0 19
# A silent client is still refused after a second of silence.
plain_connect_hold "$PORT" "$(scaled_seconds 8)"
wait_for_grep "$T/hold.stdout" '^connected$' 30
wait_bg hold 30
assert_grep "$T/hold.stdout" '^closed by peer$'
wait_for_refusal recv 'refused: TLS handshake not completed within 1000 ms: the peer sent nothing'
stop_rsyslogd recv
# ... and it was the only one: none of the slow clients was timed out.
n=$(count_grep "$T/recv.log" 'TLS handshake not completed within')
[ "$n" -eq 1 ] || fail "$n handshake timeouts logged, expected only the silent client's"
