#!/bin/sh
# A bad renewal never takes imtls down: HUPs that find a corrupt key file, a
# key that does not match the certificate, and an already expired
# certificate each log one error naming the file and the reason, and leave
# the credentials in force: new clients still connect and still see the
# old certificate (a client pinning it is accepted). A HUP with unchanged
# files logs nothing; a renewal after it is logged once.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
need_tool gnutls-cli certtool openssl
imtls_only || skip "imtls behaviour only (TB_RECEIVER=imtcp)"

gen_extra_cert server2 localhost 3650 server
live_certs server
old_fp=$(cert_fp "$CERTS/server-cert.pem")
start_imtls recv tls.caFile="\"$T/live/ca.pem\"" tls.certFile="\"$T/live/cert.pem\"" \
    tls.keyFile="\"$T/live/key.pem\""
pinned_old() {
    run_loader -n 1 --start "$1" --auth x509/fingerprint --peer "$old_fp" ||
        fail "the old certificate is no longer served after $2: $(cat "$T/loader.out")"
    wait_for_grep "$T/recv.out" "msgnum:0*$1:"
}
kept="the current certificates stay in force"

# 1. corrupt key
printf 'not a key\n' > "$T/bad-key.pem"
swap_file "$T/bad-key.pem" "$T/live/key.pem"
hup_and_wait recv "reload \(HUP\) of tls.keyFile failed: .*$T/live/key.pem.*; $kept"
assert_serves_good_client recv
pinned_old 1 "a corrupt key"

# 2. a valid key that belongs to another certificate
swap_file "$CERTS/server2-key.pem" "$T/live/key.pem"
hup_and_wait recv "reload \(HUP\) of tls.keyFile failed: .*key.pem. does not match certificate file .*cert.pem.; $kept"
assert_serves_good_client recv
pinned_old 2 "a key that does not match"

# 3. an expired certificate with its own key
swap_file "$CERTS/expired-cert.pem" "$T/live/cert.pem"
swap_file "$CERTS/expired-key.pem" "$T/live/key.pem"
hup_and_wait recv "reload \(HUP\) of tls.certFile, tls.keyFile failed: the certificate in tls.certFile '$T/live/cert.pem' expired on 2021-01-01 00:00:00 UTC; $kept"
assert_serves_good_client recv
pinned_old 3 "an expired certificate"

# 4. the original files again (the contents in force: nothing to say), a
# HUP, then a renewal of the certificate alone (same key, so one atomic
# replacement) and another HUP. The reloads run on the watcher thread after
# each HUP and may find either state: in every order exactly one "reloaded"
# line names the renewed certificate, and no error appears.
openssl req -new -key "$CERTS/server-key.pem" -subj "/CN=localhost" -out "$T/renewed.csr" 2>/dev/null &&
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth,clientAuth\n' \
        > "$T/renewed.ext" &&
    openssl x509 -req -in "$T/renewed.csr" -CA "$CERTS/ca.pem" -CAkey "$CERTS/ca-key.pem" -set_serial 4242 \
        -days 3650 -extfile "$T/renewed.ext" -out "$T/renewed-cert.pem" 2>/dev/null ||
    fail "cannot make the renewed certificate"
new_fp=$(cert_fp "$T/renewed-cert.pem")
swap_file "$CERTS/server-cert.pem" "$T/live/cert.pem"
swap_file "$CERTS/server-key.pem" "$T/live/key.pem"
# rsyslogd's status line of the first HUP is written after its doHUP calls
# returned (and, from 8.2312 on, its HUP flag was cleared), so the second
# HUP cannot be folded into the first
hup_and_wait recv "rsyslogd was HUPed"
swap_file "$T/renewed-cert.pem" "$T/live/cert.pem"
kill -HUP "$(cat "$T/recv.pid")"
wait_for_grep "$T/recv.log" "reloaded tls\.certFile \(HUP\): certificate $new_fp"
stop_rsyslogd recv
[ "$(count_grep "$T/recv.log" "reload \(HUP\).* failed")" -eq 3 ] || fail "not one error per bad HUP"
[ "$(count_grep "$T/recv.log" "reloaded tls\.")" -eq 1 ] ||
    fail "not exactly one reload line (a HUP with unchanged files must log nothing)"
echo "PASS: corrupt key, mismatching key and expired certificate refused at HUP; the old certificate kept serving; an unchanged HUP silent"
