#!/bin/sh
# tls.expiryWarningDays (default 30): an input whose own certificate is
# valid 5 more days warns at start and reports cert.expiresInDays 4 or 5;
# a client certificate valid 5 days is warned about at its first session
# only (once per certificate per day), with the peer's address. An input
# with a 10-year certificate, and clients with 10-year certificates, give
# no warning; its gauge is 3649 or 3650. The short input's key file has
# mode 0644: that is warned about at start, naming the file and the mode.
# An input whose own certificate has expired still starts (as before) and
# warns, even with tls.expiryWarningDays="0".
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
need_tool gnutls-cli certtool openssl
imtls_only || skip "imtls behaviour only (TB_RECEIVER=imtcp)"

gen_extra_cert short localhost 5 server
gen_extra_cert shortcl shortcl.example.net 5 client
short_fp=$(cert_fp "$CERTS/short-cert.pem")
cl_fp=$(cert_fp "$CERTS/shortcl-cert.pem")

cp "$CERTS/short-key.pem" "$T/loose-key.pem" && chmod 644 "$T/loose-key.pem" || fail "cannot copy the key"
start_imtls short tls.certFile="\"$CERTS/short-cert.pem\"" tls.keyFile="\"$T/loose-key.pem\""
wait_for_grep "$T/short.log" "^warning .*imtls: input 'short': tls\.keyFile '$T/loose-key\.pem' is readable by group or others \(mode 0644\)"
wait_for_grep "$T/short.log" "imtls: input 'short': own certificate 'CN=localhost' \($short_fp, tls\.certFile '$CERTS/short-cert.pem'\) expires in [45] day\(s\), on .* UTC \(tls\.expiryWarningDays=30\)"
wait_for_stat "$T/short.stats" short submitted 0
d=$(stat_value "$T/short.stats" short cert.expiresInDays)
[ "$d" = 4 ] || [ "$d" = 5 ] || fail "cert.expiresInDays = '$d', expected 4 or 5"
assert_serves_good_client short shortcl
assert_serves_good_client short shortcl
assert_serves_good_client short client
stop_rsyslogd short
n=$(count_grep "$T/short.log" "peer 127\.0\.0\.1:[0-9]+ certificate 'CN=shortcl\.example\.net' \($cl_fp\) expires in [45] day\(s\)")
[ "$n" -eq 1 ] || fail "$n peer expiry warnings for shortcl, expected 1 (two sessions, once a day)"
[ "$(count_grep "$T/short.log" "^warning .*expires in")" -eq 2 ] || fail "other expiry warnings than own + shortcl"

start_imtls long
wait_for_grep "$T/long.log" "imtls: input 'long': own certificate subject 'CN=localhost', fingerprint SHA256:"
assert_serves_good_client long client
wait_for_stat "$T/long.stats" long submitted 1
d=$(stat_value "$T/long.stats" long cert.expiresInDays)
[ "$d" = 3649 ] || [ "$d" = 3650 ] || fail "cert.expiresInDays = '$d', expected 3649 or 3650"
stop_rsyslogd long
assert_no_grep "$T/long.log" "expires in|expired on"
assert_no_warning "$T/long.log"
start_imtls old tls.certFile="\"$CERTS/expired-cert.pem\"" tls.keyFile="\"$CERTS/expired-key.pem\"" \
    'tls.expiryWarningDays="0"'
wait_for_grep "$T/old.log" "^warning .*imtls: input 'old': own certificate 'CN=client\.example\.net' \(SHA256:[0-9A-F:]*, tls\.certFile '$CERTS/expired-cert\.pem'\) expired on 2021-01-01 00:00:00 UTC"
stop_rsyslogd old
echo "PASS: 5-day certificates warned about (own: $d days on the long one), 10-year ones not"
