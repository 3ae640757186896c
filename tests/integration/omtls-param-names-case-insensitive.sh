#!/bin/sh
# omtls's parameter names are case-insensitive: module(load="omtls"
# TLS.CAFILE=... TLS.PRIORITYSTRING="NORMAL:-VERS-ALL:+VERS-TLS1.2") and
# action(type="omtls" NAME=... TARGET=... PORT=... TLS.CERTFILE=...
# Tls.KeyFile=... TEMPLATE=...) deliver every message to imtls, and each
# parameter shows its effect: the module's CA verifies the server (the
# action names none), the module's priority string makes the session TLS1.2
# (the default would be TLS1.3), imtls accepts the action's client
# certificate (it requires one), the template renders what arrives, and the
# impstats object carries the action's name.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "$abs_top_srcdir/tests/integration/lib-omtls.sh"
omtls_needs_omtls
imtls_only || skip "asserts on imtls's session log (TB_RECEIVER=imtcp)"
N=50
gen_certs
mod=$(omtls_module) || exit $?

OUT_TEMPLATE=t_raw start_imtls rcv 'address="127.0.0.1"'

omtls_feed 1 $N
{
    echo 'template(name="t_case" type="string" string="case %msg%\n")'
    conf_head snd
    conf_stats snd
    echo "module(load=\"$mod\" TLS.CAFILE=\"$CERTS/ca.pem\" TLS.PRIORITYSTRING=\"NORMAL:-VERS-ALL:+VERS-TLS1.2\")"
    echo 'module(load="imfile")'
    echo "input(type=\"imfile\" file=\"$T/input.txt\" tag=\"omtlstest:\" ruleset=\"load\")"
    echo 'ruleset(name="load") {'
    echo "  action(type=\"omtls\" NAME=\"casey\" TARGET=\"127.0.0.1\" PORT=\"$PORT\" TEMPLATE=\"t_case\""
    echo "         TLS.CERTFILE=\"$CERTS/client-cert.pem\" Tls.KeyFile=\"$CERTS/client-key.pem\")"
    echo '}'
} > "$T/snd.conf"
rsyslogd_check "$T/snd.conf" || fail "rsyslogd -N1 refused upper-case omtls parameters: $(cat "$T/check.out")"
start_rsyslogd snd "$T/snd.conf"
wait_for_count "$T/rcv.out" $N 30
wait_for_stat "$T/snd.stats" 'omtls\(casey\)' messages.sent $N 30
stop_rsyslogd snd
stop_rsyslogd rcv

seq_check "$T/rcv.out" 1 $N
bad=$(grep -vc '^case msgnum:[0-9]\{8\}:$' "$T/rcv.out")
[ "$bad" -eq 0 ] || fail "$bad message(s) not rendered by TEMPLATE=\"t_case\": $(grep -v '^case ' "$T/rcv.out" | head -n 1)"
assert_grep "$T/rcv.log" "session opened: peer 127\\.0\\.0\\.1:[0-9]+, subject 'CN=client\\.example\\.net', TLS1\\.2, "
assert_no_grep "$T/rcv.log" 'session opened.*TLS1\.3'
assert_grep "$T/snd.stats" '"name": *"omtls\(casey\)"'
echo "PASS: upper- and mixed-case omtls parameter names work, module defaults included"
