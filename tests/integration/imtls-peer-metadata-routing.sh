#!/bin/sh
# Two clients with different certificates (CN a.example and b.example),
# connected at the same time from the same address (127.0.0.1), are told
# apart by $!metadata!tls_peer_cn in a filter: each one's messages go to its
# own file, none to the other's, none lost. One session of a.example stays
# open while b.example sends, and both load tools run in parallel.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
need_tool gnutls-cli
imtls_only || skip "imtls behaviour only (TB_RECEIVER=imtcp)"
N=3000

gen_certs
{
    imtls_conf recv 'tls.addPeerMetadata="on"' || exit $?
    cat <<EOF
if \$!metadata!tls_peer_cn == "a.example" then {
    action(type="omfile" file="$T/a.out" template="t_out")
    stop
}
if \$!metadata!tls_peer_cn == "b.example" then {
    action(type="omfile" file="$T/b.out" template="t_out")
    stop
}
action(type="omfile" file="$T/other.out" template="t_out")
EOF
} > "$T/recv.conf"
start_rsyslogd recv "$T/recv.conf" "$T/recv.port"
PORT=$(port_of "$T/recv.port") || exit $?
ld=$(loader_tool) || exit $?

# loader NAME CERT FIRST: N messages FIRST.. over 2 connections
loader() {
    start_bg "$1" "$ld" -t 127.0.0.1 -p "$PORT" --ca "$CERTS/ca.pem" --cert "$CERTS/$2-cert.pem" \
        --key "$CERTS/$2-key.pem" --servername localhost --hostname tbhost --tag tbtest \
        -n "$N" --start "$3" -c 2
}
line() {
    printf '<13>1 2026-01-01T00:00:00Z tbhost tbtest - - - msgnum:%08d:\n' "$1"
}

# a.example: one session held open across everything below
hold_session "$PORT" ida
for i in 1 2 3 4 5; do line $i >&7; done
wait_for_count "$T/a.out" 5
# b.example and a.example in parallel while that session is open
loader lb idb 100001
loader la ida 1001
wait_bg lb 120 || fail "loader b.example exited $?: $(cat "$T/lb.stderr")"
wait_bg la 120 || fail "loader a.example exited $?: $(cat "$T/la.stderr")"
for i in 6 7 8 9 10; do line $i >&7; done
exec 7>&-
wait_bg hold || fail "held session (gnutls-cli) exited $?"
wait_for_count "$T/a.out" $((N + 10)) 60
wait_for_count "$T/b.out" "$N" 60
# all five sessions over, by imtls's counters (impstats writes its file
# itself; the session lines below are internal messages through the queue)
wait_for_stat "$T/recv.stats" recv sessions.closed 5 60
stop_rsyslogd recv
[ "$(stat_value "$T/recv.stats" recv sessions.opened)" -eq 5 ] ||
    fail "impstats sessions.opened = $(stat_value "$T/recv.stats" recv sessions.opened), expected 5"

# each client's messages all arrived, in its own file, and only there
[ ! -s "$T/other.out" ] || fail "messages matched neither CN: $(head -n 3 "$T/other.out")"
msgnums "$T/a.out" | awk '$1 > 100000 { bad = 1 } END { exit bad }' || fail "b.example messages in a.out"
msgnums "$T/b.out" | awk '$1 < 100001 { bad = 1 } END { exit bad }' || fail "a.example messages in b.out"
grep -v '^127\.0\.0\.1 ' "$T/a.out" "$T/b.out" && fail "a message not from 127.0.0.1"
{ msgnums "$T/a.out" | awk '$1 <= 10'; } > "$T/a-held.nums"
[ "$(tr '\n' ' ' < "$T/a-held.nums")" = "1 2 3 4 5 6 7 8 9 10 " ] || fail "held session: $(tr '\n' ' ' < "$T/a-held.nums")"
grep -v 'msgnum:0000000[0-9]:\|msgnum:00000010:' "$T/a.out" > "$T/a-loader.out"
count_check "$T/a-loader.out" 1001 $((1000 + N))
count_check "$T/b.out" 100001 $((100000 + N))
# five sessions, all from one address
na=$(grep -c 'session opened: peer 127\.0\.0\.1:.*a\.example' "$T/recv.log")
nb=$(grep -c 'session opened: peer 127\.0\.0\.1:.*b\.example' "$T/recv.log")
[ "$na" -eq 3 ] && [ "$nb" -eq 2 ] || fail "session lines: $na of a.example (expected 3), $nb of b.example (expected 2)"
