#!/bin/sh
# Expired and not-yet-valid client certificates are refused, and imtls's
# refusal line says which, with the date (as "YYYY-MM-DD hh:mm:ss UTC"):
# "expired on 2021-01-01 00:00:00 UTC" for the expired test certificate,
# "not valid before 2040-01-01 00:00:00 UTC" for one issued with a future
# start date. Neither session delivers anything; a valid client still does.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
need_tool gnutls-cli certtool
imtls_only || skip "imtls behaviour only (TB_RECEIVER=imtcp)"

gen_extra_cert future future.example.net 30 client "2040-01-01 00:00:00 UTC"
start_imtls recv
printf '<13>1 2026-01-01T00:00:00Z tbhost bad - - - must not arrive\n' > "$T/bad.in"
send_gnutls_cli "$PORT" expired < "$T/bad.in" || true  # TLS 1.3: refused after the client's handshake
wait_for_refusal recv "subject 'CN=client\.example\.net'.*refused: .*expired on 2021-01-01 00:00:00 UTC"
send_gnutls_cli "$PORT" future < "$T/bad.in" || true
wait_for_refusal recv "subject 'CN=future\.example\.net'.*refused: .*not valid before 2040-01-01 00:00:00 UTC"
assert_serves_good_client recv
stop_rsyslogd recv
assert_no_grep "$T/recv.out" "must not arrive"
echo "PASS: expired and not-yet-valid certificates refused with their dates"
