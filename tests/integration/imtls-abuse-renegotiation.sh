#!/bin/sh
# TLS 1.2 client-initiated renegotiation (safe renegotiation, RFC 5746, in
# use): the receiver's GnuTLS does not renegotiate. The new ClientHello on
# the established session is an unexpected packet for it: the session is
# closed at once with "TLS error while reading: An unexpected TLS packet was
# received. (... renegotiation is not supported)" naming the peer; no
# second handshake is computed (the attempt costs the receiver no handshake
# CPU). Messages sent before the attempt are delivered. 20 such attempts in
# a row, while a well-behaved loader delivers every message (seq-checked);
# the receiver's CPU across them stays bounded.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "${abs_top_srcdir:-.}/tests/integration/lib-abuse.sh"
imtls_only || skip "imtls behaviour only (TB_RECEIVER=imtcp)"

start_imtls recv
pid=$(daemon_pid recv)
start_good good 1 3000
cpu0=$(cpu_ms "$pid")
i=0
while [ $i -lt 20 ]; do
    abuse --mode reneg --count 2 --repeat 3 --wait-ms 3000 --start $((900000 + i * 10)) ||
        fail "tls-abuse: $(cat "$T/abuse.out")"
    assert_grep "$T/abuse.out" '^safe_renegotiation: yes'
    assert_grep "$T/abuse.out" '^before: sent 2'
    # refused: the session is gone, the renegotiation did not happen
    assert_no_grep "$T/abuse.out" '^reneg.result: renegotiated'
    assert_grep "$T/abuse.out" '^after: failed after 0 messages'
    i=$((i + 1))
done
cpu1=$(cpu_ms "$pid")
cat "$T/abuse.out"
wait_bg good 60 || fail "loader alongside failed: $(cat "$T/good.stderr")"
# 20 sessions with one handshake each; a bound far above the measured
# ~20-40 ms, far below the cost of 60 extra handshakes plus a spin
bound=$((1500 * ${TB_TIMEOUT_FACTOR:-1}))
echo "receiver CPU across 20 renegotiation attempts: $((cpu1 - cpu0)) ms (bound $bound ms)"
[ $((cpu1 - cpu0)) -le "$bound" ] || fail "receiver CPU $((cpu1 - cpu0)) ms across the attempts"
start_good good2 3001 1000
wait_bg good2 60 || fail "loader after the attempts failed: $(cat "$T/good2.stderr")"
wait_for_count "$T/recv.out" $((4000 + 40))
stop_rsyslogd recv
out_range "$T/recv.out" 1 4000 > "$T/good.out"
seq_check "$T/good.out" 1 4000
# each attempt's two messages before the renegotiation arrived
[ "$(out_range "$T/recv.out" 900000 999999 | wc -l)" -eq 40 ] || fail "messages before the attempts lost"
reneg='peer 127\.0\.0\.1:[0-9]+ .*TLS error while reading: An unexpected TLS packet was received\. \(.*renegotiation is not supported\)'
assert_grep "$T/recv.log" "$reneg"
[ "$(refusal_lines recv "$reneg" 'TLS protocol error')" -eq 20 ] ||
    fail "not 20 sessions closed for the renegotiation attempt"
