#!/bin/sh
# Graceful stop drains: bytes a sender had written before the receiving
# rsyslogd was told to stop, and that imtls had not read yet, are still read
# and delivered; the drain ends when the sender closes, not at the
# drainTimeout bound.
#
# How the bytes are kept unread until the stop has begun: gnutls-cli talks
# to imtls through a plain TCP relay (lib.sh start_relay). Messages 1..10
# arrive; the relay is frozen (SIGSTOP); the burst 11..50 is written (one
# TLS record, which the test sees sitting in the relay's socket); rsyslogd
# gets SIGTERM; once imtls's close_notify has reached the relay (the stop has
# begun), the relay is thawed and forwards the burst, then the close.
# Without the drain (module(drainTimeout="0")) imtls cuts the session at
# once and the burst is lost: seq_check fails at msgnum 11.
#
# Second part: while omfwd (gtls) keeps sending, rsyslogd stops within the
# bounded wait, and what reached the output is a gap-free prefix msgnum
# 1..K of the stream; K covers at least every message imtls had counted as
# submitted.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
need_tool gnutls-cli ss perl

if imtls_only; then
    IMTLS_MODULE_PARAMS='drainTimeout="10000"' start_imtls recv
    start_relay relay "$PORT"
    hold_session "$RELAY_PORT" client
    gen_syslog "$T/a.in" 1 10
    cat "$T/a.in" >&7
    wait_for_count "$T/recv.out" 10
    pid=$(cat "$T/recv.bgpid")
    kill -STOP "$(cat "$T/relay.bgpid")"
    gen_syslog "$T/burst.in" 11 50
    bytes=$(wc -c < "$T/burst.in")
    # one write below PIPE_BUF: gnutls-cli reads it at once, one TLS record
    [ "$bytes" -lt 4096 ] || fail "burst of $bytes bytes is not one pipe write"
    cat "$T/burst.in" >&7
    n=$(_tb_timeout 30)
    while [ "$(recv_q "sport = :$RELAY_PORT")" -lt "$bytes" ]; do
        [ "$n" -gt 0 ] || fail "the burst ($bytes bytes) did not reach the frozen relay within 30s (queued: $(recv_q "sport = :$RELAY_PORT"))"
        sleep 0.1
        n=$((n - 1))
    done
    started=$(date +%s)
    kill -TERM "$pid"
    # the stop has begun once imtls's close_notify waits in the relay's socket
    # (or, without a drain, imtls has closed that socket already)
    n=$(_tb_timeout 30)
    while [ "$(recv_q "dport = :$PORT")" -eq 0 ] &&
          [ -z "$(ss -Htn state close-wait "dport = :$PORT")" ]; do
        [ "$n" -gt 0 ] || fail "imtls neither sent close_notify nor closed within 30s of SIGTERM"
        sleep 0.1
        n=$((n - 1))
    done
    kill -CONT "$(cat "$T/relay.bgpid")"
    wait_bg recv 30 || fail "rsyslogd recv exited with $? after SIGTERM"
    took=$(( $(date +%s) - started ))
    stop_bg relay
    stop_bg hold
    exec 7>&-
    cat "$T/recv.log" "$T/recv.stderr" > "$T/recv.all" 2>/dev/null
    seq_check "$T/recv.out" 1 50
    assert_no_grep "$T/recv.all" 'cut at shutdown'
    [ "$took" -lt 10 ] || fail "the drain took ${took}s: it waited for the bound, not for the sender's close"
    echo "drain: the 40-message burst held back until after SIGTERM arrived (stop took ${took}s)"
fi

# ---- a continuous sender: the output is a gap-free prefix
N=1000000
start_imtls cont
: > "$T/in.txt"
sender_conf send "$T/in.txt" \
    "$(omfwd_gtls_action "$PORT" 'TCP_Framing="octet-counted"')" > "$T/send.conf"
start_rsyslogd send "$T/send.conf"
# feed 100 messages every 0.1 s in the background (far more than the test
# needs: the stream is still flowing whenever the receiver stops)
start_bg feeder sh -c '
i=1
while [ "$i" -le "$1" ]; do
    awk -v a="$i" "BEGIN { for (i = a; i < a + 100; i++) printf \"msgnum:%08d:\\n\", i }" >> "$2"
    i=$((i + 100))
    sleep 0.1
done' feeder $N "$T/in.txt"

wait_for_count "$T/cont.out" 1000 60
imtls_only && wait_for_stat "$T/cont.stats" cont submitted 1000 30
stop_rsyslogd cont
stop_bg feeder
stop_rsyslogd send

last=$(msgnums "$T/cont.out" | tail -n 1)
[ -n "$last" ] && [ "$last" -lt $N ] || fail "receiver stopped after the end of the stream ($last)"
seq_check "$T/cont.out" 1 "$last"
if imtls_only; then
    submitted=$(stat_value "$T/cont.stats" cont submitted)
    [ "$last" -ge "$submitted" ] \
        || fail "imtls counted $submitted submitted, only $last reached the output"
fi
if imtls_only; then
    echo "PASS: burst sent before the stop drained; continuous stream cut to the prefix 1..$last"
else
    echo "PASS: (TB_RECEIVER=imtcp, drain part not run) continuous stream cut to the prefix 1..$last"
fi
