#!/bin/sh
# rsyslogd -N1 refuses a bad tls.hostnameCheck value, in input() and in
# module(), with an error naming the parameter and the values it takes; the
# five values pass in any case, and tls.addPeerMetadata takes on/off.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
imtls_only || skip "imtls parameters only (TB_RECEIVER=imtcp)"

# bad REGEX PARAM...: -N1 on a config with PARAMs fails and prints REGEX
bad() {
    _re=$1
    shift
    imtls_conf chk "$@" > "$T/chk.conf" || exit $?
    if rsyslogd_check "$T/chk.conf"; then
        fail "rsyslogd -N1 accepted: $* (module: ${IMTLS_MODULE_PARAMS:-})"
    fi
    grep -Eiq -- "$_re" "$T/check.out" || {
        cat "$T/check.out" >&2
        fail "rsyslogd -N1 on '$*': no error matching /$_re/"
    }
}
# good PARAM...: -N1 passes without an error
good() {
    imtls_conf chk "$@" > "$T/chk.conf" || exit $?
    rsyslogd_check "$T/chk.conf" || fail "rsyslogd -N1 refused $*: $(cat "$T/check.out")"
    assert_no_grep "$T/check.out" 'error([^s]|$)'
}

msg="parameter 'tls\\.hostnameCheck': unknown value 'x' \\(expected off, warn, tag, enforce or replace\\)"
bad "imtls: input 'chk': $msg" 'tls.hostnameCheck="x"'
bad "parameter 'tls\\.hostnameCheck': unknown value 'warning'" 'tls.hostnameCheck="warning"'
IMTLS_MODULE_PARAMS='tls.hostnameCheck="x"'
bad "$msg"
IMTLS_MODULE_PARAMS='tls.hostnameCheck="tag"'
good 'tls.addPeerMetadata="on"'
IMTLS_MODULE_PARAMS='tls.addPeerMetadata="on" tls.hostnameCheck="x"'
good 'tls.hostnameCheck="warn"'  # the input's own value wins
IMTLS_MODULE_PARAMS=
for v in off warn tag enforce replace OFF Warn TAG Enforce REPLACE; do
    good "tls.hostnameCheck=\"$v\"" 'tls.addPeerMetadata="off"'
done
bad "tls\\.addPeerMetadata" 'tls.addPeerMetadata="maybe"'
