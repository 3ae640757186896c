#!/bin/sh
# tls.authMode="anon" must be asked for explicitly: it then accepts a client
# without a certificate, and imtls warns about it at startup.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
need_tool gnutls-cli
imtls_only || skip "imtls behaviour only (TB_RECEIVER=imtcp)"

start_imtls recv 'tls.authMode="anon"'
wait_for_grep "$T/recv.log" 'tls.authMode=.anon.*NOT checked'
gen_syslog "$T/in.txt" 1 10
send_gnutls_cli "$PORT" - < "$T/in.txt" || fail "gnutls-cli without certificate exited $?"
wait_for_count "$T/recv.out" 10
# The session line says that no certificate was presented.
wait_for_grep "$T/recv.log" 'session opened: peer 127\.0\.0\.1:[0-9]+, no client certificate, TLS1\.[23]'
stop_rsyslogd recv
seq_check "$T/recv.out" 1 10
