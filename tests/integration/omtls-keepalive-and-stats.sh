#!/bin/sh
# keepAlive="on": messages arrive over one connection whose sending socket
# carries a TCP keepalive timer (ss -o), while imtls's end of the same
# connection (keepAlive off) has none.  omtls's impstats counters agree with
# what arrived: messages.sent = N, connects = 1, bytes.sent = the bytes
# imtls received (and more than the message text alone).
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "$abs_top_srcdir/tests/integration/lib-omtls.sh"
omtls_needs_omtls
need_tool ss
N=500
gen_certs

# sockets FILTER: established TCP sockets on 127.0.0.1 matching the ss FILTER,
# with their timers
sockets() {
    ss -Htno state established "$1"
}

start_imtls rcv 'address="127.0.0.1"'

omtls_feed 1 $N
omtls_sender_conf snd "$(omtls_action target=127.0.0.1 port="$PORT" keepAlive=on $(omtls_client_tls))"
start_rsyslogd snd "$T/snd.conf"

wait_for_count "$T/rcv.out" $N 30
wait_for_stat "$T/snd.stats" omtls messages.sent $N 30
imtls_only && wait_for_stat "$T/rcv.stats" rcv submitted $N 30

# the connection stays open; its sending side is armed once idle
n=$(_tb_timeout 10)
while ! sockets "dst 127.0.0.1 and dport = :$PORT" | grep -q 'timer:(keepalive,'; do
    [ "$n" -gt 0 ] || fail "no keepalive timer on omtls's socket: $(sockets "dport = :$PORT")"
    sleep 0.1
    n=$((n - 1))
done
[ "$(sockets "dst 127.0.0.1 and dport = :$PORT" | wc -l)" -eq 1 ] \
    || fail "expected one connection toward $PORT: $(sockets "dport = :$PORT")"
sockets "src 127.0.0.1 and sport = :$PORT" | grep -q . || fail "imtls's end of the connection is gone"
if sockets "src 127.0.0.1 and sport = :$PORT" | grep -q 'keepalive'; then
    fail "imtls's socket (keepAlive off) has a keepalive timer: the check cannot tell"
fi
echo "sender socket: $(sockets "dst 127.0.0.1 and dport = :$PORT")"

stop_rsyslogd snd
stop_rsyslogd rcv
seq_check "$T/rcv.out" 1 $N

sent=$(omtls_stat snd messages.sent)
bytes=$(omtls_stat snd bytes.sent)
text=$(wc -c < "$T/input.txt")
[ "$sent" -eq $N ] || fail "messages.sent = $sent, expected $N"
[ "$(omtls_stat snd connects)" -eq 1 ] || fail "connects = $(omtls_stat snd connects), expected 1"
if imtls_only; then
    received=$(stat_value "$T/rcv.stats" rcv bytes.received)
    [ "$bytes" -eq "$received" ] || fail "omtls bytes.sent = $bytes, imtls bytes.received = $received"
fi
[ "$bytes" -gt "$text" ] || fail "bytes.sent = $bytes, less than the $text bytes of message text"
[ "$(omtls_stat snd suspended)" -eq 0 ] || fail "suspended is not 0"
echo "PASS: keepAlive on; $sent messages, $bytes bytes over 1 connection"
