#!/bin/sh
# Thousands of empty TLS 1.3 application-data records (no data: inner
# plaintext = content type only, 22 bytes on the wire each; and padding-only
# ones, 10 zero bytes of padding): GnuTLS accepts them (RFC 8446 allows
# zero-length application data), imtls delivers nothing for them and the
# session goes on (the messages after them arrive). CPU is bounded: 20,000
# records cost the receiver a bound below, and a session that then stays
# open and silent costs nothing (no spin). A well-behaved loader alongside
# delivers every message.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "${abs_top_srcdir:-.}/tests/integration/lib-abuse.sh"
imtls_only || skip "imtls behaviour only (TB_RECEIVER=imtcp)"

start_imtls recv
pid=$(daemon_pid recv)
start_good good 1 3000
cpu0=$(cpu_ms "$pid")
abuse --mode empty --repeat 20000 --count 3 --start 900000 || fail "tls-abuse: $(cat "$T/abuse.out")"
cpu1=$(cpu_ms "$pid")
cat "$T/abuse.out"
assert_grep "$T/abuse.out" '^wire.records: 20000$'
assert_grep "$T/abuse.out" '^wire.bytes: 440000$'
assert_grep "$T/abuse.out" '^after: sent 3'
abuse --mode empty --repeat 5000 --pad 10 --count 3 --start 900010 || fail "tls-abuse: $(cat "$T/abuse.out")"
assert_grep "$T/abuse.out" '^wire.records: 5000$'
assert_grep "$T/abuse.out" '^after: sent 3'
wait_bg good 60 || fail "loader alongside failed: $(cat "$T/good.stderr")"
bound=$((2000 * ${TB_TIMEOUT_FACTOR:-1}))
echo "receiver CPU for 20,000 empty records: $((cpu1 - cpu0)) ms (bound $bound ms)"
[ $((cpu1 - cpu0)) -le "$bound" ] || fail "receiver CPU $((cpu1 - cpu0)) ms for the empty records"
start_abuse hold --mode empty --repeat 5000 --count 1 --start 900020 --hold-ms 3000
wait_for_grep "$T/hold.stdout" '^hold:' 30
c0=$(cpu_ms "$pid")
sleep 2
c1=$(cpu_ms "$pid")
wait_bg hold 30 || fail "tls-abuse hold: $(cat "$T/hold.stderr")"
echo "receiver CPU over 2 s with a silent session after 5,000 empty records: $((c1 - c0)) ms"
[ $((c1 - c0)) -le $((100 * ${TB_TIMEOUT_FACTOR:-1})) ] || fail "receiver busy while the session is silent: $((c1 - c0)) ms"
start_good good2 3001 1000
wait_bg good2 60 || fail "loader after the records failed: $(cat "$T/good2.stderr")"
wait_for_count "$T/recv.out" 4007
stop_rsyslogd recv
out_range "$T/recv.out" 1 4000 > "$T/good.out"
seq_check "$T/good.out" 1 4000
[ "$(out_range "$T/recv.out" 900000 900020 | wc -l)" -eq 7 ] || fail "messages after the empty records lost"
assert_no_grep "$T/recv.log" 'TLS error'
