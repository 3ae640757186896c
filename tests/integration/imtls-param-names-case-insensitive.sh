#!/bin/sh
# imtls's parameter names are case-insensitive: an input written as
# input(type="imtls" PORT="0" LISTENPORTFILENAME=... TLS.CAFILE=...
# Tls.CertFile=... tls.KEYFILE=... ADDRESS=... NAME=...) listens, writes its
# port file and delivers; defaults set by module(load="imtls"
# TLS.AUTHMODE="x509/fingerprint" TLS.PERMITTEDPEER=[<client's SHA-256>])
# apply to it: the pinned client is served, another certificate from the
# same CA is refused as not among the permitted fingerprints (without those
# two module defaults it would be accepted, as x509/certvalid).
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
need_tool gnutls-cli
imtls_only || skip "imtls parameters only (TB_RECEIVER=imtcp)"
gen_certs
mod=$(imtls_module) || exit $?
fp=$(cat "$CERTS/client.fp-sha256")
{
    conf_head recv
    conf_stats recv
    echo "module(load=\"$mod\" TLS.AUTHMODE=\"x509/fingerprint\" TLS.PERMITTEDPEER=[\"$fp\"])"
    echo "input(type=\"imtls\" NAME=\"recv\" PORT=\"0\" LISTENPORTFILENAME=\"$T/recv.port\""
    echo "      ADDRESS=\"127.0.0.1\" TLS.CAFILE=\"$CERTS/ca.pem\""
    echo "      Tls.CertFile=\"$CERTS/server-cert.pem\" tls.KEYFILE=\"$CERTS/server-key.pem\")"
    echo "action(type=\"omfile\" file=\"$T/recv.out\" template=\"t_out\")"
} > "$T/recv.conf"
rsyslogd_check "$T/recv.conf" || fail "rsyslogd -N1 refused upper-case imtls parameters: $(cat "$T/check.out")"
start_rsyslogd recv "$T/recv.conf" "$T/recv.port"
PORT=$(port_of "$T/recv.port") || exit $?
ss -Htln "src 127.0.0.1 and sport = :$PORT" | grep -q . || fail "nothing listens on 127.0.0.1:$PORT (ADDRESS/PORT ignored?)"

# the pinned client is served, under input NAME "recv"
assert_serves_good_client recv client
assert_grep "$T/recv.out" '^127\.0\.0\.1 recv still serving client'

# another certificate of the same CA: refused by the module's fingerprint default
printf '<13>1 2026-01-01T00:00:00Z tbhost badclient - - - must not arrive\n' > "$T/bad.in"
send_gnutls_cli "$PORT" client2 < "$T/bad.in"
wait_for_refusal recv "subject 'CN=other\\.example\\.org'\\) refused: fingerprint SHA256:[0-9A-F:]+ not among the permitted peers"
wait_for_stat "$T/recv.stats" recv sessions.refused 1
assert_serves_good_client recv client
stop_rsyslogd recv
assert_no_grep "$T/recv.out" 'must not arrive'
echo "PASS: upper- and mixed-case imtls parameter names work, module defaults included"
