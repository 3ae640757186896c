#!/bin/sh
# tlslogger (x509/name, the default) refuses a trusted server certificate
# that does not name the server it was asked for: --server 127.0.0.1 against
# a certificate naming only DNS:localhost, and --permitted-peer naming
# another host. Exit 4, one line with the reason.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "$abs_top_srcdir/tests/integration/lib-tlslogger.sh"
gen_certs
dns_only_server_cert dnsonly localhost
start_imtls r tls.certFile=\""$CERTS/dnsonly-cert.pem"\" tls.keyFile=\""$CERTS/dnsonly-key.pem"\"

TL_SERVER=127.0.0.1 run_tlslogger "must not arrive"
assert_tlslogger_failed 4 \
    "^tlslogger: server 127\\.0\\.0\\.1 \\(127\\.0\\.0\\.1:$PORT\\): name mismatch: .*certificate names \\[DNS:localhost\\]"
run_tlslogger --permitted-peer other.example.org "must not arrive"
assert_tlslogger_failed 4 \
    "^tlslogger: server localhost \\(127\\.0\\.0\\.1:$PORT\\): name mismatch: .*permitted peers \\[other\\.example\\.org\\]"
# x509/certvalid does not check the name
TL_SERVER=127.0.0.1 run_tlslogger --auth-mode x509/certvalid "chain only" ||
    fail "x509/certvalid: exit $TL_STATUS: $(cat "$T/tlslogger.err")"
# the name it does carry is accepted
run_tlslogger "by name" || fail "by name: exit $TL_STATUS: $(cat "$T/tlslogger.err")"
wait_for_count "$T/r.out" 2
assert_no_grep "$T/r.out" "must not arrive"
echo "PASS: name mismatches refused, exit 4, one line each"
