#!/bin/sh
# A peer that completes the handshake and then sends one byte per second
# (each byte its own TLS record) never completes a frame. With
# idleTimeout="2", bytes that only extend a pending frame are no activity
# (frame-progress timeout): imtls frees the session about 2 s after the
# frame began and logs "frame not completed within 2 s" with the peer's
# address, although a byte arrived every second. A well-behaved loader
# alongside delivers every message meanwhile and afterwards (seq-checked).
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "${abs_top_srcdir:-.}/tests/integration/lib-abuse.sh"
imtls_only || skip "imtls behaviour only (TB_RECEIVER=imtcp)"

start_imtls recv 'idleTimeout="2"'
start_abuse slow --mode slow --wait-ms "$(($(scaled_seconds 20) * 1000))" --start 900000
wait_for_grep "$T/slow.stdout" '^handshake: ok' 30
start_good good 1 2000
wait_bg good 60 || fail "loader alongside failed: $(cat "$T/good.stderr" "$T/good.stdout")"
wait_bg slow 60 || fail "tls-abuse failed: $(cat "$T/slow.stderr")"
cat "$T/slow.stdout"
ms=$(sed -n 's/^slow.closed_after_ms: //p' "$T/slow.stdout")
sent=$(sed -n 's/^slow.bytes_sent: //p' "$T/slow.stdout")
[ -n "$ms" ] && [ "$ms" != none ] || fail "the 1-byte-per-second session was never freed ($sent bytes sent)"
# freed after idleTimeout (2 s) plus the timer's check, not after the frame's
# 67 bytes (67 s) or the client's own limit
[ "$ms" -ge 1500 ] || fail "freed after $ms ms, before idleTimeout"
[ "$ms" -le $(($(scaled_seconds 6) * 1000)) ] || fail "freed only after $ms ms"
echo "slow peer freed after $ms ms, $sent bytes sent"
start_good good2 2001 1000
wait_bg good2 60 || fail "loader after the slow peer failed: $(cat "$T/good2.stderr")"
wait_for_count "$T/recv.out" 3000
stop_rsyslogd recv
out_range "$T/recv.out" 1 3000 > "$T/good.out"
seq_check "$T/good.out" 1 3000
assert_no_grep "$T/recv.out" 'msgnum:00900000:'
assert_grep "$T/recv.log" 'session with peer 127\.0\.0\.1:[0-9]+ .*closed: frame not completed within 2 s'
