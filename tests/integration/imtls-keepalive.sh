#!/bin/sh
# keepAlive="on": the socket imtls accepted carries a TCP keepalive timer
# (ss -o on the server side of the connection shows "timer:(keepalive,...)")
# while the session delivers; with keepAlive left at its default (off) the
# accepted socket of the same kind of session has no keepalive timer.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
need_tool gnutls-cli ss
imtls_only || skip "imtls behaviour only (TB_RECEIVER=imtcp)"

# server_socket PORT: ss line (with timers) of the established socket on
# imtls's side of a connection to 127.0.0.1:PORT
server_socket() {
    ss -Htno state established "src 127.0.0.1 and sport = :$1"
}

# session NAME FIRST LAST: a TLS session to daemon NAME ($PORT) that has
# delivered messages FIRST..LAST and is still open (fd 7, background "hold")
session() {
    hold_session "$PORT" client
    wait_for_grep "$T/$1.log" 'session opened' 30
    gen_syslog "$T/$1.in" "$2" "$3"
    cat "$T/$1.in" >&7
    wait_for_count "$T/$1.out" $(($3 - $2 + 1))
    [ "$(server_socket "$PORT" | wc -l)" -eq 1 ] ||
        fail "expected one accepted socket on port $PORT: '$(server_socket "$PORT")'"
}

end_session() {
    exec 7>&-
    wait_bg hold 30 || fail "gnutls-cli exited $?"
}

# 1. keepAlive="on": the accepted socket gets the timer
start_imtls on 'address="127.0.0.1"' 'keepAlive="on"'
session on 1 10
n=$(_tb_timeout 30)
while ! server_socket "$PORT" | grep -q 'timer:(keepalive,'; do
    [ "$n" -gt 0 ] || fail "keepAlive=\"on\": no keepalive timer on imtls's socket: '$(server_socket "$PORT")'"
    sleep 0.1
    n=$((n - 1))
done
echo "keepAlive on:  $(server_socket "$PORT")"
end_session
stop_rsyslogd on
seq_check "$T/on.out" 1 10

# 2. default: no keepalive timer on the accepted socket (an idle established
# socket without SO_KEEPALIVE shows no timer at all)
start_imtls off 'address="127.0.0.1"'
session off 11 20
sock=$(server_socket "$PORT")
echo "keepAlive off: $sock"
case $sock in
    *keepalive*) fail "keepAlive off (default): imtls's socket has a keepalive timer: '$sock'" ;;
esac
end_session
stop_rsyslogd off
seq_check "$T/off.out" 11 20
echo "PASS: keepAlive=\"on\" arms SO_KEEPALIVE on accepted sockets; the default does not"
