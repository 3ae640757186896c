#!/bin/sh
# rsyslogd -N1 refuses each bad imtls parameter with an error naming it:
# unknown tls.authMode, missing tls.keyFile, unreadable certificate file, port
# out of range, tls="off" on a non-loopback address, unknown framing and
# oversizeMode, port 0 without listenPortFileName, unknown ruleset.  A good
# configuration passes.
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

bad 'tls\.authMode.*x509/bogus|x509/bogus.*tls\.authMode' 'tls.authMode="x509/bogus"'
bad 'tls\.keyFile' -tls.keyFile
bad 'nonexistent\.pem' "tls.certFile=\"$T/nonexistent.pem\""
bad 'port.*70000|70000.*port' -port 'port="70000"' "listenPortFileName=\"$T/x.port\""
bad 'loopback' 'tls="off"' 'address="0.0.0.0"'
bad 'framing.*bogus|bogus.*framing' 'framing="bogus"'
bad 'oversizeMode.*bogus|bogus.*oversizeMode' 'oversizeMode="bogus"'
bad 'listenPortFileName' 'port="0"'
bad 'nosuchruleset' 'ruleset="nosuchruleset"'
