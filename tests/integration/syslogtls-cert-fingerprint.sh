#!/bin/sh
# syslogtls-cert fingerprint: SHA256:AA:BB:... equal to certtool's
# fingerprint, --rfc gives sha-256:aa:bb:..., --hash sha1 gives SHA1:...;
# the runtime accepts both spellings as a permitted peer (tlslogger
# --permitted-peer against a real imtls).
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "$abs_top_srcdir/tests/integration/lib-syslogtls-cert.sh"
need_tool certtool
run_sc selfsigned --name fp.example --out "$T/c"
assert_sc_status 0
c=$T/c/cert.pem

# certtool's hex, reformatted: upper case, colon between pairs
want256="SHA256:$(certtool --fingerprint --hash sha256 --infile "$c" | tr -d ' \n' | tr a-f A-F | sed 's/../&:/g; s/:$//')"
want1="SHA1:$(certtool --fingerprint --hash sha1 --infile "$c" | tr -d ' \n' | tr a-f A-F | sed 's/../&:/g; s/:$//')"
echo "$want256" | grep -Eqx 'SHA256(:[0-9A-F]{2}){32}' || fail "certtool's fingerprint unusable: $want256"

run_sc fingerprint "$c"
assert_sc_status 0
[ "$(cat "$T/sc.out")" = "$want256" ] || fail "fingerprint: '$(cat "$T/sc.out")', certtool: '$want256'"
run_sc fingerprint --hash sha256 "$c"
[ "$(cat "$T/sc.out")" = "$want256" ] || fail "--hash sha256: '$(cat "$T/sc.out")'"
run_sc fingerprint --rfc "$c"
assert_sc_status 0
[ "$(cat "$T/sc.out")" = "$(echo "$want256" | sed 's/^SHA256/sha-256/' | tr A-F a-f)" ] ||
    fail "--rfc: '$(cat "$T/sc.out")'"
run_sc fingerprint --hash sha1 "$c"
assert_sc_status 0
[ "$(cat "$T/sc.out")" = "$want1" ] || fail "--hash sha1: '$(cat "$T/sc.out")', certtool: '$want1'"
run_sc fingerprint --hash sha1 --rfc "$c"
[ "$(cat "$T/sc.out")" = "$(echo "$want1" | sed 's/^SHA1/sha-1/' | tr A-F a-f)" ] || fail "--hash sha1 --rfc: '$(cat "$T/sc.out")'"

# a file that is not a certificate: one line, exit 1
echo "not a certificate" > "$T/junk.pem"
run_sc fingerprint "$T/junk.pem"
assert_sc_status 1
[ "$(wc -l < "$T/sc.err")" -eq 1 ] && grep -q "junk.pem" "$T/sc.err" || fail "junk: $(cat "$T/sc.err")"

# both spellings pin the server's certificate for the runtime (tlslogger -> imtls)
gen_certs
start_imtls receiver
PORT=$(port_of "$T/receiver.port") || exit $?
. "$abs_top_srcdir/tests/integration/lib-tlslogger.sh"
for form in "" --rfc; do
    run_sc fingerprint $form "$CERTS/server-cert.pem"
    assert_sc_status 0
    pin=$(cat "$T/sc.out")
    run_tlslogger --auth-mode x509/fingerprint --permitted-peer "$pin" "pinned by $pin" ||
        fail "tlslogger refused the pin $pin: $(cat "$T/tlslogger.err")"
    wait_for_grep "$T/receiver.out" "pinned by $pin"
done
stop_rsyslogd receiver
echo "PASS: fingerprint equals certtool's, in SHA256:/SHA1: and RFC 5425 spellings, and both pin a server"
