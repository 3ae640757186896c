#!/bin/sh
# Back-pressure through two daemons: a sending rsyslogd with omtls in front
# of an imtls whose small main queue (queue.size="200") feeds an action that
# blocks (omfile on a FIFO nobody reads). imtls stops reading, TCP pushes
# back on omtls (the session's receive queue fills and stays), the
# receiver's CPU stays near zero while blocked; when a reader opens the
# FIFO, all 30,000 messages arrive exactly once (in order): omtls lost
# nothing and imtls dropped nothing.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "$abs_top_srcdir/tests/integration/lib-omtls.sh"
. "$abs_top_srcdir/tests/integration/lib-abuse.sh"
omtls_needs_omtls
need_tool mkfifo ss
imtls_only || skip "imtls behaviour only (TB_RECEIVER=imtcp)"
N=30000
gen_certs

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

TB_MAIN_QUEUE_PARAMS=''
omtls_feed 1 $N
omtls_sender_conf snd "$(omtls_action target=127.0.0.1 port="$PORT" $(omtls_client_tls))"
start_rsyslogd snd "$T/snd.conf"
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
start_bg reader sh -c 'exec cat "$1" > "$2"' reader "$T/fifo" "$T/fifo.out"
wait_for_count "$T/fifo.out" $N 90
wait_for_stat "$T/snd.stats" omtls messages.sent $N 30
wait_for_stat "$T/recv.stats" "main Q" enqueued $N 30
full=$(stat_value "$T/recv.stats" "main Q" discarded.full)
stop_rsyslogd snd
stop_rsyslogd recv
wait_bg reader 30
seq_check "$T/fifo.out" 1 $N
[ "${full:-x}" = 0 ] || fail "main queue discarded $full messages"
