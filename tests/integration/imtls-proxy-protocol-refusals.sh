#!/bin/sh
# proxyProtocol without a balancer in front:
#  - proxyProtocol="v2" trusting 127.0.0.1 only: a TLS sender connecting
#    straight from 127.0.1.9 is refused at accept (not a trusted source),
#    logged with its address; the trusted 127.0.0.1 sending a forged v1
#    header where only v2 is accepted is refused (proxy.invalid), and so is
#    a trusted sender that starts its TLS handshake without any header (no
#    fallback to the connection's own address); nothing is delivered;
#  - proxyProtocol="v1" on a plaintext loopback input: a message after a
#    valid v1 header carries the header's client address as %fromhost-ip%
#    and the connection's as $!metadata!proxy_peer; "PROXY UNKNOWN" (a
#    health check) is closed quietly and counted in proxy.healthchecks.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
imtls_only || skip "imtls behaviour only (TB_RECEIVER=imtcp)"
need_tool bash
gen_certs

start_imtls v2 'address="127.0.0.1"' 'proxyProtocol="v2"' 'proxyProtocol.trustedSources=["127.0.0.1", "10.0.0.0/8"]'
V2=$PORT

# Straight to the receiver from an untrusted address.
run_loader -n 5 --start 1 --source 127.0.1.9 --timeout 5000 && fail "the untrusted sender was not refused"
wait_for_grep "$T/v2.log" 'connection from 127\.0\.1\.9:[0-9]+ refused: not a trusted PROXY protocol source.*\(proxyProtocol="v2"\)'

# A trusted source, but a v1 header (forged: it claims 127.0.1.200) where only v2 is allowed.
printf 'PROXY TCP4 127.0.1.200 127.0.0.1 40000 %s\r\n<13>1 2026-01-01T00:00:00Z h t - - - msgnum:00000100: forged\n' "$V2" \
    | send_plain "$V2"
wait_for_grep "$T/v2.log" 'peer 127\.0\.0\.1:[0-9]+ refused: PROXY protocol v1 header, but only v2 is accepted'

# A trusted source that sends no header at all: its ClientHello is refused.
run_loader -n 5 --start 200 --timeout 5000 && fail "a sender without a PROXY header was not refused"
wait_for_grep "$T/v2.log" 'peer 127\.0\.0\.1:[0-9]+ refused: not a PROXY protocol header \(it starts with byte 0x16, a TLS handshake record'
wait_for_stat "$T/v2.stats" v2 proxy.invalid 2
wait_for_stat "$T/v2.stats" v2 sessions.refused 3
stop_rsyslogd v2
[ "$(_tb_lines "$T/v2.out")" -eq 0 ] || fail "a message got through: $(cat "$T/v2.out")"
[ "$(stat_value "$T/v2.stats" v2 sessions.opened)" -eq 0 ] || fail "a session was opened"
[ "$(stat_value "$T/v2.stats" v2 proxy.invalid)" -eq 2 ] || fail "proxy.invalid is not 2"

# v1 on a plaintext loopback input, with the balancer's address as metadata.
{ printf '%s\n' 'template(name="t_px" type="string" string="%fromhost-ip% [%$!metadata!proxy_peer%] %msg%\n")'
  OUT_TEMPLATE=t_px imtls_conf v1 'address="127.0.0.1"' 'tls="off"' 'framing="lf"' 'proxyProtocol="v1"' \
      'proxyProtocol.trustedSources="127.0.0.1"' 'tls.addPeerMetadata="on"' -tls.caFile -tls.certFile -tls.keyFile
} > "$T/v1.conf" || exit $?
start_rsyslogd v1 "$T/v1.conf" "$T/v1.port"
V1=$(port_of "$T/v1.port") || exit $?
printf 'PROXY UNKNOWN\r\n' | send_plain "$V1"
wait_for_stat "$T/v1.stats" v1 proxy.healthchecks 1
printf 'PROXY TCP4 192.0.2.77 127.0.0.1 5555 %s\r\n<13>1 2026-01-01T00:00:00Z h t - - - msgnum:00000001: via v1\n' "$V1" \
    | send_plain "$V1"
wait_for_count "$T/v1.out" 1
stop_rsyslogd v1
assert_grep "$T/v1.out" '^192\.0\.2\.77 \[127\.0\.0\.1\] msgnum:00000001: via v1$'
assert_grep "$T/v1.log" 'plaintext session opened: peer 192\.0\.2\.77:5555, through 127\.0\.0\.1:[0-9]+ \(PROXY protocol\)'
assert_no_grep "$T/v1.log" 'refused'
[ "$(stat_value "$T/v1.stats" v1 proxy.healthchecks)" -eq 1 ] || fail "proxy.healthchecks is not 1"
echo "PASS: untrusted source, v1 where v2 is required and a missing header refused; a v1 header's client address used"
