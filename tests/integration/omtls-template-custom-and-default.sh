#!/bin/sh
# The template decides what omtls puts on the wire: three omtls actions of
# one sender forward the same messages to imtls, which writes each received
# message verbatim (%rawmsg%).  A string template arrives rendered exactly
# ("custom msgnum:...: end"), a list template too ("list omtlstest:
# MSGNUM:...:" with its upper-case conversion), and the action without
# template= sends RSYSLOG_SyslogProtocol23Format: RFC 5424 lines
# "<133>1 TIMESTAMP HOST omtlstest - - - msgnum:...:" (imfile's default
# local0.notice, APP-NAME from the tag, nil PROCID, MSGID and SD).
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "$abs_top_srcdir/tests/integration/lib-omtls.sh"
omtls_needs_omtls
N=5
gen_certs

OUT_TEMPLATE=t_raw start_imtls rcv 'address="127.0.0.1"'

templates='template(name="t_custom" type="string" string="custom %msg% end\n")
template(name="t_list" type="list") {
    constant(value="list ")
    property(name="syslogtag")
    constant(value=" ")
    property(name="msg" caseConversion="upper")
    constant(value="\n")
}'
omtls_feed 1 $N
omtls_sender_conf snd "$(omtls_action name=custom target=127.0.0.1 port="$PORT" template=t_custom $(omtls_client_tls))
$(omtls_action name=list-tpl target=127.0.0.1 port="$PORT" template=t_list $(omtls_client_tls))
$(omtls_action name=default target=127.0.0.1 port="$PORT" $(omtls_client_tls))"
# actions find their templates only among those defined before them
{ echo "$templates"; cat "$T/snd.conf"; } > "$T/snd.conf.new" && mv "$T/snd.conf.new" "$T/snd.conf"
start_rsyslogd snd "$T/snd.conf"
wait_for_count "$T/rcv.out" $((3 * N)) 30
stop_rsyslogd snd
stop_rsyslogd rcv
assert_count "$T/rcv.out" $((3 * N))

# expect PREFIX FORMAT: the lines of rcv.out starting with PREFIX are
# exactly FORMAT (printf, %08d = msgnum) for 1..N, in order
expect() {
    awk -v n=$N -v f="$2" 'BEGIN { for (i = 1; i <= n; i++) printf f "\n", i }' > "$T/want.$1"
    grep "^$1" "$T/rcv.out" > "$T/got.$1"
    cmp -s "$T/want.$1" "$T/got.$1" ||
        fail "template output '$1' differs: expected $(head -n 1 "$T/want.$1" | tr -d '\n'), ... got '$(cat "$T/got.$1" | tr '\n' '|')'"
}
expect 'custom ' 'custom msgnum:%08d: end'
expect 'list ' 'list omtlstest: MSGNUM:%08d:'

# RFC 5424 (RSYSLOG_SyslogProtocol23Format): PRI, VERSION 1, RFC 3339
# timestamp, HOSTNAME, APP-NAME, nil PROCID, MSGID and STRUCTURED-DATA, MSG
grep '^<' "$T/rcv.out" > "$T/got.default"
assert_count "$T/got.default" $N
bad=$(grep -Evc '^<133>1 [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?(Z|[+-][0-9]{2}:[0-9]{2}) [^ ]+ omtlstest - - - msgnum:[0-9]{8}:$' "$T/got.default")
[ "$bad" -eq 0 ] || fail "$bad default-template message(s) not in RFC 5424 shape: $(head -n 1 "$T/got.default")"
seq_check "$T/got.default" 1 $N
echo "default: $(head -n 1 "$T/got.default")"
echo "PASS: string and list templates arrive as rendered; the default is RFC 5424"
