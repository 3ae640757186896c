#!/bin/sh
# tlslogger reading stdin notices a receiver that closed the session (here:
# rsyslogd stopped) before writing the next line: exit 1, one line saying
# how many messages were written.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "$abs_top_srcdir/tests/integration/lib-tlslogger.sh"
tl=$(tlslogger_tool) || exit $?
start_imtls r
rm -f "$T/in.fifo"
mkfifo "$T/in.fifo"
start_bg tl sh -c 'f=$1; shift; exec "$@" < "$f"' tl "$T/in.fifo" \
    "$tl" --server localhost --port "$PORT" --ca "$CERTS/ca.pem" \
    --cert "$CERTS/client-cert.pem" --key "$CERTS/client-key.pem" -t tbtest
exec 7> "$T/in.fifo"
echo "msgnum:00000001:" >&7
wait_for_grep "$T/r.out" "msgnum:00000001:"
stop_rsyslogd r
echo "msgnum:00000002:" >&7
exec 7>&-
st=0
wait_bg tl || st=$?
[ "$st" -eq 1 ] || fail "tlslogger exit status $st, expected 1 ($(cat "$T/tl.stderr"))"
[ "$(wc -l < "$T/tl.stderr")" -eq 1 ] || fail "stderr is not one line: $(cat "$T/tl.stderr")"
assert_grep "$T/tl.stderr" \
    "^tlslogger: server localhost \\(127\\.0\\.0\\.1:$PORT\\): .*; 1 message\\(s\\) written, message 2 and any after it not\$"
seq_check "$T/r.out" 1 1
echo "PASS: closed session noticed before the next line, exit 1, count reported"
