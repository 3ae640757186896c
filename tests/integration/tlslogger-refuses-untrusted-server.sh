#!/bin/sh
# tlslogger refuses a server whose certificate was not signed by the --ca
# it trusts: exit 4, one line naming the server, its address and the reason.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "$abs_top_srcdir/tests/integration/lib-tlslogger.sh"
start_imtls r
run_tlslogger --ca "$CERTS/other-ca.pem" "must not arrive"
assert_tlslogger_failed 4 \
    "^tlslogger: server localhost \\(127\\.0\\.0\\.1:$PORT\\): certificate not trusted: .*subject 'CN=localhost'.*issuer not found"
# the receiver saw our alert, and nothing arrived
wait_for_refusal r "rejected us"
[ -f "$T/r.out" ] && fail "a message arrived: $(cat "$T/r.out")"
# the same server with the right CA is accepted
run_tlslogger "now trusted" || fail "exit $TL_STATUS with the right CA: $(cat "$T/tlslogger.err")"
wait_for_grep "$T/r.out" "now trusted\$"
echo "PASS: untrusted server refused, exit 4, one line"
