#!/bin/sh
# SIGHUP swaps omtls's client certificate for the next connection: the
# certificate and key files of the action are replaced (renamed over the
# configured paths) and the sender is HUPed. The reload is logged with the
# old and new fingerprints; the connection open at the HUP is kept and
# keeps delivering (imtls still counts one session); once imtls closes it
# (idleTimeout), omtls connects again and imtls sees the new certificate's
# subject. No message is lost.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "$abs_top_srcdir/tests/integration/lib-omtls.sh"
omtls_needs_omtls
imtls_only || skip "asserts on imtls's session lines (TB_RECEIVER=imtcp)"
need_tool certtool openssl

gen_extra_cert client3 client3.example.net 3650 client
live_certs client
old_fp=$(cert_fp "$CERTS/client-cert.pem")
new_fp=$(cert_fp "$CERTS/client3-cert.pem")
start_imtls rcv 'address="127.0.0.1"' 'idleTimeout="3"'
omtls_sender_conf snd "$(omtls_action target=127.0.0.1 port="$PORT" tls.caFile="$T/live/ca.pem" \
    tls.certFile="$T/live/cert.pem" tls.keyFile="$T/live/key.pem")"
start_rsyslogd snd "$T/snd.conf"
wait_for_grep "$T/snd.log" "omtls: action '127.0.0.1': own certificate subject 'CN=client.example.net', fingerprint $old_fp"
omtls_feed 1 20
wait_for_count "$T/rcv.out" 20

swap_file "$CERTS/client3-cert.pem" "$T/live/cert.pem"
swap_file "$CERTS/client3-key.pem" "$T/live/key.pem"
hup_and_wait snd "reloaded tls.certFile, tls.keyFile \(HUP\): certificate $new_fp \(expires .*\), was $old_fp"
# the connection of before the HUP still carries messages
omtls_feed 21 25
wait_for_count "$T/rcv.out" 25
wait_for_stat "$T/rcv.stats" rcv submitted 25
[ "$(stat_value "$T/rcv.stats" rcv sessions.opened)" -eq 1 ] || fail "the HUP replaced omtls's connection"
assert_no_grep "$T/rcv.log" "client3"

# imtls ends the idle session; the next one presents the new certificate
wait_for_stat "$T/rcv.stats" rcv sessions.closed 1
omtls_feed 26 40
wait_for_grep "$T/rcv.log" "session opened: .*subject 'CN=client3.example.net'"
omtls_wait_distinct 40 30 "$T/rcv.out"
stop_rsyslogd snd
stop_rsyslogd rcv
omtls_tally 40 "$T/rcv.out"
[ "$MISSING" -eq 0 ] || fail "$MISSING message(s) lost"
[ "$(count_grep "$T/rcv.log" "session opened: .*subject 'CN=client.example.net'")" -eq 1 ] ||
    fail "not exactly one session with the old certificate"
[ "$(count_grep "$T/snd.log" "reloaded tls\.")" -eq 1 ] || fail "not exactly one reload line"
echo "PASS: omtls kept its connection across the HUP and presented the new client certificate on the next one"
