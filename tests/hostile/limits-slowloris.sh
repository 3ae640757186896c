#!/bin/sh
# slowloris: 1,000 TCP connections that never speak (more than
# maxSessions="300" and than the waiting room of max(socketBacklog=512,
# maxSessions) connections, so that imtls evicts the oldest silent ones),
# each renewed as soon as imtls closes it, while a good TLS client connects
# 20 times: every attempt is its first and succeeds, and all its messages
# arrive.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
imtls_only || skip "imtls behaviour only (TB_RECEIVER=imtcp)"
storm=$(built_tool tests/tools/tls-storm) || exit $?
ulimit -n 4096 2>/dev/null || skip "cannot raise the descriptor limit to 4096"

start_imtls recv 'maxSessions="300"' 'tls.handshakeTimeout="3"' 'socketBacklog="512"'
start_bg attacker "$storm" --silent -p "$PORT" -c 1000 --timeout "$(scaled_seconds 600)"
wait_for_grep "$T/attacker.stdout" '^silent connections open 1000$'
# the waiting room is full and the attacker renews what is evicted
wait_for_stat "$T/recv.stats" recv handshake.evicted 500 60
good() {
    "$storm" -p "$PORT" --ca "$CERTS/ca.pem" --cert "$CERTS/client-cert.pem" --key "$CERTS/client-key.pem" \
        -c 1 -n 5 --start "$1" --tag goodclient --timeout "$(scaled_seconds 30)"
}
i=0
while [ $i -lt 20 ]; do
    t0=$(date +%s.%N)
    good $((i * 5)) > "$T/good.out" 2>&1 || { cat "$T/good.out" >&2; fail "good client attempt $((i + 1)) failed"; }
    t1=$(date +%s.%N)
    echo "good client try $((i + 1)): $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s"
    i=$((i + 1))
done
wait_for_count "$T/recv.out" 100
evicted=$(stat_value "$T/recv.stats" recv handshake.evicted)
stop_bg attacker
cat "$T/attacker.stdout"
echo "handshake.evicted during the attack: $evicted"
stop_rsyslogd recv
count_check "$T/recv.out" 0 99
assert_grep "$T/recv.log" 'evicted: it sent nothing in [0-9]+ ms, and a new connection needed its place \(the waiting room of 512 connections is full\) \(the larger of socketBacklog=512 and maxSessions=300\)'
