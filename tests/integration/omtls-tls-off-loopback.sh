#!/bin/sh
# tls="off" toward 127.0.0.1 (no tls.* files at all): plain RFC 6587
# octet-counted syslog reaches both imtls with tls="off" on 127.0.0.1 and
# rsyslog's plain imtcp, every message once, in order.  (rsyslogd -N1
# refusing tls="off" toward a non-loopback target: omtls-config-errors.sh.)
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "$abs_top_srcdir/tests/integration/lib-omtls.sh"
N=2000
gen_certs

start_imtls plain 'tls="off"' 'address="127.0.0.1"'
PLAIN_PORT=$PORT
omtls_receiver_imtcp_conf tcp 0 ptcp
start_rsyslogd tcp "$T/tcp.conf" "$T/tcp.port"
TCP_PORT=$(port_of "$T/tcp.port") || exit $?

omtls_feed 1 $N
omtls_sender_conf snd "$(omtls_action name=to-imtls target=127.0.0.1 port="$PLAIN_PORT" tls=off)
$(omtls_action name=to-imtcp target=127.0.0.1 port="$TCP_PORT" tls=off)"
start_rsyslogd snd "$T/snd.conf"

wait_for_count "$T/plain.out" $N 30
wait_for_count "$T/tcp.out" $N 30
if [ "$OMTLS_SENDER" = omtls ]; then
    # stats objects "omtls(<action name>)"; the bare name is rsyslog's core.action
    wait_for_stat "$T/snd.stats" 'omtls\(to-imtls\)' messages.sent $N 30
    wait_for_stat "$T/snd.stats" 'omtls\(to-imtcp\)' messages.sent $N 30
fi
stop_rsyslogd snd
stop_rsyslogd plain
stop_rsyslogd tcp
seq_check "$T/plain.out" 1 $N
seq_check "$T/tcp.out" 1 $N
assert_count "$T/plain.out" $N
assert_count "$T/tcp.out" $N
assert_grep "$T/plain.out" '^127\.0\.0\.1 plain .*msgnum:00000001:'
if imtls_only; then
    assert_grep "$T/plain.log" 'plaintext session opened: peer 127\.0\.0\.1:[0-9]+'
    assert_no_warning "$T/plain.log"
    [ "$(stat_value "$T/plain.stats" plain frames.invalid)" -eq 0 ] || fail "imtls saw invalid frames"
fi
if [ "$OMTLS_SENDER" = omtls ]; then
    assert_grep "$T/snd.log" "omtls: connected to 127\\.0\\.0\\.1 \\(127\\.0\\.0\\.1:$PLAIN_PORT\\), plaintext"
    assert_grep "$T/snd.log" "omtls: connected to 127\\.0\\.0\\.1 \\(127\\.0\\.0\\.1:$TCP_PORT\\), plaintext"
    for a in to-imtls to-imtcp; do
        [ "$(stat_value "$T/snd.stats" "omtls\\($a\\)" handshake.failed)" -eq 0 ] || fail "$a: handshake.failed"
        [ "$(stat_value "$T/snd.stats" "omtls\\($a\\)" connects)" -eq 1 ] || fail "$a: connects is not 1"
    done
fi
echo "PASS: tls=\"off\" to 127.0.0.1: $N messages in order to imtls (plain) and imtcp"
