#!/bin/sh
# Graceful stop: while omfwd (gtls) is still sending, the receiving rsyslogd
# is stopped with SIGTERM.  It stops within the bounded wait, and what reached
# the output is a gap-free prefix msgnum 1..K of the stream (only the tail is
# missing); K covers at least every message imtls had counted as submitted.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
N=20000

start_imtls recv
: > "$T/in.txt"
sender_conf send "$T/in.txt" \
    "$(omfwd_gtls_action "$PORT" 'TCP_Framing="octet-counted"')" > "$T/send.conf"
start_rsyslogd send "$T/send.conf"
# feed 100 messages every 0.1 s in the background
start_bg feeder sh -c '
i=1
while [ "$i" -le "$1" ]; do
    awk -v a="$i" "BEGIN { for (i = a; i < a + 100; i++) printf \"msgnum:%08d:\\n\", i }" >> "$2"
    i=$((i + 100))
    sleep 0.1
done' feeder $N "$T/in.txt"

wait_for_count "$T/recv.out" 1000
imtls_only && wait_for_stat "$T/recv.stats" recv submitted 1000
stop_rsyslogd recv
stop_bg feeder
stop_rsyslogd send

last=$(msgnums "$T/recv.out" | tail -n 1)
[ -n "$last" ] && [ "$last" -lt $N ] || fail "receiver stopped after the end of the stream ($last)"
seq_check "$T/recv.out" 1 "$last"
if imtls_only; then
    submitted=$(stat_value "$T/recv.stats" recv submitted)
    [ "$last" -ge "$submitted" ] \
        || fail "imtls counted $submitted submitted, only $last reached the output"
fi
