#!/bin/sh
# Throughput smoke test: 50,000 messages from rsyslog's omfwd (gtls,
# octet-counted) through imtls all arrive, once and in order.  Prints msgs/s;
# no timing assertion.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
N=50000

start_imtls recv
gen_lines "$T/in.txt" 1 $N
sender_conf send "$T/in.txt" \
    "$(omfwd_gtls_action "$PORT" 'TCP_Framing="octet-counted"')" > "$T/send.conf"
t0=$(date +%s.%N)
start_rsyslogd send "$T/send.conf"
wait_for_count "$T/recv.out" $N 120
t1=$(date +%s.%N)
stop_rsyslogd send
stop_rsyslogd recv
assert_count "$T/recv.out" $N
seq_check "$T/recv.out" 1 $N
awk -v n=$N -v a="$t0" -v b="$t1" 'BEGIN { printf "imtls throughput: %d messages in %.2f s, %.0f msgs/s\n", n, b - a, n / (b - a) }'
