#!/bin/sh
# Connect storm and soak: 10,000 honest TLS clients connect at once to an
# imtls with maxSessions="20000", 5 runs against one daemon: in every run
# every client completes its handshake and delivers (however long the
# server's queue of handshakes is), the session log is summarised instead of
# losing lines to rsyslog's internal rate limit, and the daemon's RSS after
# the runs (and a slowloris round on a second input) is within 64 MiB of
# before.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
imtls_only || skip "imtls behaviour only (TB_RECEIVER=imtcp)"
storm=$(built_tool tests/tools/tls-storm) || exit $?
CLIENTS=${STORM_CLIENTS:-10000}
RUNS=${STORM_RUNS:-5}
PER=3
# each side holds one descriptor per client (the daemon's limit is inherited)
ulimit -n $((CLIENTS + 2000)) 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null
[ "$(ulimit -n)" = unlimited ] || [ "$(ulimit -n)" -ge $((CLIENTS + 500)) ] ||
    skip "the descriptor limit $(ulimit -n) is below $((CLIENTS + 500))"

gen_certs
imtls_conf recv 'maxSessions="20000"' > "$T/recv.conf" || exit $?
mod=$(imtls_module) || exit $?
cat >> "$T/recv.conf" <<EOF2
input(type="imtls" name="slow" port="0" listenPortFileName="$T/slow.port" maxSessions="300"
      tls.handshakeTimeout="3" socketBacklog="512" tls.caFile="$CERTS/ca.pem" tls.certFile="$CERTS/server-cert.pem"
      tls.keyFile="$CERTS/server-key.pem")
EOF2
start_rsyslogd recv "$T/recv.conf" "$T/recv.port" "$T/slow.port"
PORT=$(port_of "$T/recv.port") || exit $?
SLOW_PORT=$(port_of "$T/slow.port") || exit $?
pid=$(cat "$T/recv.pid")
rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status"; }

storm_run() {  # storm_run FIRST CLIENTS [ARGS...]
    _first=$1
    _n=$2
    shift 2
    "$storm" -p "$PORT" --ca "$CERTS/ca.pem" --cert "$CERTS/client-cert.pem" --key "$CERTS/client-key.pem" \
        -c "$_n" -n $PER --start "$_first" --sources 4 --timeout "$(scaled_seconds 240)" "$@"
}

# warm-up: the daemon's steady state before the hostile rounds
storm_run 0 200 > "$T/warm.out" 2>&1 || { cat "$T/warm.out" >&2; fail "warm-up clients failed"; }
total=$((200 * PER))
wait_for_stat "$T/recv.stats" recv submitted $total 60
rss0=$(rss)
echo "RSS before: $rss0 kB"

# a slowloris round on the second input
start_bg attacker "$storm" --silent -p "$SLOW_PORT" -c 1000 --timeout "$(scaled_seconds 600)"
wait_for_stat "$T/recv.stats" slow handshake.evicted 1000 60
stop_bg attacker

run=1
while [ $run -le "$RUNS" ]; do
    first=$total
    if ! storm_run "$first" "$CLIENTS" > "$T/storm$run.out" 2>&1; then
        cat "$T/storm$run.out" >&2
        fail "run $run: not every client completed its handshake and delivered"
    fi
    echo "run $run: $(cat "$T/storm$run.out")"
    total=$((total + CLIENTS * PER))
    wait_for_stat "$T/recv.stats" recv submitted $total 120
    run=$((run + 1))
done
opened=$(stat_value "$T/recv.stats" recv sessions.opened)
suppressed=$(stat_value "$T/recv.stats" recv log.suppressed)
failed=$(stat_value "$T/recv.stats" recv handshake.failed)
evicted=$(stat_value "$T/recv.stats" recv handshake.evicted)
rss1=$(rss)
echo "RSS after: $rss1 kB (growth $(( (rss1 - rss0) / 1024 )) MiB); sessions.opened $opened," \
     "handshake.failed $failed, handshake.evicted $evicted, log.suppressed $suppressed"
[ "$opened" -eq $((200 + CLIENTS * RUNS)) ] || fail "sessions.opened $opened, expected $((200 + CLIENTS * RUNS))"
[ "$failed" -eq 0 ] || fail "$failed handshakes failed"
[ "$evicted" -eq 0 ] || fail "$evicted honest clients were evicted"
[ $((rss1 - rss0)) -le $((64 * 1024)) ] || fail "RSS grew by $(( (rss1 - rss0) / 1024 )) MiB (more than 64 MiB)"
stop_rsyslogd recv
count_check "$T/recv.out" 0 $((total - 1))
assert_grep "$T/recv.log" 'imtls\[recv\]: session summary for the last [0-9]+ s: [0-9]+ sessions opened, [0-9]+ closed, 0 refused, from 4 peer addresses; [0-9]+ single session lines not logged \(more than 20 per second\)'
assert_no_grep "$T/recv.log" 'lost due to rate-limiting|messages lost'
assert_no_grep "$T/recv.log" 'imtls\[recv\].*(refused:|refused after|evicted:)'
