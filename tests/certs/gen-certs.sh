#!/bin/sh
# Generate the throw-away PKI used by the integration tests (never committed).
#
# Usage: gen-certs.sh OUTDIR
#
# Files written to OUTDIR (all ECDSA P-256, PEM):
#   ca.pem, ca-key.pem               test CA ("rsyslog-tls test CA")
#   server-cert.pem, server-key.pem  CN=localhost; SAN DNS:localhost,
#                                    DNS:server.example.net, IP:127.0.0.1, IP:::1
#   client-cert.pem, client-key.pem  CN=client.example.net; SAN DNS:client.example.net
#   client2-cert.pem, client2-key.pem CN=other.example.org; SAN DNS:other.example.org
#   wild-cert.pem, wild-key.pem      CN=host.wild.example.net; SAN DNS:host.wild.example.net
#   ipsan-cert.pem, ipsan-key.pem    no DNS name at all: CN=ipsan only, SAN IP:127.0.0.2
#   expired-cert.pem, expired-key.pem CN=client.example.net, signed by ca, valid
#                                    2020-01-01 .. 2021-01-01 (expired)
#   other-ca.pem, other-ca-key.pem   a second, untrusted CA
#   rogue-cert.pem, rogue-key.pem    CN=client.example.net, signed by other-ca
#   idn-cert.pem, idn-key.pem        CN=xn--bcher-kva.example (the A-label of
#                                    bücher.example); SAN DNS:xn--bcher-kva.example
#                                    only; TLS server and client
#   wildcard-cert.pem, wildcard-key.pem CN=*.example.test; SAN DNS:*.example.test
#                                    only (a wildcard name and nothing else);
#                                    TLS server and client
#   *.fp-sha256 / *.fp-sha1          fingerprints of client/rogue certs in
#                                    RFC 5425 format (SHA256:AB:CD:... / SHA1:...)
#   idfull-cert.pem, idfull-key.pem  CN=idfull.example; SAN DNS:idfull.example,
#                                    DNS:alt.idfull.example, IP:127.0.0.1 (in this order)
#   idcn-cert.pem, idcn-key.pem      CN=idcn.example, no subjectAltName
#   ida-cert.pem, ida-key.pem        CN=a.example; SAN DNS:a.example, DNS:a2.example
#   idb-cert.pem, idb-key.pem        CN=b.example; SAN DNS:b.example
# Prints nothing on success; exits non-zero on any failure.
#
# Made with the project's own syslogtls-cert (tools/syslogtls-cert.cpp): the
# program named by $SYSLOGTLS_CERT, else the one built in
# $abs_top_builddir/tools (make check exports abs_top_builddir).
set -eu

out=${1:?usage: gen-certs.sh OUTDIR}
tool=${SYSLOGTLS_CERT:-${abs_top_builddir:+$abs_top_builddir/tools/syslogtls-cert}}
if [ -z "$tool" ] || [ ! -x "$tool" ]; then
    echo "gen-certs.sh: syslogtls-cert not found (${tool:-neither SYSLOGTLS_CERT nor abs_top_builddir set}): build the tree first" >&2
    exit 1
fi
mkdir -p "$out"

# ca NAME CN [OPTIONS]: NAME.pem, NAME-key.pem
ca() {
    _n=$1 _cn=$2
    shift 2
    "$tool" ca --out "$out" --prefix "$_n" --cn "$_cn" --days 3650 "$@" >/dev/null
}

# cert NAME CA OPTIONS...: NAME-cert.pem, NAME-key.pem issued by CA (CA.pem)
cert() {
    _n=$1 _ca=$2
    shift 2
    "$tool" issue --ca "$out" --ca-prefix "$_ca" --out "$out" --prefix "$_n" "$@" >/dev/null
}

ca ca "rsyslog-tls test CA"
ca other-ca "rsyslog-tls untrusted CA"
cert server ca --name localhost --dns server.example.net --ip 127.0.0.1 --ip ::1 --days 3650
cert client ca --name client.example.net --client --days 3650
cert client2 ca --name other.example.org --client --days 3650
cert wild ca --name host.wild.example.net --client --days 3650
cert ipsan ca --name 127.0.0.2 --cn ipsan --client --days 3650
cert expired ca --name client.example.net --client \
    --not-before "2020-01-01 00:00:00" --not-after "2021-01-01 00:00:00"
cert rogue other-ca --name client.example.net --client --days 3650
for c in client rogue; do
    "$tool" fingerprint --hash sha256 "$out/$c-cert.pem" > "$out/$c.fp-sha256"
    "$tool" fingerprint --hash sha1 "$out/$c-cert.pem" > "$out/$c.fp-sha1"
done

# RFC 5425 section 5.2 name matching: an internationalised name (A-label) and
# a certificate whose only name is a wildcard.
cert idn ca --name xn--bcher-kva.example --days 3650
cert wildcard ca --name '*.example.test' --days 3650

# peer identity as message metadata, HOSTNAME policy
cert idfull ca --name idfull.example --dns alt.idfull.example --ip 127.0.0.1 --client --days 3650
cert idcn ca --name idcn.example --no-san --client --days 3650
cert ida ca --name a.example --dns a2.example --client --days 3650
cert idb ca --name b.example --client --days 3650
