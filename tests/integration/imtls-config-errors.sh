#!/bin/sh
# rsyslogd -N1 refuses each bad imtls parameter with an error naming it:
# unknown tls.authMode, missing tls.keyFile, unreadable certificate file, port
# out of range, tls="off" on a non-loopback address, unknown framing and
# oversizeMode, port 0 without listenPortFileName, unknown ruleset, and
# module(drainTimeout) out of range, maxPendingHandshakes, maxSessionsPerPeer and
# socketBacklog out of range, proxyProtocol unknown, without trusted sources
# or with one that is no address or CIDR range.  A good configuration passes.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
imtls_only || skip "imtls parameters only (TB_RECEIVER=imtcp)"

imtls_conf chk > "$T/chk.conf" || exit $?
rsyslogd_check "$T/chk.conf" || fail "good config refused: $(cat "$T/check.out")"
assert_no_grep "$T/check.out" 'error([^s]|$)'

imtls_check_refuses "parameter 'tls\.authMode'.*unknown value 'x509/bogus'" 'tls.authMode="x509/bogus"'
imtls_check_refuses "parameter 'tls\.keyFile'.*required" -tls.keyFile
imtls_check_refuses "parameter 'tls\.certFile'.*cannot read '[^']*nonexistent\.pem'" \
    "tls.certFile=\"$T/nonexistent.pem\""
imtls_check_refuses "parameter 'port'.*out of range.*70000" -port 'port="70000"' "listenPortFileName=\"$T/x.port\""
imtls_check_refuses "parameter 'tls'.*loopback.*'0\.0\.0\.0'" 'tls="off"' 'address="0.0.0.0"'
imtls_check_refuses "parameter 'framing'.*unknown value 'bogus'" 'framing="bogus"'
imtls_check_refuses "parameter 'oversizeMode'.*unknown value 'bogus'" 'oversizeMode="bogus"'
imtls_check_refuses "parameter 'listenPortFileName'.*required with port=.0" 'port="0"'
imtls_check_refuses "parameter 'ruleset'.*'nosuchruleset' not found" 'ruleset="nosuchruleset"'
# certificate lifecycle parameters: a missing or CRL-less tls.crlFile, a
# negative interval or warning window
imtls_check_refuses "parameter 'tls\.crlFile': CRL file '[^']*nonexistent-crl\.pem': No such file or directory" \
    "tls.crlFile=\"$T/nonexistent-crl.pem\""
imtls_check_refuses "parameter 'tls\.crlFile': CRL file '[^']*ca\.pem': no CRL found" "tls.crlFile=\"$CERTS/ca.pem\""
imtls_check_refuses "parameter 'tls\.reloadCheckInterval' cannot be less than zero" 'tls.reloadCheckInterval="-1"'
imtls_check_refuses "parameter 'tls\.expiryWarningDays' cannot be less than zero" 'tls.expiryWarningDays="-1"'
imtls_check_refuses "parameter 'tls\.sessionResumption' must be \"on\" or \"off\"" 'tls.sessionResumption="maybe"'
# module() parameters: a value out of range is reported and replaced
IMTLS_MODULE_PARAMS='drainTimeout="-5"'
imtls_check_refuses "parameter 'drainTimeout'.*out of range \(was -5, allowed 0-60000 ms\); using 800"
IMTLS_MODULE_PARAMS=
# session budgets: pending handshakes, sessions per peer, the listen backlog
imtls_check_refuses "parameter 'maxPendingHandshakes'.*out of range.*-1" 'maxPendingHandshakes="-1"'
imtls_check_refuses "parameter 'maxPendingHandshakes'.*out of range.*2000000" 'maxPendingHandshakes="2000000"'
imtls_check_refuses "parameter 'maxSessionsPerPeer'.*out of range.*-3" 'maxSessionsPerPeer="-3"'
imtls_check_refuses "parameter 'socketBacklog'.*out of range.*0, allowed 1-65535" 'socketBacklog="0"'
imtls_check_refuses "parameter 'socketBacklog'.*out of range.*70000" 'socketBacklog="70000"'
imtls_conf chk 'maxPendingHandshakes="0"' 'maxSessionsPerPeer="2"' 'socketBacklog="64"' > "$T/chk.conf" || exit $?
rsyslogd_check "$T/chk.conf" || fail "good budget values refused: $(cat "$T/check.out")"
# PROXY protocol: an unknown mode, no trusted source, a source that is no address or range
imtls_check_refuses "parameter 'proxyProtocol': unknown value 'v3' \(expected off, v1, v2 or any\)" 'proxyProtocol="v3"'
imtls_check_refuses "parameter 'proxyProtocol\.trustedSources': required with proxyProtocol=\"v2\"" 'proxyProtocol="v2"'
imtls_check_refuses "parameter 'proxyProtocol\.trustedSources': 'lb\.example\.net': not an IP address or CIDR range" \
    'proxyProtocol="any"' 'proxyProtocol.trustedSources=["127.0.0.1", "lb.example.net"]'
imtls_check_refuses "parameter 'proxyProtocol\.trustedSources': '10\.0\.0\.0/33': prefix length out of range \(0-32\)" \
    'proxyProtocol="v1"' 'proxyProtocol.trustedSources="10.0.0.0/33"'
imtls_conf chk 'proxyProtocol="V2"' 'proxyProtocol.trustedSources=["127.0.0.1", "10.0.0.0/8", "2001:db8::/32"]' \
    > "$T/chk.conf" || exit $?
rsyslogd_check "$T/chk.conf" || fail "good proxyProtocol values refused: $(cat "$T/check.out")"
