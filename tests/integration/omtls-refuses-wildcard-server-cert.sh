#!/bin/sh
# tls.acceptWildcardCertificates on omtls (RFC 5425 section 5.2): a server
# certificate whose only name is the wildcard "*.example.test" matches
# tls.serverName="logs.example.test"; it is accepted by default and every
# message arrives; with tls.acceptWildcardCertificates="off" it is refused:
# the log line names the target, its IP:port, the server's subject and the
# wildcard reason once, nothing is delivered nor counted as sent.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "$abs_top_srcdir/tests/integration/lib-omtls.sh"
omtls_needs_omtls
gen_certs

# 1. on (default): accepted
omtls_receiver_imtcp_conf ok 0 gtls '' wildcard
start_rsyslogd ok "$T/ok.conf" "$T/ok.port"
OKPORT=$(port_of "$T/ok.port") || exit $?
omtls_feed 1 50
omtls_sender_conf on "$(omtls_action target=127.0.0.1 port="$OKPORT" tls.serverName=logs.example.test \
    $(omtls_client_tls))"
start_rsyslogd on "$T/on.conf"
wait_for_count "$T/ok.out" 50 20
wait_for_stat "$T/on.stats" omtls messages.sent 50 10
stop_rsyslogd on
stop_rsyslogd ok
seq_check "$T/ok.out" 1 50
assert_grep "$T/on.log" "omtls: connected to 127\\.0\\.0\\.1 .*subject 'CN=\\*\\.example\\.test'"
rm -f "$T/input.txt"

# 2. off: refused with the wildcard reason
omtls_refusal_case wildcard '' "wildcard certificate refused: only the wildcard name '\\*\\.example\\.test'" \
    "subject 'CN=\\*\\.example\\.test'" $(omtls_client_tls) tls.serverName=logs.example.test \
    tls.acceptWildcardCertificates=off
echo "PASS: omtls accepts a wildcard server certificate by default and refuses it with acceptWildcardCertificates off"
