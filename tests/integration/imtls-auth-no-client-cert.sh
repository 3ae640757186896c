#!/bin/sh
# The default policy (x509/certvalid) refuses a client without a certificate:
# "no client certificate".
# The refusal is logged with the peer address and the reason, the peer's
# message never arrives, and a trusted client is served afterwards.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
need_tool gnutls-cli

start_imtls recv 
printf '<13>1 2026-01-01T00:00:00Z tbhost badclient - - - must not arrive\n' > "$T/bad.in"
send_gnutls_cli "$PORT" - < "$T/bad.in"
if imtls_only; then
    wait_for_refusal recv 'refused.*no client certificate'
    wait_for_stat "$T/recv.stats" recv sessions.refused 1
fi
assert_serves_good_client recv
stop_rsyslogd recv
assert_no_grep "$T/recv.out" 'must not arrive'
