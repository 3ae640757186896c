#!/bin/sh
# target="127.0.0.1" with the default x509/name and no tls.permittedPeer:
# the target IP is matched against the server certificate's IP SANs.  The
# test server certificate (SAN IP:127.0.0.1) is accepted and messages arrive;
# a certificate from the same CA without that IP SAN (CN=localhost, SAN
# DNS:localhost only, made here) is refused with a name-mismatch reason in
# the sender's log, and nothing is delivered.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "$abs_top_srcdir/tests/integration/lib-omtls.sh"
omtls_needs_omtls
need_tool openssl
gen_certs

# 1. IP SAN 127.0.0.1 present: accepted
start_imtls good 'address="127.0.0.1"'
omtls_feed 1 100
omtls_sender_conf ok "$(omtls_action target=127.0.0.1 port="$PORT" $(omtls_client_tls))"
start_rsyslogd ok "$T/ok.conf"
wait_for_count "$T/good.out" 100 30
wait_for_stat "$T/ok.stats" omtls messages.sent 100 30
stop_rsyslogd ok
stop_rsyslogd good
seq_check "$T/good.out" 1 100
assert_grep "$T/ok.log" "omtls: connected to 127\\.0\\.0\\.1 \\(127\\.0\\.0\\.1:$PORT\\), TLS.*subject 'CN=localhost'"
[ "$(omtls_stat ok handshake.failed)" -eq 0 ] || fail "handshake.failed is not 0 toward the IP SAN certificate"

# 2. no IP SAN: refused, reason logged once with target, IP:port and subject
dns_only_server_cert noip localhost
omtls_refusal_case noip '' 'name mismatch' "subject 'CN=localhost'" $(omtls_client_tls)
echo "PASS: IP target matched by IP SAN; certificate without it refused"
