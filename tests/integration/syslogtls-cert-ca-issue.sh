#!/bin/sh
# syslogtls-cert ca and issue: a CA and certificates it issues, checked with
# certtool and openssl: openssl verify accepts them with the CA, each key
# is its certificate's, the names (NAME first, then --dns/--ip in order, an
# IP as NAME, a wildcard, --cn, --no-san), the usages per --client/--server,
# the dates (--days, --not-before/--not-after), key files mode 0600.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "$abs_top_srcdir/tests/integration/lib-syslogtls-cert.sh"
need_tool certtool openssl

run_sc ca --out "$T/pki" --cn "test CA"
assert_sc_status 0
[ -f "$T/pki/ca.pem" ] && [ -f "$T/pki/ca-key.pem" ] || fail "ca.pem / ca-key.pem not written: $(ls "$T/pki")"
[ "$(stat -c %a "$T/pki/ca-key.pem")" = 600 ] || fail "ca-key.pem is not mode 600"
[ "$(key_id_of_key "$T/pki/ca-key.pem")" = "$(key_id_of_cert "$T/pki/ca.pem")" ] || fail "CA key does not match"
cert_info "$T/pki/ca.pem"
grep -q 'Subject: CN=test CA$' "$T/info.txt" || fail "CA subject is not CN=test CA"
grep -q 'Certificate Authority (CA): TRUE' "$T/info.txt" || fail "the CA is not a CA"
grep -q 'Certificate signing' "$T/info.txt" || fail "the CA may not sign certificates"
[ "$(days_valid "$T/pki/ca.pem")" -eq 3650 ] || fail "CA default validity: $(days_valid "$T/pki/ca.pem") days"

# issue NAME-PREFIX ARGS...: issued by the CA into $T/pki, verified by openssl
# (with the options $verify_opts)
verify_opts=""
issue() {
    _p=$1
    shift
    run_sc issue --ca "$T/pki" --out "$T/pki" --prefix "$_p" "$@"
    assert_sc_status 0
    [ "$(stat -c %a "$T/pki/$_p-key.pem")" = 600 ] || fail "$_p-key.pem is not mode 600"
    [ "$(key_id_of_key "$T/pki/$_p-key.pem")" = "$(key_id_of_cert "$T/pki/$_p-cert.pem")" ] ||
        fail "$_p: the key is not the certificate's key"
    # shellcheck disable=SC2086
    openssl verify $verify_opts -CAfile "$T/pki/ca.pem" "$T/pki/$_p-cert.pem" > "$T/verify.out" 2>&1 ||
        fail "$_p: openssl verify refuses it: $(cat "$T/verify.out")"
    cert_info "$T/pki/$_p-cert.pem"
    grep -q 'Issuer: CN=test CA$' "$T/info.txt" || fail "$_p: issuer is not the CA"
    grep -q 'Certificate Authority (CA): FALSE' "$T/info.txt" || fail "$_p: an issued certificate is a CA"
}
# the SAN lines of the last cert_info, one a line
sans() {
    sed -n 's/^[[:space:]]*\(DNSname\|IPAddress\): \([^ ]*\).*/\1:\2/p' "$T/info.txt" | tr '\n' ' '
}

issue srv --name logs.example.net --dns alt.example.net --ip 127.0.0.1 --ip ::1 --server
[ "$(sans)" = "DNSname:logs.example.net DNSname:alt.example.net IPAddress:127.0.0.1 IPAddress:::1 " ] ||
    fail "srv: SANs are '$(sans)'"
grep -q 'Subject: CN=logs.example.net$' "$T/info.txt" || fail "srv: CN is not the name"
grep -q 'TLS WWW Server' "$T/info.txt" || fail "--server: no serverAuth"
grep -q 'TLS WWW Client' "$T/info.txt" && fail "--server: clientAuth too"
grep -q 'Digital signature' "$T/info.txt" || fail "srv: no digitalSignature key usage"
[ "$(days_valid "$T/pki/srv-cert.pem")" -eq 365 ] || fail "issue default validity: $(days_valid "$T/pki/srv-cert.pem") days"

issue cli --name client.example.net --client --days 10
grep -q 'TLS WWW Client' "$T/info.txt" || fail "--client: no clientAuth"
grep -q 'TLS WWW Server' "$T/info.txt" && fail "--client: serverAuth too"
[ "$(days_valid "$T/pki/cli-cert.pem")" -eq 10 ] || fail "--days 10: $(days_valid "$T/pki/cli-cert.pem") days"

issue both --name both.example
grep -q 'TLS WWW Client' "$T/info.txt" && grep -q 'TLS WWW Server' "$T/info.txt" || fail "neither flag: not both usages"

issue ip --name 127.0.0.2 --cn ipsan
[ "$(sans)" = "IPAddress:127.0.0.2 " ] || fail "an IP as NAME: SANs are '$(sans)'"
grep -q 'Subject: CN=ipsan$' "$T/info.txt" || fail "--cn ipsan not the subject"

issue wc --name '*.example.test'
[ "$(sans)" = 'DNSname:*.example.test ' ] || fail "wildcard: SANs are '$(sans)'"
grep -q 'Subject: CN=\*\.example\.test$' "$T/info.txt" || fail "wildcard: CN"

issue cn --name cn.example --no-san
grep -q 'Subject Alternative Name' "$T/info.txt" && fail "--no-san: there is a subjectAltName"
grep -q 'Subject: CN=cn.example$' "$T/info.txt" || fail "--no-san: CN"

verify_opts=-no_check_time # it expired in 2021
issue old --name old.example --not-before "2020-01-01 00:00:00" --not-after 2021-01-01
openssl x509 -in "$T/pki/old-cert.pem" -noout -startdate -enddate > "$T/dates.txt"
grep -qx 'notBefore=Jan  1 00:00:00 2020 GMT' "$T/dates.txt" || fail "--not-before: $(cat "$T/dates.txt")"
grep -qx 'notAfter=Jan  1 00:00:00 2021 GMT' "$T/dates.txt" || fail "--not-after: $(cat "$T/dates.txt")"
verify_opts=""

# a second CA under another prefix issues with --ca-prefix; the first CA refuses its certificates
run_sc ca --out "$T/pki" --prefix other-ca --cn "other CA"
assert_sc_status 0
[ -f "$T/pki/other-ca.pem" ] && [ -f "$T/pki/other-ca-key.pem" ] || fail "--prefix other-ca: $(ls "$T/pki")"
run_sc issue --ca "$T/pki" --ca-prefix other-ca --name rogue.example --out "$T/pki" --prefix rogue
assert_sc_status 0
openssl verify -CAfile "$T/pki/other-ca.pem" "$T/pki/rogue-cert.pem" >/dev/null 2>&1 || fail "other-ca's cert does not verify"
openssl verify -CAfile "$T/pki/ca.pem" "$T/pki/rogue-cert.pem" >/dev/null 2>&1 && fail "the first CA accepts other-ca's cert"

# issue with a CA directory that holds no CA: one line, exit 1
run_sc issue --ca "$T/nothing" --name x.example --out "$T/x"
assert_sc_status 1
[ "$(wc -l < "$T/sc.err")" -eq 1 ] && grep -q "cannot read '$T/nothing/ca.pem'" "$T/sc.err" ||
    fail "missing CA: $(cat "$T/sc.err")"
echo "PASS: ca and issue make verifiable certificates with the names, usages and dates asked for"
