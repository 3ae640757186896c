#!/bin/sh
# Plain syslog sent to the TLS port is refused: the session is closed, logged
# as "not a TLS handshake" with the peer address, nothing is submitted, and a
# TLS client is served afterwards.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
need_tool gnutls-cli bash

start_imtls recv
printf '<13>1 2026-01-01T00:00:00Z tbhost plain - - - must not arrive\n' | send_plain "$PORT"
if imtls_only; then
    wait_for_refusal recv 'not a TLS handshake'
fi
assert_serves_good_client recv
stop_rsyslogd recv
assert_no_grep "$T/recv.out" 'must not arrive'
