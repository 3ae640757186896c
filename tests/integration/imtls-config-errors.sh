#!/bin/sh
# rsyslogd -N1 refuses each bad imtls parameter with an error naming it:
# unknown tls.authMode, missing tls.keyFile, unreadable certificate file, port
# out of range, tls="off" on a non-loopback address, unknown framing and
# oversizeMode, port 0 without listenPortFileName, unknown ruleset, and
# module(drainTimeout) out of range.  A good configuration passes.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
imtls_only || skip "imtls parameters only (TB_RECEIVER=imtcp)"

# bad REGEX PARAM...: -N1 on a config with PARAMs fails and prints REGEX
bad() {
    _re=$1
    shift
    imtls_conf chk "$@" > "$T/chk.conf" || exit $?
    if rsyslogd_check "$T/chk.conf"; then
        fail "rsyslogd -N1 accepted: $*"
    fi
    grep -Eiq -- "$_re" "$T/check.out" || {
        cat "$T/check.out" >&2
        fail "rsyslogd -N1 on '$*': no error matching /$_re/"
    }
}

imtls_conf chk > "$T/chk.conf" || exit $?
rsyslogd_check "$T/chk.conf" || fail "good config refused: $(cat "$T/check.out")"
assert_no_grep "$T/check.out" 'error([^s]|$)'

bad "parameter 'tls\.authMode'.*unknown value 'x509/bogus'" 'tls.authMode="x509/bogus"'
bad "parameter 'tls\.keyFile'.*required" -tls.keyFile
bad "parameter 'tls\.certFile'.*cannot read '[^']*nonexistent\.pem'" \
    "tls.certFile=\"$T/nonexistent.pem\""
bad "parameter 'port'.*out of range.*70000" -port 'port="70000"' "listenPortFileName=\"$T/x.port\""
bad "parameter 'tls'.*loopback.*'0\.0\.0\.0'" 'tls="off"' 'address="0.0.0.0"'
bad "parameter 'framing'.*unknown value 'bogus'" 'framing="bogus"'
bad "parameter 'oversizeMode'.*unknown value 'bogus'" 'oversizeMode="bogus"'
bad "parameter 'listenPortFileName'.*required with port=.0" 'port="0"'
bad "parameter 'ruleset'.*'nosuchruleset' not found" 'ruleset="nosuchruleset"'
# module() parameters: a value out of range is reported and replaced
IMTLS_MODULE_PARAMS='drainTimeout="-5"'
bad "parameter 'drainTimeout'.*out of range \(was -5, allowed 0-60000 ms\); using 800"
IMTLS_MODULE_PARAMS=
