#!/bin/sh
# tlslogger delivers its arguments to imtls in RFC 5424 (default) and
# RFC 3164 format, octet-counted (default) and LF-framed: rsyslog parses the
# host name, tag, process id, facility and severity it sent.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "$abs_top_srcdir/tests/integration/lib-tlslogger.sh"
gen_certs
{
    echo 'template(name="t_parse" type="string"'
    echo '         string="%hostname%~%syslogtag%~%app-name%~%procid%~%pri-text%~%protocol-version%~%msg%~\n")'
    OUT_TEMPLATE=t_parse imtls_conf r
} > "$T/r.conf" || exit $?
start_rsyslogd r "$T/r.conf" "$T/r.port"
PORT=$(port_of "$T/r.port") || exit $?
host=$(uname -n)
short=${host%%.*}
# the default tag is the login name (getlogin), else the user's name
user=$(id -un)
login=$(logname 2>/dev/null) && [ -n "$login" ] && user="$user|$login"

run_tlslogger -t tbtag -p local3.warning hello 5424 octet || fail "5424 octet-counted: exit $TL_STATUS: $(cat "$T/tlslogger.err")"
run_tlslogger -t tbtag -p LOCAL3.4 -i --lf hello 5424 lf || fail "5424 lf: exit $TL_STATUS: $(cat "$T/tlslogger.err")"
run_tlslogger -t tbtag -p daemon.err --rfc3164 --octet-counted hello 3164 octet ||
    fail "3164 octet-counted: exit $TL_STATUS: $(cat "$T/tlslogger.err")"
run_tlslogger -t tbtag -p err --rfc3164 --id=4242 --lf -s hello 3164 lf || fail "3164 lf: exit $TL_STATUS"
# -s: the message as sent, on stderr
grep -Eq '^<11>[A-Z][a-z][a-z] [ 1-3][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2} [^ ]+ tbtag\[4242\]: hello 3164 lf$' \
    "$T/tlslogger.err" || fail "-s did not print the message: $(cat "$T/tlslogger.err")"
TL_SERVER=127.0.0.1 run_tlslogger hello defaults || fail "defaults by IP address: exit $TL_STATUS"
wait_for_count "$T/r.out" 5

# one line per message, in order, each field as rsyslog parsed it
printf '%s\n' \
    "$host~tbtag~tbtag~-~local3.warning~1~hello 5424 octet~" \
    "$host~tbtag\\[[0-9]+\\]~tbtag~[0-9]+~local3.warning~1~hello 5424 lf~" \
    "$short~tbtag:~tbtag~-~daemon.err~0~ hello 3164 octet~" \
    "$short~tbtag\\[4242\\]:~tbtag~4242~user.err~0~ hello 3164 lf~" \
    "$host~($user)~($user)~-~user.notice~1~hello defaults~" > "$T/expected"
assert_count "$T/r.out" 5
n=0
while IFS= read -r want; do
    n=$((n + 1))
    got=$(sed -n "${n}p" "$T/r.out")
    echo "$got" | grep -Eqx -- "$want" || fail "message $n: got '$got', expected /$want/"
done < "$T/expected"
# -i without a value: the PROCID is tlslogger's process id, not a constant
pid=$(sed -n 2p "$T/r.out" | cut -d"~" -f4)
[ "$pid" -gt 1 ] || fail "PROCID '$pid' is not a process id"
echo "PASS: RFC 5424 and RFC 3164 messages, both framings, parsed as sent"
