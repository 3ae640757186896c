#!/bin/sh
# RFC 5425 section 5.2: omtls converts an internationalised server name to
# its A-label before it checks the certificate (and sends it as SNI). An
# imtls receiver presents a certificate whose only name is DNS
# xn--bcher-kva.example; omtls with target="127.0.0.1" and
# tls.serverName="bücher.example" (UTF-8 in the config) accepts it and
# every message arrives; the same receiver is refused for
# tls.serverName="buecher.example" (name mismatch, nothing delivered).
# tls.permittedPeer="bücher.example" on omtls works the same way, and an
# invalid internationalised tls.permittedPeer is an rsyslogd -N1 error
# naming the parameter, as is an invalid internationalised target or
# tls.serverName.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "$abs_top_srcdir/tests/integration/lib-omtls.sh"
omtls_needs_omtls
gen_certs

start_imtls idnrcv "tls.certFile=\"$CERTS/idn-cert.pem\"" "tls.keyFile=\"$CERTS/idn-key.pem\""
RPORT=$PORT

# 1. tls.serverName as U-label
omtls_feed 1 50
omtls_sender_conf snd "$(omtls_action target=127.0.0.1 port="$RPORT" tls.serverName=bücher.example \
    $(omtls_client_tls))"
start_rsyslogd snd "$T/snd.conf"
wait_for_count "$T/idnrcv.out" 50 20
wait_for_stat "$T/snd.stats" omtls messages.sent 50 10
stop_rsyslogd snd
seq_check "$T/idnrcv.out" 1 50
assert_grep "$T/snd.log" "omtls: connected to 127\\.0\\.0\\.1 \\(127\\.0\\.0\\.1:$RPORT\\), TLS.*subject 'CN=xn--bcher-kva\\.example'"
[ "$(omtls_stat snd handshake.failed)" -eq 0 ] || fail "handshake.failed is not 0 toward bücher.example"

# 2. tls.permittedPeer as U-label (the server name is then not checked)
rm -f "$T/input.txt"
omtls_feed 51 60
omtls_sender_conf pp "$(omtls_action target=127.0.0.1 port="$RPORT" 'tls.permittedPeer=["bücher.example"]' \
    $(omtls_client_tls))"
start_rsyslogd pp "$T/pp.conf"
wait_for_count "$T/idnrcv.out" 60 20
stop_rsyslogd pp
seq_check "$T/idnrcv.out" 1 60
[ "$(omtls_stat pp handshake.failed)" -eq 0 ] || fail "handshake.failed is not 0 with permittedPeer bücher.example"
stop_rsyslogd idnrcv
rm -f "$T/input.txt"

# 3. another name for the same certificate is refused
omtls_refusal_case idn '' 'name mismatch: certificate names \[DNS:xn--bcher-kva\.example\] match none of the permitted peers \[buecher\.example\]' \
    "subject 'CN=xn--bcher-kva\\.example'" $(omtls_client_tls) tls.serverName=buecher.example

# 4. an invalid internationalised permitted peer is a configuration error
omtls_sender_conf chk "$(omtls_action target=127.0.0.1 port=6514 'tls.permittedPeer=["-bücher.example"]' \
    $(omtls_client_tls))"
if rsyslogd_check "$T/chk.conf"; then
    fail "rsyslogd -N1 accepted an invalid internationalised tls.permittedPeer"
fi
assert_grep "$T/check.out" "parameter 'tls\\.permittedPeer': permitted peer '-bücher\\.example': not a valid internationali[sz]ed domain name"
# ... and so is an invalid internationalised target or tls.serverName
# check_bad PARAM ACTION_ARG...: -N1 refuses the action, naming PARAM
check_bad() {
    _param=$1
    shift
    omtls_sender_conf chk "$(omtls_action port=6514 "$@" $(omtls_client_tls))"
    if rsyslogd_check "$T/chk.conf"; then
        fail "rsyslogd -N1 accepted an invalid internationalised $_param"
    fi
    assert_grep "$T/check.out" "parameter '$_param': '-bücher\\.example': not a valid internationali[sz]ed domain name"
}
check_bad target target=-bücher.example
check_bad tls.serverName target=127.0.0.1 tls.serverName=-bücher.example
echo "PASS: omtls matches bücher.example as xn--bcher-kva.example; other names refused; invalid IDN is a config error"
