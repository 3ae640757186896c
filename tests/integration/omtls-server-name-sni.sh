#!/bin/sh
# tls.serverName is the SNI omtls sends: with target="127.0.0.1" and
# tls.serverName="logs.example.net", the TLS server (openssl s_server, which
# prints the server name it received) sees "logs.example.net", not the
# target; with the same IP target and no tls.serverName, the ClientHello has
# no server_name extension at all (RFC 6066: no IP literal as SNI). Both
# times the messages arrive over the session.  The server certificate, made
# here, carries both DNS:logs.example.net and IP:127.0.0.1, so it passes
# whether the name checked by default is the target or the server name.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "$abs_top_srcdir/tests/integration/lib-omtls.sh"
omtls_needs_omtls
need_tool openssl certtool
gen_certs

# SNI server certificate signed by the test CA
certtool --generate-privkey --key-type=ecdsa --curve=secp256r1 \
    --outfile "$CERTS/sni-key.pem" >/dev/null 2>&1 || fail "cannot make the sni key"
printf '%s\n' 'cn = "logs.example.net"' 'dns_name = "logs.example.net"' \
    'ip_address = "127.0.0.1"' 'expiration_days = 3650' 'signing_key' 'tls_www_server' \
    > "$CERTS/sni.tmpl"
certtool --generate-certificate --load-privkey "$CERTS/sni-key.pem" \
    --load-ca-certificate "$CERTS/ca.pem" --load-ca-privkey "$CERTS/ca-key.pem" \
    --template "$CERTS/sni.tmpl" --outfile "$CERTS/sni-cert.pem" >/dev/null 2>&1 ||
    fail "cannot make the sni certificate"

# sni_server NAME: openssl s_server on 127.0.0.1, port 0, printing every
# ClientHello extension (-tlsextdebug) and, through its server-name callback
# (armed by -servername), the SNI it received; stdin is the FIFO
# $T/NAME.fifo held open on fd 8 (EOF on stdin would end the session).
# Sets SPORT; output in $T/NAME.stdout.
sni_server() {
    rm -f "$T/$1.fifo"
    mkfifo "$T/$1.fifo"
    start_bg "$1" sh -c 'f=$1; shift; exec openssl s_server "$@" < "$f"' "$1" "$T/$1.fifo" \
        -accept 127.0.0.1:0 -cert "$CERTS/sni-cert.pem" -key "$CERTS/sni-key.pem" \
        -servername callback.probe.invalid -cert2 "$CERTS/sni-cert.pem" -key2 "$CERTS/sni-key.pem" \
        -tlsextdebug
    exec 8> "$T/$1.fifo"
    wait_for_grep "$T/$1.stdout" '^ACCEPT 127\.0\.0\.1:[0-9]+$' 30
    SPORT=$(sed -n 's/^ACCEPT 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$T/$1.stdout" | head -n 1)
}

# sender_run NAME SENDER FIRST LAST ACTION_ARG...: sender SENDER's omtls sends
# FIRST..LAST to sni_server NAME; waits until they were printed by the server
sender_run() {
    _srv=$1 _snd=$2 _a=$3 _b=$4
    shift 4
    omtls_feed "$_a" "$_b"
    omtls_sender_conf "$_snd" "$(omtls_action target=127.0.0.1 port="$SPORT" $(omtls_client_tls) "$@")"
    start_rsyslogd "$_snd" "$T/$_snd.conf"
    omtls_wait_distinct $((_b - _a + 1)) 30 "$T/$_srv.stdout"
    wait_for_stat "$T/$_snd.stats" omtls messages.sent $((_b - _a + 1)) 30
    stop_rsyslogd "$_snd"
    exec 8>&-
    stop_bg "$_srv"
}

# 1. tls.serverName set: that name is the SNI
sni_server named
sender_run named snd1 1 20 tls.serverName=logs.example.net
assert_grep "$T/named.stdout" 'TLS client extension "server name"'
assert_grep "$T/named.stdout" '^Hostname in TLS extension: "logs\.example\.net"$'
all=$(grep -c '^Hostname in TLS extension' "$T/named.stdout")
named=$(grep -c '^Hostname in TLS extension: "logs\.example\.net"$' "$T/named.stdout")
[ "$all" -eq "$named" ] || fail "$all SNIs received, only $named of them logs.example.net"
seq_check "$T/named.stdout" 1 20

# 2. no tls.serverName, IP target: no server_name extension
rm -f "$T/input.txt"
sni_server bare
sender_run bare snd2 21 40
assert_grep "$T/bare.stdout" 'TLS client extension "supported versions"'
assert_no_grep "$T/bare.stdout" 'TLS client extension "server name"'
assert_no_grep "$T/bare.stdout" 'Hostname in TLS extension'
seq_check "$T/bare.stdout" 21 40
echo "PASS: SNI is tls.serverName (logs.example.net); none for a bare IP target"
