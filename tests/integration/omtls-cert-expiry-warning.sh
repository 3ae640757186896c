#!/bin/sh
# tls.expiryWarningDays on omtls: a server certificate valid 5 more days is
# warned about when omtls connects (naming the target, the subject and the
# fingerprint), once although omtls connects twice (rebindInterval); the
# action's own 10-year client certificate gives no warning, its
# cert.expiresInDays gauge is 3649 or 3650. With tls.expiryWarningDays="0"
# nothing is warned about.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "$abs_top_srcdir/tests/integration/lib-omtls.sh"
omtls_needs_omtls
imtls_only || skip "the receiver runs imtls with a 5-day certificate (TB_RECEIVER=imtcp)"
need_tool certtool openssl

gen_extra_cert short localhost 5 server
fp=$(cert_fp "$CERTS/short-cert.pem")
start_imtls rcv 'address="127.0.0.1"' tls.certFile="\"$CERTS/short-cert.pem\"" \
    tls.keyFile="\"$CERTS/short-key.pem\""
omtls_sender_conf snd "$(omtls_action target=127.0.0.1 port="$PORT" $(omtls_client_tls) rebindInterval=5)"
start_rsyslogd snd "$T/snd.conf"
omtls_feed 1 5
omtls_wait_msgnum "$T/rcv.out" 5 30
omtls_feed 6 10
omtls_wait_msgnum "$T/rcv.out" 10 30
wait_for_stat "$T/snd.stats" omtls connects 2
d=$(omtls_stat snd cert.expiresInDays)
[ "$d" = 3649 ] || [ "$d" = 3650 ] || fail "cert.expiresInDays = '$d', expected 3649 or 3650"
stop_rsyslogd snd
n=$(count_grep "$T/snd.log" "^warning .*omtls: action '127\.0\.0\.1': peer target '127\.0\.0\.1' certificate 'CN=localhost' \($fp\) expires in [45] day\(s\), on .* UTC")
[ "$n" -eq 1 ] || fail "$n server certificate expiry warnings, expected 1"
[ "$(count_grep "$T/snd.log" "expires in|expired on")" -eq 1 ] || fail "other expiry warnings"

omtls_sender_conf snd0 "$(omtls_action target=127.0.0.1 port="$PORT" $(omtls_client_tls) tls.expiryWarningDays=0)"
start_rsyslogd snd0 "$T/snd0.conf"
omtls_feed 11 12
omtls_wait_msgnum "$T/rcv.out" 12 30
stop_rsyslogd snd0
stop_rsyslogd rcv
assert_no_grep "$T/snd0.log" "expires in|expired on"
echo "PASS: the 5-day server certificate warned about once; no warning for 10-year certificates or with tls.expiryWarningDays=0"
