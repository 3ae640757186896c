#!/bin/sh
# rsyslogd -N1 reports each bad omtls parameter by name, with the reason:
# missing target, unknown tls.authMode, unknown framing, unreadable
# tls.caFile, tls="off" toward a non-loopback target, port out of range, and a
# bad tls.* default in module().
# A good action next to them checks clean.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "$abs_top_srcdir/tests/integration/lib-omtls.sh"
omtls_needs_omtls
gen_certs
mod=$(omtls_module) || exit $?
tls="tls.caFile=\"$CERTS/ca.pem\" tls.certFile=\"$CERTS/client-cert.pem\" tls.keyFile=\"$CERTS/client-key.pem\""

# check_action 'PARAMS' REGEX: -N1 on one omtls action; REGEX must match.
check_action() {
    { conf_head chk; echo "module(load=\"$mod\")"; echo "action(type=\"omtls\" $1)"; } > "$T/chk.conf"
    if [ -z "$2" ]; then
        rsyslogd_check "$T/chk.conf" || fail "a good action failed -N1: $(cat "$T/check.out")"
        assert_no_grep "$T/check.out" "omtls: |parameter '"
    else
        rsyslogd_check "$T/chk.conf" && fail "-N1 passed with: $1"
        assert_grep "$T/check.out" "$2"
    fi
}

check_action "target=\"127.0.0.1\" $tls" ''
check_action "port=\"6514\" $tls" "parameter 'target'.* required"
check_action "target=\"127.0.0.1\" tls.authMode=\"x509/bogus\" $tls" \
    "parameter 'tls\.authMode': unknown value 'x509/bogus'"
check_action "target=\"127.0.0.1\" framing=\"bogus\" $tls" \
    "parameter 'framing': unknown value 'bogus'"
check_action "target=\"127.0.0.1\" tls.caFile=\"$T/no/such/ca.pem\"" \
    "parameter 'tls\.caFile': cannot read '$T/no/such/ca\.pem'"
check_action "target=\"192.0.2.10\" tls=\"off\"" \
    "parameter 'tls': \"off\" is allowed only toward a loopback target, not '192\.0\.2\.10'"
check_action "target=\"127.0.0.1\" port=\"70000\" $tls" \
    "parameter 'port': 70000 is out of range"
check_action "target=\"127.0.0.1\" $tls tls.crlFile=\"$T/no/such/crl.pem\"" \
    "parameter 'tls\.crlFile': CRL file '$T/no/such/crl\.pem': No such file or directory"
check_action "target=\"127.0.0.1\" $tls tls.reloadCheckInterval=\"-1\"" \
    "parameter 'tls\.reloadCheckInterval' cannot be less than zero"
check_action "target=\"127.0.0.1\" $tls tls.expiryWarningDays=\"-1\"" \
    "parameter 'tls\.expiryWarningDays' cannot be less than zero"
check_action "target=\"127.0.0.1\" $tls tls.sessionResumption=\"maybe\"" \
    "parameter 'tls\.sessionResumption' must be \"on\" or \"off\""
# A bad tls.* default in module() is reported at the action that inherits it.
{ conf_head chk; echo "module(load=\"$mod\" tls.authMode=\"bogus\")"; echo "action(type=\"omtls\" target=\"127.0.0.1\" $tls)"; } > "$T/chk.conf"
rsyslogd_check "$T/chk.conf" && fail "-N1 passed with module(tls.authMode=\"bogus\")"
assert_grep "$T/check.out" "parameter 'tls\.authMode': unknown value 'bogus'"
echo "PASS: every bad omtls parameter reported by name"
