#!/bin/sh
# SIGHUP leaves omtls's connection alone (its HUP handler only re-reads the
# TLS files, for the next connection): while a continuous stream flows to imtls, the sending
# rsyslogd is HUPed three times (by pid; each HUP is seen done when the
# sender's copy of the stream, renamed before the HUP, is created anew by
# omfile, as with logrotate).
# Every message arrives exactly once and in order, over the one connection
# opened at the start: omtls's connects counter stays 1, imtls opened one
# session and closed none before the sender stopped, and the sender's local
# port is the same after the HUPs as before.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "$abs_top_srcdir/tests/integration/lib-omtls.sh"
omtls_needs_omtls
imtls_only || skip "asserts on imtls's counters (TB_RECEIVER=imtcp)"
need_tool ss
N=4000
HUPS=3
gen_certs

start_imtls rcv 'address="127.0.0.1"'
omtls_sender_conf snd "$(omtls_action target=127.0.0.1 port="$PORT" $(omtls_client_tls))
action(type=\"omfile\" file=\"$T/snd.copy\" template=\"t_raw\")"
start_rsyslogd snd "$T/snd.conf"
omtls_feed_slowly 1 $N 40
wait_for_count "$T/rcv.out" 1 30
cport=$(client_port "$PORT")
[ -n "$cport" ] || fail "no established omtls connection toward port $PORT"

h=1
while [ $h -le $HUPS ]; do
    # spread the HUPs over the stream, each while messages are still flowing
    wait_for_count "$T/rcv.out" $((h * N / (HUPS + 1))) 60
    # omfile keeps writing the renamed file until the HUP makes it reopen
    # snd.copy by name
    mv "$T/snd.copy" "$T/snd.copy.$h" || fail "no snd.copy before HUP #$h"
    kill -HUP "$(cat "$T/snd.pid")" || fail "cannot send SIGHUP to the sender"
    wait_for_file "$T/snd.copy" 30
    echo "HUP #$h at $(wc -l < "$T/rcv.out") messages received"
    h=$((h + 1))
done

omtls_feeder_wait 120
wait_for_count "$T/rcv.out" $N 60
wait_for_stat "$T/snd.stats" omtls messages.sent $N 30
wait_for_stat "$T/rcv.stats" rcv submitted $N 30
[ "$(client_port "$PORT")" = "$cport" ] ||
    fail "omtls's connection changed across HUP (local port $cport before, '$(client_port "$PORT")' after)"
[ "$(stat_value "$T/rcv.stats" rcv sessions.opened)" -eq 1 ] ||
    fail "imtls opened $(stat_value "$T/rcv.stats" rcv sessions.opened) sessions, expected 1"
[ "$(stat_value "$T/rcv.stats" rcv sessions.closed)" -eq 0 ] || fail "a session was closed during the HUPs"
stop_rsyslogd snd
stop_rsyslogd rcv

seq_check "$T/rcv.out" 1 $N
[ "$(omtls_stat snd connects)" -eq 1 ] || fail "omtls connects = $(omtls_stat snd connects), expected 1"
[ "$(omtls_stat snd suspended)" -eq 0 ] || fail "omtls suspended = $(omtls_stat snd suspended), expected 0"
n=$(grep -c 'omtls: connected to' "$T/snd.log")
[ "$n" -eq 1 ] || fail "$n 'omtls: connected to' lines, expected 1"
echo "PASS: $N messages in order over one connection (local port $cport) across $HUPS HUPs"
