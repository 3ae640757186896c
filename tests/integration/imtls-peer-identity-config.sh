#!/bin/sh
# rsyslogd -N1 refuses a bad tls.hostnameCheck value, in input() and in
# module(), with an error naming the parameter and the values it takes; the
# five values pass in any case, and tls.addPeerMetadata takes on/off.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
imtls_only || skip "imtls parameters only (TB_RECEIVER=imtcp)"

# good PARAM...: -N1 passes without an error
good() {
    imtls_conf chk "$@" > "$T/chk.conf" || exit $?
    rsyslogd_check "$T/chk.conf" || fail "rsyslogd -N1 refused $*: $(cat "$T/check.out")"
    assert_no_grep "$T/check.out" 'error([^s]|$)'
}

msg="parameter 'tls\\.hostnameCheck': unknown value 'x' \\(expected off, warn, tag, enforce or replace\\)"
imtls_check_refuses "imtls: input 'chk': $msg" 'tls.hostnameCheck="x"'
imtls_check_refuses "parameter 'tls\\.hostnameCheck': unknown value 'warning'" 'tls.hostnameCheck="warning"'
IMTLS_MODULE_PARAMS='tls.hostnameCheck="x"'
imtls_check_refuses "$msg"
IMTLS_MODULE_PARAMS='tls.hostnameCheck="tag"'
good 'tls.addPeerMetadata="on"'
IMTLS_MODULE_PARAMS='tls.addPeerMetadata="on" tls.hostnameCheck="x"'
good 'tls.hostnameCheck="warn"'  # the input's own value wins
IMTLS_MODULE_PARAMS=
for v in off warn tag enforce replace OFF Warn TAG Enforce REPLACE; do
    good "tls.hostnameCheck=\"$v\"" 'tls.addPeerMetadata="off"'
done
imtls_check_refuses "tls\\.addPeerMetadata" 'tls.addPeerMetadata="maybe"'
