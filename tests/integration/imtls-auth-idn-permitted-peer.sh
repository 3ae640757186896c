#!/bin/sh
# RFC 5425 section 5.2: internationalised names in tls.permittedPeer are
# compared as A-labels. tls.permittedPeer="bücher.example" (UTF-8 in the
# config) accepts a client whose certificate's only name is DNS
# xn--bcher-kva.example, and refuses another trusted client (logged, nothing
# delivered). An invalid internationalised entry is an rsyslogd -N1 error
# naming the parameter and the entry.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
imtls_only || skip "imtls's own IDN handling (TB_RECEIVER=imtcp)"
need_tool gnutls-cli

printf '<13>1 2026-01-01T00:00:00Z tbhost badclient - - - must not arrive\n' > "$T/bad.in"

start_imtls idn 'tls.authMode="x509/name"' 'tls.permittedPeer="bücher.example"'
assert_serves_good_client idn idn
send_gnutls_cli "$PORT" client < "$T/bad.in"
wait_for_refusal idn "subject 'CN=client\.example\.net'.*refused: name mismatch.*\[DNS:client\.example\.net\].*\[xn--bcher-kva\.example\]"
assert_serves_good_client idn idn
stop_rsyslogd idn
assert_no_grep "$T/idn.out" 'must not arrive'
assert_count "$T/idn.out" 2

# an invalid internationalised name (a label may not start with '-') is a
# configuration error naming the parameter and the entry
imtls_conf chk 'tls.authMode="x509/name"' 'tls.permittedPeer=["ok.example", "-bücher.example"]' \
    > "$T/chk.conf" || exit $?
if rsyslogd_check "$T/chk.conf"; then
    fail "rsyslogd -N1 accepted an invalid internationalised permitted peer"
fi
assert_grep "$T/check.out" "parameter 'tls\.permittedPeer': permitted peer '-bücher\.example': not a valid internationali[sz]ed domain name"
echo "PASS: bücher.example permits xn--bcher-kva.example, refuses others; invalid IDN is a config error"
