#!/bin/sh
# Throughput smoke test: the load tool sends 50,000 messages over 4 parallel
# TLS connections to imtls; every message arrives exactly once (and in order
# within the one-connection omfwd scenarios).  Prints msgs/s; no timing
# assertion.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
N=50000

start_imtls recv
t0=$(date +%s.%N)
run_loader -n $N --start 1 -c 4 || fail "loader exited $?: $(cat "$T/loader.out")"
wait_for_count "$T/recv.out" $N 120
t1=$(date +%s.%N)
stop_rsyslogd recv
assert_count "$T/recv.out" $N
count_check "$T/recv.out" 1 $N
if imtls_only; then
    [ "$(grep -ci 'session opened' "$T/recv.log")" -eq 4 ] || fail "expected 4 sessions logged"
fi
awk -v n=$N -v a="$t0" -v b="$t1" 'BEGIN { printf "imtls throughput: %d messages over 4 connections in %.2f s, %.0f msgs/s\n", n, b - a, n / (b - a) }'
