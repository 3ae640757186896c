#!/bin/sh
# gnutls-cli presenting a client certificate from the trusted CA sends 200
# LF-terminated messages on one connection: all arrive once, in order; the
# session is logged once with the peer's certificate subject.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
need_tool gnutls-cli

start_imtls recv
gen_syslog "$T/in.txt" 1 200
send_gnutls_cli "$PORT" client < "$T/in.txt" || fail "gnutls-cli exited $?"

wait_for_count "$T/recv.out" 200
stop_rsyslogd recv
assert_count "$T/recv.out" 200
seq_check "$T/recv.out" 1 200
assert_grep "$T/recv.out" '^127\.0\.0\.1 recv +msgnum:00000001:$'
if imtls_only; then
    assert_grep "$T/recv.log" '127\.0\.0\.1.*client\.example\.net'
    [ "$(grep -Eic 'client\.example\.net' "$T/recv.log")" -eq 1 ] \
        || fail "session not logged exactly once"
fi
