#!/bin/sh
# syslogtls-cert check: exit 0 and "accepted:" for a good set (with and
# without --name, with a CRL that does not list the certificate); exit 1
# and a FAIL: line naming the problem for a wrong CA, a key of another
# certificate, an expired certificate, a wrong or malformed name (a
# wildcard certificate matches with a warning), a revoked certificate
# (CRL made by certtool) and a key file of mode 0644.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "$abs_top_srcdir/tests/integration/lib-syslogtls-cert.sh"
need_tool certtool openssl
p=$T/pki
run_sc ca --out "$p" --cn "check CA" && assert_sc_status 0
run_sc ca --out "$p" --prefix other-ca --cn "other CA" && assert_sc_status 0
run_sc issue --ca "$p" --name good.example --ip 192.0.2.7 --out "$p" --prefix good && assert_sc_status 0
run_sc issue --ca "$p" --name second.example --out "$p" --prefix second && assert_sc_status 0
run_sc issue --ca "$p" --name old.example --not-before 2020-01-01 --not-after 2021-01-01 --out "$p" --prefix old &&
    assert_sc_status 0

# check_ok ARGS...: exit 0, last line accepted:, no FAIL line
check_ok() {
    run_sc check "$@"
    assert_sc_status 0
    tail -n 1 "$T/sc.out" | grep -q '^accepted: imtls and omtls would accept this set$' ||
        fail "'check $*': last line: $(tail -n 1 "$T/sc.out")"
    grep -q '^FAIL' "$T/sc.out" && fail "'check $*' accepted with a FAIL line: $(cat "$T/sc.out")"
    [ -s "$T/sc.err" ] && fail "'check $*' wrote to stderr: $(cat "$T/sc.err")"
    return 0
}
# check_refused REGEX ARGS...: exit 1, a FAIL: line matching REGEX (-E), last line refused:
check_refused() {
    _re=$1
    shift
    run_sc check "$@"
    assert_sc_status 1
    grep -Eq -- "^FAIL: $_re" "$T/sc.out" || fail "'check $*': no FAIL line /$_re/: $(cat "$T/sc.out")"
    tail -n 1 "$T/sc.out" | grep -q '^refused: ' || fail "'check $*': last line: $(tail -n 1 "$T/sc.out")"
}
good="--ca $p/ca.pem --cert $p/good-cert.pem --key $p/good-key.pem"

# shellcheck disable=SC2086
{
check_ok $good
grep -q '^ok: names: \[DNS:good.example, IP:192.0.2.7\]' "$T/sc.out" || fail "names not listed: $(cat "$T/sc.out")"
grep -q '^ok: chain: ' "$T/sc.out" && grep -q '^ok: validity: ' "$T/sc.out" && grep -q '^ok: key file mode: 0600' "$T/sc.out" ||
    fail "a finding is missing: $(cat "$T/sc.out")"
check_ok $good --name good.example
grep -q "^ok: name: 'good.example' matches the certificate names \[DNS:good.example, IP:192.0.2.7\]\$" "$T/sc.out" ||
    fail "--name: $(cat "$T/sc.out")"
check_ok $good --name GOOD.example.
check_ok $good --name 192.0.2.7
grep -q "^ok: name: '192.0.2.7' matches the certificate names " "$T/sc.out" || fail "--name IP: $(cat "$T/sc.out")"
# a wildcard certificate: accepted, with the warning that some refuse it
run_sc issue --ca "$p" --name '*.wild.example' --out "$p" --prefix wild && assert_sc_status 0
check_ok --ca "$p/ca.pem" --cert "$p/wild-cert.pem" --key "$p/wild-key.pem" --name a.wild.example
grep -q "^ok: name: 'a.wild.example' matches only through a wildcard name of \[DNS:\*.wild.example\] (refused where tls.acceptWildcardCertificates=\"off\")\$" \
    "$T/sc.out" || fail "wildcard --name: $(cat "$T/sc.out")"

# a CRL of the CA that lists another certificate
printf 'crl_next_update = 30\ncrl_number = 1\n' > "$T/crl.tmpl"
certtool --generate-crl --load-ca-certificate "$p/ca.pem" --load-ca-privkey "$p/ca-key.pem" \
    --load-certificate "$p/second-cert.pem" --template "$T/crl.tmpl" --outfile "$T/second.crl" >/dev/null 2>&1 ||
    fail "certtool cannot make a CRL"
check_ok $good --crl "$T/second.crl"
grep -q '^ok: revocation: serial 0x[0-9a-fA-F]* is not listed' "$T/sc.out" || fail "CRL: $(cat "$T/sc.out")"

# wrong CA
check_refused "chain: certificate not trusted: issuer not found among the CA certificates of '$p/other-ca.pem'" \
    --ca "$p/other-ca.pem" --cert "$p/good-cert.pem" --key "$p/good-key.pem"
# the key of another certificate
check_refused "private key file: private key file '$p/second-key.pem' does not match certificate file '$p/good-cert.pem'" \
    --ca "$p/ca.pem" --cert "$p/good-cert.pem" --key "$p/second-key.pem"
# expired
check_refused "validity: certificate expired on 2021-01-01 00:00:00 UTC" \
    --ca "$p/ca.pem" --cert "$p/old-cert.pem" --key "$p/old-key.pem"
# wrong name
check_refused "name: name mismatch: certificate names \[DNS:good.example, IP:192.0.2.7\] do not match 'bad.example'" \
    $good --name bad.example
check_refused "name: name mismatch" $good --name 192.0.2.8
check_refused "name: name mismatch: certificate names \[DNS:\*.wild.example\] do not match 'a.b.wild.example'" \
    --ca "$p/ca.pem" --cert "$p/wild-cert.pem" --key "$p/wild-key.pem" --name a.b.wild.example
# not a host name: the words of tls.permittedPeer
check_refused "name: 'f\*o.good.example': wildcard '\*' is allowed only as the whole left-most label" \
    $good --name 'f*o.good.example'
# revoked: the CRL lists it
certtool --generate-crl --load-ca-certificate "$p/ca.pem" --load-ca-privkey "$p/ca-key.pem" \
    --load-certificate "$p/good-cert.pem" --template "$T/crl.tmpl" --outfile "$T/good.crl" >/dev/null 2>&1 ||
    fail "certtool cannot make a CRL"
serial=$(openssl x509 -in "$p/good-cert.pem" -noout -serial | sed 's/^serial=//' | tr A-F a-f)
check_refused "revocation: certificate revoked \(serial 0x$serial\)" $good --crl "$T/good.crl"
# a key file others can read
chmod 644 "$p/good-key.pem"
check_refused "key file mode: '$p/good-key.pem' has mode 0644" $good
chmod 600 "$p/good-key.pem"
check_ok $good
}

# a missing file: the runtime's words, exit 1
check_refused "CA file: .*$T/none.pem" --ca "$T/none.pem" --cert "$p/good-cert.pem" --key "$p/good-key.pem"
echo "PASS: check accepts a good set and names each broken one (CA, key, expiry, name, revocation, key mode)"
