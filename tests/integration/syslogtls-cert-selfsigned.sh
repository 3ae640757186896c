#!/bin/sh
# syslogtls-cert selfsigned: a key and a self-signed certificate, checked
# with certtool and openssl: the key is the certificate's, the names and the
# --days are in it, it verifies against itself, the key file has mode 0600;
# --key-type rsa makes an RSA key.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "$abs_top_srcdir/tests/integration/lib-syslogtls-cert.sh"
need_tool certtool openssl

run_sc selfsigned --name host.example.com --ip 192.0.2.1 --days 30 --out "$T/self"
assert_sc_status 0
[ -f "$T/self/key.pem" ] && [ -f "$T/self/cert.pem" ] || fail "key.pem / cert.pem not written: $(ls "$T/self")"
[ "$(stat -c %a "$T/self/key.pem")" = 600 ] || fail "key.pem has mode $(stat -c %a "$T/self/key.pem"), expected 600"

kid=$(key_id_of_key "$T/self/key.pem")
[ -n "$kid" ] || fail "certtool printed no public key id for key.pem"
[ "$kid" = "$(key_id_of_cert "$T/self/cert.pem")" ] || fail "the key is not the certificate's key"

cert_info "$T/self/cert.pem"
grep -q 'Subject: CN=host.example.com$' "$T/info.txt" || fail "subject is not CN=host.example.com"
grep -q 'Issuer: CN=host.example.com$' "$T/info.txt" || fail "not self-signed"
grep -q 'DNSname: host.example.com$' "$T/info.txt" || fail "no SAN DNS:host.example.com"
grep -q 'IPAddress: 192.0.2.1$' "$T/info.txt" || fail "no SAN IP:192.0.2.1"
grep -q 'EC/ECDSA' "$T/info.txt" || fail "the default key is not ECDSA"
grep -q 'SECP256R1' "$T/info.txt" || fail "the default curve is not P-256"
grep -q 'TLS WWW Server' "$T/info.txt" && grep -q 'TLS WWW Client' "$T/info.txt" ||
    fail "without --client/--server the certificate is not for both"
[ "$(days_valid "$T/self/cert.pem")" -eq 30 ] || fail "--days 30: valid $(days_valid "$T/self/cert.pem") days"
openssl verify -CAfile "$T/self/cert.pem" "$T/self/cert.pem" > "$T/verify.out" 2>&1 ||
    fail "openssl does not verify it against itself: $(cat "$T/verify.out")"
certtool --verify --load-ca-certificate "$T/self/cert.pem" --infile "$T/self/cert.pem" > "$T/gverify.out" 2>&1 ||
    fail "GnuTLS does not verify it against itself: $(cat "$T/gverify.out")"
# the two lines on stdout name the files
grep -q "^$T/self/key.pem: private key (ECDSA P-256, mode 0600)\$" "$T/sc.out" || fail "stdout: $(cat "$T/sc.out")"
grep -q "^$T/self/cert.pem: certificate 'CN=host.example.com'" "$T/sc.out" || fail "stdout: $(cat "$T/sc.out")"

# default validity: 365 days
run_sc selfsigned --name d.example --out "$T/d"
assert_sc_status 0
[ "$(days_valid "$T/d/cert.pem")" -eq 365 ] || fail "default: valid $(days_valid "$T/d/cert.pem") days, expected 365"

# RSA, server only, with --prefix
run_sc selfsigned --name rsa.example --key-type rsa --server --out "$T/r" --prefix web
assert_sc_status 0
cert_info "$T/r/web-cert.pem"
grep -q 'Public Key Algorithm: RSA' "$T/info.txt" || fail "--key-type rsa: not an RSA key"
grep -q 'TLS WWW Server' "$T/info.txt" || fail "--server: no serverAuth"
grep -q 'TLS WWW Client' "$T/info.txt" && fail "--server: clientAuth too"
[ "$(key_id_of_key "$T/r/web-key.pem")" = "$(key_id_of_cert "$T/r/web-cert.pem")" ] || fail "RSA key does not match"
[ "$(stat -c %a "$T/r/web-key.pem")" = 600 ] || fail "web-key.pem is not mode 600"

# existing files are not overwritten
cp "$T/self/cert.pem" "$T/before.pem"
run_sc selfsigned --name other.example --out "$T/self"
assert_sc_status 1
[ "$(wc -l < "$T/sc.err")" -eq 1 ] || fail "not one line: $(cat "$T/sc.err")"
grep -q "key.pem' exists" "$T/sc.err" || fail "the line does not say the file exists: $(cat "$T/sc.err")"
cmp -s "$T/self/cert.pem" "$T/before.pem" || fail "cert.pem was overwritten"
echo "PASS: selfsigned makes a matching key (0600) and a self-signed certificate with the names and days asked for"
