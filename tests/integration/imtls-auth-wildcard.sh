#!/bin/sh
# x509/name wildcard rules (RFC 5425 section 5.2, "*" matches one whole label):
# permittedPeer "*.example.net" accepts client.example.net but refuses
# host.wild.example.net; "*.net" and "*.other.net" refuse client.example.net.
# Each refusal is logged; each daemon serves a permitted client after it.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
need_tool gnutls-cli

printf '<13>1 2026-01-01T00:00:00Z tbhost badclient - - - must not arrive\n' > "$T/bad.in"

# refused CERT by a daemon NAME started with start_imtls
refused() {
    send_gnutls_cli "$PORT" "$2" < "$T/bad.in"
    if imtls_only; then
        wait_for_refusal "$1" 'refused: name mismatch'
    fi
}

start_imtls acc 'tls.permittedPeer=["*.example.net"]'
assert_serves_good_client acc client
refused acc wild
assert_serves_good_client acc client
stop_rsyslogd acc

for pattern in '*.net' '*.other.net'; do
    start_imtls n "tls.permittedPeer=[\"$pattern\", \"other.example.org\"]"
    refused n client
    assert_serves_good_client n client2
    stop_rsyslogd n
    assert_no_grep "$T/n.out" 'must not arrive'
    rm -f "$T/n.out" "$T/n.log"
done
assert_no_grep "$T/acc.out" 'must not arrive'
