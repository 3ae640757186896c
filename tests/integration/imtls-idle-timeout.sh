#!/bin/sh
# idleTimeout="1": a TLS session that sends nothing after the handshake is
# closed by imtls after about a second (well before the client's 15 s), and
# this is logged.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
need_tool openssl
imtls_only || skip "imtls behaviour only (TB_RECEIVER=imtcp)"

start_imtls recv 'idleTimeout="1"'
# -ign_eof: stay connected after stdin's EOF, until the server closes
start_bg idle sh -c 'exec timeout 15 openssl s_client -connect "127.0.0.1:$1" \
    -CAfile "$2/ca.pem" -cert "$2/client-cert.pem" -key "$2/client-key.pem" \
    -ign_eof < /dev/null' idle "$PORT" "$CERTS"
wait_for_grep "$T/recv.log" 'session opened' 30
wait_bg idle 30
rc=$?
[ "$rc" -ne 124 ] || fail "session still open after 15 s"
wait_for_grep "$T/recv.log" 'closed: idle for 1 s'
assert_serves_good_client recv
stop_rsyslogd recv
