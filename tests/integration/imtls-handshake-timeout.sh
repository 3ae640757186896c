#!/bin/sh
# tls.handshakeTimeout="1": a TCP client that connects and sends nothing is
# disconnected after about a second and logged as "handshake not completed
# within"; a TLS client is served meanwhile and after the refusal.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
need_tool gnutls-cli bash timeout

start_imtls recv 'tls.handshakeTimeout="1"'
plain_connect_hold "$PORT" "$(scaled_seconds 8)"
wait_for_grep "$T/hold.stdout" '^connected$' 30
assert_serves_good_client recv
wait_bg hold 30
assert_grep "$T/hold.stdout" '^closed by peer$'
if imtls_only; then
    wait_for_refusal recv 'refused: TLS handshake not completed within'
fi
assert_serves_good_client recv
stop_rsyslogd recv
