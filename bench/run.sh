#!/bin/sh
# bench/run.sh - the benchmark: imtls/omtls against rsyslog's own TLS
# (imtcp/omfwd with the gtls and ossl drivers), rsyslog's plaintext imtcp (the
# no-crypto ceiling), the stunnel pair and syslog-ng, on loopback, in one
# invocation. Run it as "make bench" from a build tree, or as
#   abs_top_builddir=BUILD bench/run.sh
# from the source tree.
#
# Every daemon is started here with its own config, pid file and work
# directory (tests/integration/lib.sh verbs) and stopped by pid. The load
# generator is tools/syslogtls-loader (the project's C API); it reports its
# own CPU time. A run counts only when the receiver's output holds every
# sequence number exactly once; a run with loss or duplicates is reported as
# "failed", never as fast.
#
# Per scenario and peer: messages/s, CPU microseconds per message of each
# daemon (utime+stime from /proc/PID/stat, before and after the load) and of
# the loader, median and spread (min-max) over interleaved runs, and the ratio
# of imtls/omtls to each peer measured in this invocation.
#
# Output in $BENCH_RESULTS (default BUILD/bench/results): results.md (the
# table), results.csv (every run), summary.csv, chart.png (gnuplot, when
# installed). Environment:
#   BENCH_QUICK=1        small N and one run each (a correctness smoke run)
#   BENCH_RUNS=R         interleaved runs per scenario and peer (default 3)
#   BENCH_FWD_RUNS=R     runs of the forward pair (default 5)
#   BENCH_MANY_RUNS=R    runs of the many-sessions scenario (default 1: the
#                        rsyslog peer needs about 90 s per run)
#   BENCH_PEERS="..."    peers to run (default: all of imtls gtls ossl plain
#                        stunnel syslog-ng)
#   BENCH_SCENARIOS="..." scenarios (default: all of bulk-1 bulk-16 rec-1
#                        rec-16 forward connect-ecdsa connect-rsa
#                        connect-resumed many haproxy)
#   BENCH_CONNECT_PEERS, BENCH_CONNECT_RSA_PEERS, BENCH_CONNECT_RESUMED_PEERS
#                        peers of the connect storms (default: all TLS peers for
#                        ECDSA, imtls gtls ossl for RSA, imtls gtls resumed);
#                        BENCH_STUNNEL_CONNECT_RUNS (default 1: ~40 s a run)
#   BENCH_PERF=0         no perf profiles (the forward pair's sender; the
#                        receiver, imtls and gtls, in run 1 of each scenario)
#   BENCH_N_BULK, BENCH_N_REC, BENCH_N_FWD, BENCH_CONNECT, BENCH_MANY
#                        message and session counts
set -u
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
abs_top_srcdir=${abs_top_srcdir:-$(cd "$BENCH_DIR/.." && pwd)}
abs_top_builddir=${abs_top_builddir:-$(pwd)}
export abs_top_srcdir abs_top_builddir
[ -x "$abs_top_builddir/tools/syslogtls-loader" ] || {
    echo "bench: no built tree at $abs_top_builddir (run make first, or set abs_top_builddir)" >&2
    exit 2
}
LD_LIBRARY_PATH=$abs_top_builddir/runtime/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export LD_LIBRARY_PATH
TB_WORK_IN_TMP=0
KEEP_WORK=${KEEP_WORK:-0}
. "$abs_top_srcdir/tests/integration/lib.sh"
. "$abs_top_srcdir/tests/integration/lib-omtls.sh"
RESULTS=${BENCH_RESULTS:-$abs_top_builddir/bench/results}
mkdir -p "$RESULTS" || fail "cannot create $RESULTS"
. "$BENCH_DIR/lib-bench.sh"
if [ "${BENCH_QUICK:-0}" = 1 ]; then
    RUNS=${BENCH_RUNS:-1} FWD_RUNS=${BENCH_FWD_RUNS:-1} MANY_RUNS=${BENCH_MANY_RUNS:-1}
    N_BULK=${BENCH_N_BULK:-20000} N_REC=${BENCH_N_REC:-5000} N_FWD=${BENCH_N_FWD:-5000}
    N_CONNECT=${BENCH_CONNECT:-50} N_MANY=${BENCH_MANY:-200}
else
    RUNS=${BENCH_RUNS:-3} FWD_RUNS=${BENCH_FWD_RUNS:-5} MANY_RUNS=${BENCH_MANY_RUNS:-1}
    N_BULK=${BENCH_N_BULK:-500000} N_REC=${BENCH_N_REC:-200000} N_FWD=${BENCH_N_FWD:-1000000}
    N_CONNECT=${BENCH_CONNECT:-1000} N_MANY=${BENCH_MANY:-10000}
fi
PEERS=${BENCH_PEERS:-imtls gtls ossl plain stunnel syslog-ng}
SCENARIOS=${BENCH_SCENARIOS:-bulk-1 bulk-16 rec-1 rec-16 forward connect-ecdsa connect-rsa connect-resumed many haproxy}

bench_init
b_start=$(now)
for b_s in $SCENARIOS; do
    b_wall0=$(now)
    case $b_s in
        bulk-1) bench_ingest "$b_s" "$N_BULK" -c 1 --per-record fill ;;
        bulk-16) bench_ingest "$b_s" "$N_BULK" -c 16 --per-record fill ;;
        rec-1) bench_ingest "$b_s" "$N_REC" -c 1 --per-record 1 ;;
        rec-16) bench_ingest "$b_s" "$N_REC" -c 16 --per-record 1 ;;
        forward) bench_forward "$b_s" "$N_FWD" ;;
        connect-ecdsa) bench_connect "$b_s" "$N_CONNECT" server ;;
        connect-rsa) bench_connect "$b_s" "$N_CONNECT" server-rsa ;;
        connect-resumed) bench_connect "$b_s" "$N_CONNECT" server resumed ;;
        many) bench_many "$b_s" "$N_MANY" ;;
        haproxy) bench_haproxy "$b_s" "$N_BULK" ;;
        *) fail "unknown scenario '$b_s'" ;;
    esac
    awk -v s="$b_s" -v a="$b_wall0" -v b="$(now)" 'BEGIN { printf "%s %.0f\n", s, b - a }' >> "$RESULTS/timing.txt"
done
awk -v a="$b_start" -v b="$(now)" 'BEGIN { printf "total %.0f\n", b - a }' >> "$RESULTS/timing.txt"
bench_report
