#!/bin/sh
# tls.serverName is also omtls's default permitted peer: with
# target="127.0.0.1" tls.serverName="logs.example.com" the server
# certificate is checked against logs.example.com, not against the target IP.
#  1. a certificate for logs.example.com without any IP SAN is accepted and
#     every message arrives;
#  2. the same certificate with tls.permittedPeer naming another host is
#     refused (an explicit tls.permittedPeer overrides the server name);
#  3. the standard test server certificate (CN=localhost, SAN IP:127.0.0.1,
#     so it matches the target IP) is refused: it does not name
#     logs.example.com.
# Refusals: a name-mismatch reason naming the target and its IP:port is
# logged, handshake.failed grows, nothing arrives, nothing counts as sent.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "$abs_top_srcdir/tests/integration/lib-omtls.sh"
omtls_needs_omtls
need_tool openssl
gen_certs

# refused RCV SND CERT ACTION_ARG...: receiver RCV (rsyslog's imtcp + gtls
# with server certificate CERT), sender SND with the omtls action toward it;
# asserts the refusal and stops both.
refused() {
    _r=$1 _s=$2 _c=$3
    shift 3
    omtls_receiver_imtcp_conf "$_r" 0 gtls '' "$_c"
    start_rsyslogd "$_r" "$T/$_r.conf" "$T/$_r.port"
    _p=$(port_of "$T/$_r.port") || exit $?
    rm -f "$T/input.txt"
    omtls_feed 1 10
    omtls_sender_conf "$_s" "$(omtls_action target=127.0.0.1 port="$_p" tls.handshakeTimeout=5 connectTimeout=5 \
        queue.type=LinkedList action.resumeRetryCount=-1 action.resumeInterval=1 $(omtls_client_tls) "$@")"
    start_rsyslogd "$_s" "$T/$_s.conf"
    wait_for_stat "$T/$_s.stats" omtls handshake.failed 2 20
    assert_grep "$T/$_s.log" "target '127\\.0\\.0\\.1' port $_p.*127\\.0\\.0\\.1:$_p.*name mismatch"
    [ -s "$T/$_r.out" ] && fail "$_s: messages were delivered to a server whose certificate does not match"
    [ "$(omtls_stat "$_s" messages.sent)" -eq 0 ] ||
        fail "$_s: $(omtls_stat "$_s" messages.sent) messages counted as sent to a refused server"
    stop_rsyslogd "$_s"
    stop_rsyslogd "$_r"
}

dns_only_server_cert logs logs.example.com

# 1. serverName names the certificate: accepted although the target is an IP
omtls_receiver_imtcp_conf rcv 0 gtls '' logs
start_rsyslogd rcv "$T/rcv.conf" "$T/rcv.port"
PORT=$(port_of "$T/rcv.port") || exit $?
omtls_feed 1 100
omtls_sender_conf ok "$(omtls_action target=127.0.0.1 port="$PORT" tls.serverName=logs.example.com \
    $(omtls_client_tls))"
start_rsyslogd ok "$T/ok.conf"
wait_for_count "$T/rcv.out" 100 15
wait_for_stat "$T/ok.stats" omtls messages.sent 100 10
stop_rsyslogd ok
stop_rsyslogd rcv
seq_check "$T/rcv.out" 1 100
assert_grep "$T/ok.log" "omtls: connected to 127\\.0\\.0\\.1 \\(127\\.0\\.0\\.1:$PORT\\), TLS.*subject 'CN=logs\\.example\\.com'"
[ "$(omtls_stat ok handshake.failed)" -eq 0 ] || fail "handshake.failed is not 0 toward logs.example.com"

# 2. an explicit tls.permittedPeer overrides the server name
refused rcv2 peer logs tls.serverName=logs.example.com 'tls.permittedPeer=["other.example.org"]'

# 3. a certificate matching the target IP but not the server name is refused
refused rcv3 ip server tls.serverName=logs.example.com
echo "PASS: tls.serverName is the default permitted peer; tls.permittedPeer overrides it"
