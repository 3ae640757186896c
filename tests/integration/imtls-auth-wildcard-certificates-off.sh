#!/bin/sh
# tls.acceptWildcardCertificates (RFC 5425 section 5.2): a client whose
# certificate's only name is the wildcard "*.example.test" matches the
# permitted peer "logs.example.test" and is accepted by default ("on");
# with "off" it is refused, and the log line names the peer ip:port, its
# subject, the wildcard name and the reason. A client with an exact name is
# still served with "off"; the module() default applies to an input that
# does not set it.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
imtls_only || skip "imtls parameter (TB_RECEIVER=imtcp)"
need_tool gnutls-cli

printf '<13>1 2026-01-01T00:00:00Z tbhost badclient - - - must not arrive\n' > "$T/bad.in"
peers='tls.permittedPeer=["logs.example.test", "client.example.net"]'

# on (default): the wildcard certificate is accepted
start_imtls on 'tls.authMode="x509/name"' "$peers"
assert_serves_good_client on wildcard
stop_rsyslogd on

# explicitly on
start_imtls on2 'tls.authMode="x509/name"' "$peers" 'tls.acceptWildcardCertificates="on"'
assert_serves_good_client on2 wildcard
stop_rsyslogd on2

# off: refused with the reason, exact names still pass
start_imtls off 'tls.authMode="x509/name"' "$peers" 'tls.acceptWildcardCertificates="off"'
send_gnutls_cli "$PORT" wildcard < "$T/bad.in"
wait_for_refusal off "subject 'CN=\*\.example\.test'\) refused: wildcard certificate refused: only the wildcard name '\*\.example\.test'"
assert_grep "$T/off.log" "peer 127\.0\.0\.1:[0-9]+ .*wildcard certificates are not accepted"
assert_serves_good_client off client
stop_rsyslogd off
assert_no_grep "$T/off.out" 'must not arrive'
assert_count "$T/off.out" 1

# off in module(), inherited by the input
IMTLS_MODULE_PARAMS='tls.acceptWildcardCertificates="off"'
start_imtls mod 'tls.authMode="x509/name"' "$peers"
send_gnutls_cli "$PORT" wildcard < "$T/bad.in"
wait_for_refusal mod 'wildcard certificate refused'
assert_serves_good_client mod client
stop_rsyslogd mod
assert_no_grep "$T/mod.out" 'must not arrive'
echo "PASS: wildcard certificate accepted with on, refused with off (input and module)"
