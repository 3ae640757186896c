#!/bin/sh
# SIGHUP swaps imtls's server certificate without dropping a session: a
# session held open sends one message every 50 ms while the certificate and
# key files are replaced (renamed over the configured paths) and rsyslogd is
# HUPed. Every message of that session arrives once and in order, on the
# same session; a client that pins the new certificate's fingerprint is
# refused before the HUP and accepted after it; the reload is logged once,
# with the old and new fingerprints.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
need_tool gnutls-cli certtool openssl ss
imtls_only || skip "imtls behaviour only (TB_RECEIVER=imtcp)"

gen_extra_cert server2 localhost 3650 server
live_certs server
old_fp=$(cert_fp "$CERTS/server-cert.pem")
new_fp=$(cert_fp "$CERTS/server2-cert.pem")
start_imtls recv tls.caFile="\"$T/live/ca.pem\"" tls.certFile="\"$T/live/cert.pem\"" \
    tls.keyFile="\"$T/live/key.pem\""
wait_for_grep "$T/recv.log" "own certificate subject 'CN=localhost', fingerprint $old_fp, expires "

pinned() {
    run_loader -n 1 --start "$1" --auth x509/fingerprint --peer "$new_fp"
}

hold_session "$PORT" client
wait_for_grep "$T/recv.log" "session opened"
cport=$(client_port "$PORT")
gen_syslog "$T/a.in" 1 80
(while read -r l; do echo "$l"; sleep 0.05; done < "$T/a.in") >&7 &
feeder=$!

pinned 1001 && fail "a client pinning the new certificate was accepted before the swap"
swap_file "$CERTS/server2-cert.pem" "$T/live/cert.pem"
swap_file "$CERTS/server2-key.pem" "$T/live/key.pem"
hup_and_wait recv "reloaded tls.certFile, tls.keyFile \(HUP\): certificate $new_fp \(expires .*\), was $old_fp"
pinned 1002 || fail "a client pinning the new certificate was refused after the HUP: $(cat "$T/loader.out")"

wait "$feeder" || fail "feeding the held session failed"
exec 7>&-
wait_bg hold 10 || fail "gnutls-cli exited $?"
wait_for_count "$T/recv.out" 81
stop_rsyslogd recv
grep -v 'msgnum:00001002:' "$T/recv.out" > "$T/session.out"
seq_check "$T/session.out" 1 80
n=$(grep -c "session opened" "$T/recv.log")
[ "$n" -eq 2 ] || fail "$n 'session opened' lines, expected 2 (the held session, the pinned client after the HUP)"
[ "$(count_grep "$T/recv.log" "reloaded tls\.")" -eq 1 ] || fail "not exactly one reload line"
assert_grep "$T/recv.log" "own certificate subject 'CN=localhost', fingerprint $new_fp"
echo "PASS: 80 messages on one session (client port $cport) across a certificate swap; pinned client refused, then accepted"
