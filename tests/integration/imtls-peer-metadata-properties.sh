#!/bin/sh
# tls.addPeerMetadata="on": a template printing every $!metadata!tls_*
# property shows the peer's certificate identity and the negotiated TLS
# parameters, as certtool and the client itself report them: for a
# certificate with CN, two DNS SANs and an IP SAN, for one with a CN only, and
# for an anonymous session (only tls_version and tls_cipher). With
# tls="off" nothing is set; with tls.addPeerMetadata off (the default) nothing
# either.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
need_tool openssl certtool
imtls_only || skip "imtls behaviour only (TB_RECEIVER=imtcp)"

# The template: each property in brackets, then the whole $!metadata object.
id_template() {
    printf 'template(name="t_id" type="string" string="%%msg%%'
    for p in tls_peer_cn tls_peer_subject tls_peer_san tls_peer_fingerprint tls_peer_issuer tls_version tls_cipher; do
        printf ' %s=[%%$!metadata!%s%%]' "$p" "$p"
    done
    printf ' all=[%%$!metadata%%]\\n")\n'
}

# start NAME PARAM...: a receiver with the t_id template
start() {
    _pmn=$1
    shift
    { id_template; OUT_TEMPLATE=t_id imtls_conf "$_pmn" "$@"; } > "$T/$_pmn.conf" || exit $?
    start_rsyslogd "$_pmn" "$T/$_pmn.conf" "$T/$_pmn.port"
    PORT=$(port_of "$T/$_pmn.port") || exit $?
}

# send_id CERT ID [ARG...]: one message with text ID over openssl s_client
# (CERT "-" for none); the client's own view of the session in $T/ID.client
send_id() {
    _cert=$1 _id=$2
    shift 2
    printf '<13>1 2026-01-01T00:00:00Z tbhost tbtest - - - %s\n' "$_id" > "$T/$_id.in"
    send_openssl "$PORT" "$_cert" -brief "$@" < "$T/$_id.in" || fail "openssl s_client ($_cert) exited $?: $(cat "$T/openssl.out")"
    cp "$T/openssl.out" "$T/$_id.client"
}

# field ID PROP: the bracketed value of PROP on the line of message ID
field() {
    grep "^$1 " "$T/$RECV.out" | head -n 1 | sed -n "s/.* $2=\[\([^]]*\)\].*/\1/p"
}

# expect ID PROP VALUE
expect() {
    _v=$(field "$1" "$2")
    [ "$_v" = "$3" ] || fail "$1: $2 is '$_v', expected '$3' (line: $(grep "^$1 " "$T/$RECV.out"))"
}

# the certificate's facts, as certtool prints them
fingerprint() {
    certtool --fingerprint --hash sha256 --infile "$CERTS/$1-cert.pem" | tr -d ' \n' | tr a-f A-F \
        | sed 's/../&:/g; s/:$//; s/^/SHA256:/'
}
dn() {
    certtool -i --infile "$CERTS/$1-cert.pem" | sed -n "s/^[[:space:]]*$2: //p" | head -n 1
}

# the client's view of the session (openssl -brief)
client_version() {
    sed -n 's/^Protocol version: TLSv\{0,1\}\([0-9.]*\)$/TLS\1/p' "$T/$1.client"
}
client_cipher() {
    sed -n 's/^Ciphersuite: //p' "$T/$1.client"
}

gen_certs

# ---- certificates -------------------------------------------------------------
RECV=recv
start recv 'tls.addPeerMetadata="on"'
send_id idfull id1
send_id idcn id2 -tls1_2  # another version and cipher: the values are the session's
wait_for_count "$T/recv.out" 2
stop_rsyslogd recv

[ -n "$(client_version id1)" ] && [ -n "$(client_cipher id1)" ] || fail "openssl -brief printed no protocol/cipher: $(cat "$T/id1.client")"
expect id1 tls_peer_cn idfull.example
expect id1 tls_peer_subject "$(dn idfull Subject)"
expect id1 tls_peer_subject "CN=idfull.example"
expect id1 tls_peer_san "idfull.example,alt.idfull.example,127.0.0.1"
expect id1 tls_peer_fingerprint "$(fingerprint idfull)"
expect id1 tls_peer_issuer "$(dn idfull Issuer)"
expect id1 tls_peer_issuer "CN=rsyslog-tls test CA"
expect id1 tls_version "$(client_version id1)"
expect id1 tls_cipher "$(client_cipher id1)"

expect id2 tls_peer_cn idcn.example
expect id2 tls_peer_subject "$(dn idcn Subject)"
expect id2 tls_peer_san ""
expect id2 tls_peer_fingerprint "$(fingerprint idcn)"
expect id2 tls_peer_issuer "$(dn idcn Issuer)"
expect id2 tls_version TLS1.2
expect id2 tls_version "$(client_version id2)"
# GnuTLS and OpenSSL name TLS 1.2 suites differently
# (TLS_ECDHE_ECDSA_AES_256_GCM_SHA384 / ECDHE-ECDSA-AES256-GCM-SHA384)
_c2=$(client_cipher id2 | tr -d '_-' | sed 's/WITH//')
_s2=$(field id2 tls_cipher | sed 's/^TLS_//' | tr -d '_-' | sed 's/WITH//')
[ -n "$_c2" ] && [ "$_s2" = "$_c2" ] || fail "id2: tls_cipher '$(field id2 tls_cipher)' is not the client's '$(client_cipher id2)'"
[ "$(fingerprint idcn)" != "$(fingerprint idfull)" ] || fail "two certificates with one fingerprint?"
# every property is present on authenticated sessions, tls_peer_san too (empty)
grep "^id2 " "$T/recv.out" | grep -q '"tls_peer_san": ""' || fail "id2: tls_peer_san not set: $(grep '^id2 ' "$T/recv.out")"

# ---- anonymous session: tls_version and tls_cipher only ------------------------
RECV=anon
start anon 'tls.authMode="anon"' 'tls.addPeerMetadata="on"'
send_id - id3
wait_for_count "$T/anon.out" 1
stop_rsyslogd anon
expect id3 tls_version "$(client_version id3)"
expect id3 tls_cipher "$(client_cipher id3)"
for p in tls_peer_cn tls_peer_subject tls_peer_san tls_peer_fingerprint tls_peer_issuer; do
    expect id3 $p ""
done
_all=$(field id3 all)
case $_all in
    *tls_peer*) fail "anonymous session has peer properties: $_all" ;;
    *'"tls_version"'*'"tls_cipher"'*) ;;
    *) fail "anonymous session: \$!metadata is '$_all'" ;;
esac

# ---- tls="off" behind a loopback address: nothing --------------------------------
RECV=plain
start plain 'tls="off"' 'address="127.0.0.1"' 'tls.addPeerMetadata="on"'
printf '<13>1 2026-01-01T00:00:00Z tbhost tbtest - - - id4\n' | send_plain "$PORT"
wait_for_count "$T/plain.out" 1
stop_rsyslogd plain
expect id4 all ""

# ---- tls.addPeerMetadata not given (off): nothing --------------------------------
RECV=off
start off
send_id idfull id5
wait_for_count "$T/off.out" 1
stop_rsyslogd off
expect id5 all ""
expect id5 tls_peer_cn ""
