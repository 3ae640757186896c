#!/bin/sh
# Back-pressure: a small main queue (queue.size="200") and an action that
# blocks (omfile on a FIFO nobody reads: its open() waits for a reader).
# The loader sends 20,000 messages of 500 bytes (10 MB, far more than the
# queue and the socket buffers hold). While the action is blocked, imtls
# stops reading: TCP flow control holds the loader back (it is still
# sending after the blocked period), and the receiver's CPU over 3 s stays
# near zero (no spin). When a reader opens the FIFO, everything arrives,
# exactly once and in order (seq-checked): nothing was dropped.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "${abs_top_srcdir:-.}/tests/integration/lib-abuse.sh"
need_tool mkfifo
imtls_only || skip "imtls behaviour only (TB_RECEIVER=imtcp)"

mkfifo "$T/fifo" || fail "mkfifo"
TB_MAIN_QUEUE_PARAMS='queue.size="200"'
imtls_conf recv 'ruleset="tofifo"' > "$T/recv.conf" || exit $?
cat >> "$T/recv.conf" <<EOF
ruleset(name="tofifo") {
    action(type="omfile" file="$T/fifo" template="t_out")
}
EOF
start_rsyslogd recv "$T/recv.conf" "$T/recv.port"
PORT=$(port_of "$T/recv.port") || exit $?
pid=$(daemon_pid recv)
start_good good 1 20000 -s 500 --timeout 60000
# the receiver stops reading: the loader's data piles up in its socket
n=$(_tb_timeout 30)
while [ "$(recv_q "sport = :$PORT")" -lt 16384 ]; do
    [ "$n" -gt 0 ] || fail "no back-pressure: the receive queue of the session never filled ($(recv_q "sport = :$PORT") bytes)"
    rsyslogd_alive recv || fail "receiver died"
    sleep 0.1
    n=$((n - 1))
done
rq0=$(recv_q "sport = :$PORT")
c0=$(cpu_ms "$pid")
sleep 3
c1=$(cpu_ms "$pid")
rq=$(recv_q "sport = :$PORT")
echo "blocked: receiver CPU over 3 s: $((c1 - c0)) ms; receive queue $rq0 then $rq bytes"
[ $((c1 - c0)) -le $((150 * ${TB_TIMEOUT_FACTOR:-1})) ] || fail "receiver busy while blocked: $((c1 - c0)) ms in 3 s"
[ "$rq" -ge "$rq0" ] || fail "receiver read on while blocked (receive queue $rq0 then $rq bytes)"
if grep -q 'sent 20000 of 20000' "$T/good.stdout" 2>/dev/null; then
    fail "the loader finished although the receiver was blocked"
fi
# unblock: a reader opens the FIFO
start_bg reader sh -c 'exec cat "$1" > "$2"' reader "$T/fifo" "$T/fifo.out"
wait_bg good 120 || fail "loader failed: $(cat "$T/good.stderr" "$T/good.stdout")"
wait_for_count "$T/fifo.out" 20000 60
wait_for_stat "$T/recv.stats" "main Q" enqueued 20000
full=$(stat_value "$T/recv.stats" "main Q" discarded.full)
stop_rsyslogd recv
wait_bg reader 30
seq_check "$T/fifo.out" 1 20000
[ "${full:-x}" = 0 ] || fail "main queue discarded $full messages"
