#!/bin/sh
# Senders that keep writing after imtls's close_notify (the load tool never
# reads; two sessions) cannot hold up a stopping rsyslogd: imtls cuts each
# session when drainTimeout expires, logs the cut with the peer's address,
# and stops within the bound. The load tool writes far faster than the
# output drains, so rsyslog's own queue shutdown may drop the tail (messages
# its full queue refuses are counted as submit.refused, and imtls then
# submits nothing more from that session). What reached the output from
# each session is still a gap-free prefix of what that session sent, in
# order, each message at most once. The figures are printed.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
imtls_only || skip "imtls behaviour only (TB_RECEIVER=imtcp)"
ld=$(loader_tool) || exit $?

HALF=50000000
# rsyslog's main queue drops a message it could not enqueue within
# queue.timeoutEnqueue (2 s by default) and, inside a multi-message submit,
# goes on with the next one without telling the input (the drop is counted
# only in the queue's own discarded.full counter). On a starved machine the
# single queue worker can stall that long, which would cut a gap into a
# session that no input can prevent; a long enqueue timeout leaves only the
# behaviour under test: the shutdown's refusals, which imtls sees.
TB_MAIN_QUEUE_PARAMS='queue.timeoutEnqueue="600000"' IMTLS_MODULE_PARAMS='drainTimeout="300"' start_imtls recv
# session 1 sends msgnum 1..HALF, session 2 HALF+1..2*HALF
start_bg loader "$ld" -t 127.0.0.1 -p "$PORT" --ca "$CERTS/ca.pem" --cert "$CERTS/client-cert.pem" \
    --key "$CERTS/client-key.pem" --servername localhost --tag tbtest --start 1 -n $((2 * HALF)) -c 2 -s 120
# Both sessions open, by imtls's own counter: impstats writes its file
# itself, while the "session opened" lines are internal messages, which
# rsyslogd passes through its main queue - the queue this load keeps full.
wait_for_stat "$T/recv.stats" recv sessions.opened 2 30
wait_for_count "$T/recv.out" 5000 60
started=$(date +%s)
stop_rsyslogd recv
took=$(( $(date +%s) - started ))
stop_bg loader

# Late in shutdown rsyslog writes its internal messages to stderr.
cat "$T/recv.log" "$T/recv.stderr" > "$T/recv.all" 2>/dev/null
cuts=$(grep -Ec "session with peer 127\.0\.0\.1:[0-9]+ cut at shutdown: the peer did not close within the drain time of 300 ms" "$T/recv.all")
[ "$cuts" -eq 2 ] || fail "$cuts sessions logged as cut at shutdown, expected 2"
[ "$took" -le "$(scaled_seconds 5)" ] || fail "stopping rsyslogd took ${took}s with drainTimeout=300 ms"
msgnums "$T/recv.out" > "$T/nums"
# per session: exactly first..first+K-1, in order (a gap, a repeat or a
# reordering names the msgnum)
for s in 1 2; do
    awk -v lo=$(( (s - 1) * HALF + 1 )) -v hi=$(( s * HALF )) '
        $1 >= lo && $1 <= hi { if ($1 != lo + k) { printf "msgnum %d where %d was due\n", $1, lo + k; bad = 1; exit }
                               k++ }
        END { if (!bad) print k; exit bad }' "$T/nums" > "$T/prefix$s" ||
        fail "session $s: output is not a gap-free prefix: $(cat "$T/prefix$s")"
done
got=$(wc -l < "$T/nums")
[ "$got" -eq $(( $(cat "$T/prefix1") + $(cat "$T/prefix2") )) ] || fail "output holds msgnums no session sent"
refused=$(grep -o '[0-9]* message(s) read from senders were dropped' "$T/recv.all" | head -n 1 | cut -d' ' -f1)
echo "PASS: both sessions cut after the 300 ms drain bound, stop took ${took}s; output: prefixes of $(cat "$T/prefix1") and $(cat "$T/prefix2") messages; submit.refused ${refused:-0}"
