#!/bin/sh
# Oversized and overlong client certificate chains: a client certificate of
# about 105 KB (DER; 4,000 subjectAltNames, signed by the trusted CA) and a
# chain of depth 20 (leaf + 19 intermediates below the trusted CA, sent by
# openssl s_client -cert_chain). Each is
# tried 10 times against a live imtls while a well-behaved loader delivers
# every message. Both are refused during the handshake, with the reason in
# the log naming the peer ("certificate chain too long: 20 certificates
# presented (at most 16)" / "certificate chain too large: N bytes presented
# (at most 65536)"), checked before the chain is verified; the receiver's memory stays bounded (VmRSS growth across the 20
# attempts and VmHWM below the bounds below).
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "${abs_top_srcdir:-.}/tests/integration/lib-abuse.sh"
need_tool certtool openssl
imtls_only || skip "imtls behaviour only (TB_RECEIVER=imtcp)"

gen_certs
# depth 20: ca -> int1 -> ... -> int19 -> leaf, all ECDSA P-256
signer=$CERTS/ca.pem signer_key=$CERTS/ca-key.pem
i=1
while [ $i -le 20 ]; do
    name=int$i
    [ $i -lt 20 ] || name=deep
    certtool --generate-privkey --key-type=ecdsa --curve=secp256r1 --outfile "$CERTS/$name-key.pem" >/dev/null 2>&1 ||
        fail "certtool: key $name"
    {
        echo "serial = $((1000 + i))"
        echo "expiration_days = 30"
        echo "signing_key"
        if [ $i -lt 20 ]; then
            printf 'cn = "intermediate %d"\nca\ncert_signing_key\n' $i
        else
            printf 'cn = "client.example.net"\ndns_name = "client.example.net"\ntls_www_client\n'
        fi
    } > "$CERTS/$name.tmpl"
    certtool --generate-certificate --load-privkey "$CERTS/$name-key.pem" --load-ca-certificate "$signer" \
        --load-ca-privkey "$signer_key" --template "$CERTS/$name.tmpl" --outfile "$CERTS/$name-cert.pem" \
        >/dev/null 2>&1 || fail "certtool: certificate $name"
    signer=$CERTS/$name-cert.pem signer_key=$CERTS/$name-key.pem
    i=$((i + 1))
done
: > "$CERTS/deep-chain.pem"
i=19
while [ $i -ge 1 ]; do
    cat "$CERTS/int$i-cert.pem" >> "$CERTS/deep-chain.pem"
    i=$((i - 1))
done
[ "$(grep -c BEGIN "$CERTS/deep-chain.pem")" -eq 19 ] || fail "deep chain not 19 intermediates"
# about 105 KB: one leaf with 4,000 subjectAltNames
openssl ecparam -name prime256v1 -genkey -noout -out "$CERTS/big-key.pem" 2>/dev/null || fail "openssl: big key"
openssl req -new -key "$CERTS/big-key.pem" -subj /CN=client.example.net -out "$CERTS/big.csr" || fail "openssl: csr"
{
    printf 'subjectAltName=DNS:client.example.net'
    i=0
    while [ $i -lt 4000 ]; do printf ',DNS:host-%d.big.example.net' $i; i=$((i + 1)); done
    printf '\nextendedKeyUsage=clientAuth\n'
} > "$CERTS/big.ext"
openssl x509 -req -in "$CERTS/big.csr" -CA "$CERTS/ca.pem" -CAkey "$CERTS/ca-key.pem" -set_serial 777 -days 30 \
    -extfile "$CERTS/big.ext" -out "$CERTS/big-cert.pem" 2>/dev/null || fail "openssl: big certificate"
size=$(openssl x509 -in "$CERTS/big-cert.pem" -outform der | wc -c)
[ "$size" -ge 100000 ] || fail "big certificate only $size bytes"

start_imtls recv
pid=$(daemon_pid recv)
run_loader -n 100 --start 1 || fail "loader: $(cat "$T/loader.out")"  # warm-up: first session's allocations
wait_for_count "$T/recv.out" 100
rss0=$(rss_kb "$pid")
start_good good 101 5000
i=0
while [ $i -lt 10 ]; do
    # openssl sends the whole chain (a GnuTLS client sends at most 16)
    printf '<13>1 2026-01-01T00:00:00Z tbhost deep - - - msgnum:%08d:\n' $((900000 + i)) |
        send_openssl "$PORT" deep -cert_chain "$CERTS/deep-chain.pem" -msg
    cp "$T/openssl.out" "$T/deep.out"
    grep -q '>>> .*Certificate$' "$T/deep.out" || fail "openssl sent no certificate: $(cat "$T/deep.out")"
    abuse --mode good --count 1 --start $((910000 + i)) --cert "$CERTS/big-cert.pem" --key "$CERTS/big-key.pem"
    cp "$T/abuse.out" "$T/big.out"
    i=$((i + 1))
done
cat "$T/big.out"
rss1=$(rss_kb "$pid")
hwm=$(hwm_kb "$pid")
wait_bg good 60 || fail "loader alongside failed: $(cat "$T/good.stderr")"
echo "receiver VmRSS ${rss0} KiB before, ${rss1} KiB after 20 refused chains (+$((rss1 - rss0)) KiB), VmHWM ${hwm} KiB; big certificate $size bytes"
# a session holds at most one chain (about 105 KB DER plus its parse); 16 MiB
# of growth would be a chain kept per attempt or a leak
# (not under AddressSanitizer: its quarantine keeps freed memory, up to
# 256 MiB, and its shadow grows with it; the sanitizer checks the accesses)
if [ -z "${SYSLOGTLS_SANITIZER_PRELOAD:-}" ]; then
    [ $((rss1 - rss0)) -le 16384 ] || fail "receiver RSS grew by $((rss1 - rss0)) KiB"
    [ "$hwm" -le $((rss0 + 32768)) ] || fail "receiver VmHWM $hwm KiB (RSS before $rss0 KiB)"
fi
run_loader -n 1000 --start 5101 || fail "loader after the chains: $(cat "$T/loader.out")"
wait_for_count "$T/recv.out" 6100
stop_rsyslogd recv
out_range "$T/recv.out" 1 6100 > "$T/good.out"
seq_check "$T/good.out" 1 6100
assert_no_grep "$T/recv.out" 'msgnum:009[01]'
# Both kinds are refused with reason "certificate invalid"; the attempts
# alternate, so the first lines logged in each second hold both texts.
deep='peer 127\.0\.0\.1:[0-9]+ .*refused: certificate chain too long: 20 certificates'
big='peer 127\.0\.0\.1:[0-9]+ .*refused: certificate chain too large: [0-9]+ bytes'
assert_grep "$T/recv.log" "$deep"
assert_grep "$T/recv.log" "$big"
[ "$(refusal_lines recv "$deep|$big" 'certificate invalid')" -eq 20 ] ||
    fail "not 20 refusals of the deep chain and the big certificate with a reason"
