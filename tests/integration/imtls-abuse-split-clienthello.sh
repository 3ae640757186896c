#!/bin/sh
# An honest slow link: the client writes its ClientHello (and its later
# handshake flights) one byte per send() with TCP_NODELAY and 1 ms between
# bytes, each byte its own TCP segment (about 1,000 segments, about 1.5 s).
# With tls.handshakeTimeout="8" (scaled under sanitizers) the handshake completes (the timeout bounds
# the whole handshake, and a trickle inside it is not refused) and the
# session delivers; a well-behaved loader alongside delivers every message.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "${abs_top_srcdir:-.}/tests/integration/lib-abuse.sh"
imtls_only || skip "imtls behaviour only (TB_RECEIVER=imtcp)"

hs=$(scaled_seconds 8)
start_imtls recv "tls.handshakeTimeout=\"$hs\""
start_good good 1 3000
abuse --mode split --gap-us 1000 --count 5 --start 900000 --wait-ms 10000 || fail "tls-abuse: $(cat "$T/abuse.out")"
cat "$T/abuse.out"
sends=$(sed -n 's/^split.sends: //p' "$T/abuse.out")
segs=$(sed -n 's/^split.segments: //p' "$T/abuse.out")
ms=$(sed -n 's/^split.handshake_ms: //p' "$T/abuse.out")
[ "${sends:-0}" -ge 300 ] || fail "handshake not split into single bytes ($sends sends)"
[ "${segs:-0}" -ge 300 ] || fail "bytes not sent as separate segments ($segs segments)"
assert_grep "$T/abuse.out" '^sent: sent 5'
echo "split handshake: $sends one-byte sends, $segs TCP segments, completed in $ms ms (timeout $hs s)"
wait_bg good 60 || fail "loader alongside failed: $(cat "$T/good.stderr")"
wait_for_count "$T/recv.out" 3005
stop_rsyslogd recv
out_range "$T/recv.out" 1 3000 > "$T/good.out"
seq_check "$T/good.out" 1 3000
out_range "$T/recv.out" 900000 900004 > "$T/split.out"
seq_check "$T/split.out" 900000 900004
assert_no_grep "$T/recv.log" 'handshake not completed'
