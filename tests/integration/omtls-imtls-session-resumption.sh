#!/bin/sh
# tls.sessionResumption (default on): omtls reconnecting to imtls after
# rebindInterval resumes the TLS session of its first connection (imtls
# issued a session ticket): imtls counts it in sessions.resumed and both
# sides' "session opened" / "connected to" lines end in ", resumed", with the
# client's subject still known. tls.sessionResumption="off" on either side
# gives full handshakes only. Every message arrives in order each time.
#
# A resumed session cannot carry a peer that the receiver's current config
# refuses: tickets are encrypted with a key of the TLS config that issued
# them, and a changed policy (a restart, or a HUP that reloads the
# certificates) is a new config with a new key, so the client gets a full
# handshake and the full check. The last part shows it: after a certificate
# reload by HUP, the next connection is not resumed.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "$abs_top_srcdir/tests/integration/lib-omtls.sh"
omtls_needs_omtls
gen_certs
N=500

# run_case LABEL IMTLS_PARAM OMTLS_PARAM: 500 messages with rebindInterval=100
# (5 connections); sets RESUMED (imtls sessions.resumed) and checks the rest
run_case() {
    # a fresh sender work dir: imfile's state of an earlier input.txt (the
    # inode may be reused) would skip the new one
    rm -rf "$T/rcv.out" "$T/rcv.stats" "$T/rcv.log" "$T/snd.stats" "$T/snd.log" "$T/input.txt" "$T/snd.work"
    start_imtls rcv 'address="127.0.0.1"' 'tls.permittedPeer="client.example.net"' $2
    omtls_feed 1 $N
    omtls_sender_conf snd "$(omtls_action target=127.0.0.1 port="$PORT" rebindInterval=100 \
        $(omtls_client_tls) queue.type=LinkedList queue.dequeueBatchSize=10 $3)"
    start_rsyslogd snd "$T/snd.conf"
    wait_for_count "$T/rcv.out" $N 30
    wait_for_stat "$T/snd.stats" omtls messages.sent $N 30
    wait_for_stat "$T/rcv.stats" rcv sessions.closed 4 30
    stop_rsyslogd snd
    wait_for_stat "$T/rcv.stats" rcv sessions.closed 5 30
    # the counters of the last impstats round after the fifth close
    sleep 1.2
    stop_rsyslogd rcv
    seq_check "$T/rcv.out" 1 $N
    assert_no_warning "$T/rcv.log"
    assert_no_warning "$T/snd.log"
    opened=$(stat_value "$T/rcv.stats" rcv sessions.opened)
    RESUMED=$(stat_value "$T/rcv.stats" rcv sessions.resumed)
    [ "$opened" -eq 5 ] || fail "$1: imtls sessions.opened = $opened, expected 5"
    [ -n "$RESUMED" ] || fail "$1: no sessions.resumed counter"
    logged=$(grep -c 'session opened: .*subject .CN=client.example.net., TLS.*, resumed' "$T/rcv.log")
    [ "$logged" -eq "$RESUMED" ] || fail "$1: $logged resumed 'session opened' lines, counter $RESUMED"
    sndlogged=$(grep -c 'omtls: connected to .*, resumed' "$T/snd.log")
    [ "$sndlogged" -eq "$RESUMED" ] || fail "$1: omtls logged $sndlogged resumed connects, imtls counted $RESUMED"
    [ "$(grep -c 'session opened' "$T/rcv.log")" -eq 5 ] || fail "$1: expected 5 'session opened' lines"
    echo "$1: 5 connections, $RESUMED resumed"
}

run_case "default (on)" "" ""
# the first connection is a full handshake; the later ones resume its
# session (a connection whose ticket came late would make another full one)
[ "$RESUMED" -ge 1 ] && [ "$RESUMED" -le 4 ] || fail "default: $RESUMED resumed, expected 1..4"
run_case "imtls off" 'tls.sessionResumption="off"' ""
[ "$RESUMED" -eq 0 ] || fail "imtls tls.sessionResumption=off: $RESUMED sessions resumed"
run_case "omtls off" "" tls.sessionResumption=off
[ "$RESUMED" -eq 0 ] || fail "omtls tls.sessionResumption=off: $RESUMED sessions resumed"

# a HUP that reloads the certificate is a new config: the first session
# after it is a full handshake (with the full peer check), not a resumed one
gen_extra_cert server2 localhost 3650 server
live_certs server
rm -rf "$T/rcv.out" "$T/rcv.stats" "$T/rcv.log" "$T/snd.stats" "$T/snd.log" "$T/input.txt" "$T/snd.work"
start_imtls rcv 'address="127.0.0.1"' 'tls.permittedPeer="client.example.net"' \
    "tls.caFile=\"$T/live/ca.pem\"" "tls.certFile=\"$T/live/cert.pem\"" "tls.keyFile=\"$T/live/key.pem\""
omtls_feed 1 100
omtls_sender_conf snd "$(omtls_action target=127.0.0.1 port="$PORT" rebindInterval=50 \
    $(omtls_client_tls) queue.type=LinkedList queue.dequeueBatchSize=10)"
start_rsyslogd snd "$T/snd.conf"
wait_for_count "$T/rcv.out" 100 30
wait_for_stat "$T/rcv.stats" rcv sessions.opened 2 30
swap_file "$CERTS/server2-cert.pem" "$T/live/cert.pem"
swap_file "$CERTS/server2-key.pem" "$T/live/key.pem"
hup_and_wait rcv "reloaded tls.certFile, tls.keyFile \(HUP\)"
omtls_feed 101 200
wait_for_count "$T/rcv.out" 200 30
wait_for_stat "$T/snd.stats" omtls messages.sent 200 30
stop_rsyslogd snd
stop_rsyslogd rcv
seq_check "$T/rcv.out" 1 200
first_after=$(sed -n '/reloaded tls.certFile/,$p' "$T/rcv.log" | grep -m1 'session opened')
[ -n "$first_after" ] || fail "no session opened after the certificate reload"
case $first_after in
    *", resumed"*) fail "a session resumed across the certificate reload: $first_after" ;;
esac
grep -q "omtls: connected to .*subject 'CN=localhost'" "$T/snd.log" || fail "omtls logged no connect"
echo "after the reload: $first_after"
echo "PASS: omtls resumes imtls sessions after rebindInterval; off on either side = full handshakes; none across a certificate reload"
