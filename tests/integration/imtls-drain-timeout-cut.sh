#!/bin/sh
# A sender that keeps writing after imtls's close_notify (the load tool never
# reads) cannot hold up a stopping rsyslogd: imtls cuts the session when
# drainTimeout expires, logs the cut with the peer's address, and stops within
# the bound. The load tool writes far faster than the output drains, so
# rsyslog's own queue shutdown may drop messages here (a batch skipped on its
# immediate shutdown, or messages its full queue refuses, which imtls counts
# as submit.refused); what reached the output is still in order, each message
# at most once. The figures are printed.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
imtls_only || skip "imtls behaviour only (TB_RECEIVER=imtcp)"
ld=$(loader_tool) || exit $?

IMTLS_MODULE_PARAMS='drainTimeout="300"' start_imtls recv
start_bg loader "$ld" -t 127.0.0.1 -p "$PORT" --ca "$CERTS/ca.pem" --cert "$CERTS/client-cert.pem" \
    --key "$CERTS/client-key.pem" --servername localhost --tag tbtest --start 1 -n 50000000 -s 120
wait_for_count "$T/recv.out" 5000
started=$(date +%s)
stop_rsyslogd recv
took=$(( $(date +%s) - started ))
stop_bg loader

# Late in shutdown rsyslog writes its internal messages to stderr.
cat "$T/recv.log" "$T/recv.stderr" > "$T/recv.all" 2>/dev/null
assert_grep "$T/recv.all" \
    "session with peer 127\.0\.0\.1:[0-9]+ cut at shutdown: the peer did not close within the drain time of 300 ms"
[ "$took" -le 5 ] || fail "stopping rsyslogd took ${took}s with drainTimeout=300 ms"
msgnums "$T/recv.out" > "$T/nums"
awk 'NR > 1 && $1 <= prev { print "msgnum " $1 " after " prev; bad = 1; exit } { prev = $1 }
     END { exit bad }' "$T/nums" > "$T/order" || fail "output out of order or duplicated: $(cat "$T/order")"
got=$(wc -l < "$T/nums")
last=$(tail -n 1 "$T/nums")
refused=$(grep -o '[0-9]* message(s) read from senders were dropped' "$T/recv.all" | head -n 1 | cut -d' ' -f1)
echo "PASS: session cut after the 300 ms drain bound, stop took ${took}s; output: ${got} messages, last msgnum ${last}, in order; submit.refused ${refused:-0}"
