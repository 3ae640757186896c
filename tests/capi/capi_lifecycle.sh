#!/bin/sh
# capi_lifecycle.sh - certificate lifecycle through the C API: the facts
# syslogtls_cert_list_* reads from PEM files agree with certtool; revoked
# peers (a CRL made here by certtool) are refused by serial in both roles; a
# running server's TLS config is swapped, also while clients connect.
. "${abs_top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/capi/lib-capi.sh"
prog="$builddir/tests/capi/capi_lifecycle"
# certtool makes the CRL and is the independent reader of the certificates.
capi_need_tool certtool
capi_pki capi_lifecycle

fail=0
# expect WHAT HAVE WANT
expect() {
    if [ "$2" = "$3" ]; then
        echo "ok: $1: $2"
    else
        echo "FAIL: $1: library says '$2', certtool says '$3'"
        fail=1
    fi
}

# The value of "I KEY=" in the facts output.
fact() { sed -n "s/^$2 $3=//p" "$1"; }

# certtool's view of one certificate file.
ct_info() { certtool -i --infile "$1"; }
ct_fp() { certtool --fingerprint --hash "$2" --infile "$1" | tr a-f A-F | sed 's/../&:/g; s/:$//'; }
ct_serial() { ct_info "$1" | sed -n 's/^[[:space:]]*Serial Number (hex): //p' | sed 's/^\(00\)*\(..\)/\2/' | sed 's/^/0x/'; }
ct_date() { date -u -d "$(ct_info "$1" | sed -n "s/^[[:space:]]*$2: //p")" +%s; }
ct_field() { ct_info "$1" | sed -n "s/^[[:space:]]*$2: //p" | head -n 1; }
ct_is_ca() { if ct_info "$1" | grep -q 'Certificate Authority (CA): TRUE'; then echo 1; else echo 0; fi; }

# A chain file (own certificate, then the CA) and the CA file alone.
cat "$dir/client-cert.pem" "$dir/ca.pem" > "$dir/chain.pem"
"$prog" facts "$dir/chain.pem" > "$dir/chain.facts" || { echo "FAIL: facts of the chain file"; cat "$dir/chain.facts"; exit 1; }
"$prog" facts "$dir/ca.pem" > "$dir/ca.facts" || { echo "FAIL: facts of the CA file"; cat "$dir/ca.facts"; exit 1; }
expect "chain: count" "$(sed -n 's/^count=//p' "$dir/chain.facts")" 2
expect "CA file: count" "$(sed -n 's/^count=//p' "$dir/ca.facts")" 1
i=0
for f in client-cert.pem ca.pem; do
    facts=$dir/chain.facts
    expect "$f: subject" "$(fact "$facts" $i subject)" "$(ct_field "$dir/$f" Subject)"
    expect "$f: issuer" "$(fact "$facts" $i issuer)" "$(ct_field "$dir/$f" Issuer)"
    expect "$f: SHA-256 fingerprint" "$(fact "$facts" $i sha256)" "SHA256:$(ct_fp "$dir/$f" sha256)"
    expect "$f: SHA-1 fingerprint" "$(fact "$facts" $i sha1)" "SHA1:$(ct_fp "$dir/$f" sha1)"
    expect "$f: serial" "$(fact "$facts" $i serial)" "$(ct_serial "$dir/$f")"
    expect "$f: notBefore" "$(fact "$facts" $i not_before)" "$(ct_date "$dir/$f" 'Not Before')"
    expect "$f: notAfter" "$(fact "$facts" $i not_after)" "$(ct_date "$dir/$f" 'Not After')"
    expect "$f: notAfter as a date" "$(fact "$facts" $i not_after_utc)" \
        "$(date -u -d "@$(ct_date "$dir/$f" 'Not After')" '+%Y-%m-%d %H:%M:%S UTC')"
    expect "$f: CA" "$(fact "$facts" $i is_ca)" "$(ct_is_ca "$dir/$f")"
    i=$((i + 1))
done
expect "CA file: fingerprint" "$(fact "$dir/ca.facts" 0 sha256)" "SHA256:$(ct_fp "$dir/ca.pem" sha256)"
expect "CA file: CA" "$(fact "$dir/ca.facts" 0 is_ca)" 1

# A CRL of the test CA revoking the client and the server certificate.
cat "$dir/client-cert.pem" "$dir/server-cert.pem" > "$dir/revoked.pem"
printf 'crl_next_update = 30\ncrl_number = 1\n' > "$dir/crl.tmpl"
certtool --generate-crl --load-ca-certificate "$dir/ca.pem" --load-ca-privkey "$dir/ca-key.pem" \
    --load-certificate "$dir/revoked.pem" --template "$dir/crl.tmpl" --outfile "$dir/crl.pem" >/dev/null 2>&1 \
    || { echo "FAIL: certtool --generate-crl"; exit 1; }
for f in client-cert.pem server-cert.pem; do
    certtool --crl-info --infile "$dir/crl.pem" | grep -qi "Serial Number (hex): *$(ct_info "$dir/$f" \
        | sed -n 's/^[[:space:]]*Serial Number (hex): //p')" || { echo "FAIL: the CRL does not list $f"; exit 1; }
done

"$prog" run "$dir" || fail=1
[ "$fail" -eq 0 ] && echo "PASS" || echo "FAIL"
exit "$fail"
