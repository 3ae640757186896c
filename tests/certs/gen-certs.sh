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
#                                    RFC 5425 format (SHA256:AB:CD:...)
#   idfull-cert.pem, idfull-key.pem  CN=idfull.example; SAN DNS:idfull.example,
#                                    DNS:alt.idfull.example, IP:127.0.0.1 (in this order)
#   idcn-cert.pem, idcn-key.pem      CN=idcn.example, no subjectAltName
#   ida-cert.pem, ida-key.pem        CN=a.example; SAN DNS:a.example, DNS:a2.example
#   idb-cert.pem, idb-key.pem        CN=b.example; SAN DNS:b.example
# Prints nothing on success; exits non-zero on any failure.
set -eu

out=${1:?usage: gen-certs.sh OUTDIR}
mkdir -p "$out"
cd "$out"

if command -v certtool >/dev/null 2>&1; then
    tool=certtool
elif command -v openssl >/dev/null 2>&1; then
    tool=openssl
else
    echo "gen-certs.sh: neither certtool (gnutls-bin) nor openssl found" >&2
    exit 1
fi

# key NAME
key() {
    if [ $tool = certtool ]; then
        certtool --generate-privkey --key-type=ecdsa --curve=secp256r1 \
            --outfile "$1-key.pem" >/dev/null 2>&1
    else
        openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
            -out "$1-key.pem" 2>/dev/null
    fi
}

# cert NAME CA CN SANS(space-separated, "dns:x ip:y") USAGE(server|client|both) [expired]
cert() {
    name=$1 ca=$2 cn=$3 sans=$4 usage=$5 expired=${6:-}
    key "$name"
    if [ $tool = certtool ]; then
        {
            echo "cn = \"$cn\""
            echo "serial = $(od -An -N6 -tu8 /dev/urandom | tr -d ' ')"
            if [ -n "$expired" ]; then
                echo 'activation_date = "2020-01-01 00:00:00 UTC"'
                echo 'expiration_date = "2021-01-01 00:00:00 UTC"'
            else
                echo "expiration_days = 3650"
            fi
            for s in $sans; do
                case $s in
                    dns:*) echo "dns_name = \"${s#dns:}\"" ;;
                    ip:*) echo "ip_address = \"${s#ip:}\"" ;;
                esac
            done
            echo "signing_key"
            case $usage in
                server) echo "tls_www_server" ;;
                client) echo "tls_www_client" ;;
                both) echo "tls_www_server"; echo "tls_www_client" ;;
            esac
        } > "$name.tmpl"
        certtool --generate-certificate --load-privkey "$name-key.pem" \
            --load-ca-certificate "$ca.pem" --load-ca-privkey "$ca-key.pem" \
            --template "$name.tmpl" --outfile "$name-cert.pem" >/dev/null 2>&1
    else
        ext=$name.ext
        san=""
        for s in $sans; do
            case $s in
                dns:*) san="$san${san:+,}DNS:${s#dns:}" ;;
                ip:*) san="$san${san:+,}IP:${s#ip:}" ;;
            esac
        done
        {
            [ -n "$san" ] && echo "subjectAltName=$san"
            echo "keyUsage=critical,digitalSignature"
            case $usage in
                server) echo "extendedKeyUsage=serverAuth" ;;
                client) echo "extendedKeyUsage=clientAuth" ;;
                both) echo "extendedKeyUsage=serverAuth,clientAuth" ;;
            esac
        } > "$ext"
        openssl req -new -key "$name-key.pem" -subj "/CN=$cn" -out "$name.csr" 2>/dev/null
        if [ -n "$expired" ]; then
            # openssl x509 cannot back-date; use "openssl ca" with explicit dates.
            mkdir -p "ca-db-$ca"
            : > "ca-db-$ca/index.txt"
            cat > "$name.cnf" <<EOC
[ca]
default_ca = d
[d]
database = ca-db-$ca/index.txt
new_certs_dir = ca-db-$ca
serial = ca-db-$ca/serial
default_md = sha256
policy = p
[p]
commonName = supplied
EOC
            od -An -N8 -tx1 /dev/urandom | tr -d ' \n' > "ca-db-$ca/serial"
            echo >> "ca-db-$ca/serial"
            openssl ca -batch -config "$name.cnf" -cert "$ca.pem" -keyfile "$ca-key.pem" \
                -in "$name.csr" -out "$name-cert.pem" -notext \
                -startdate 20200101000000Z -enddate 20210101000000Z \
                -extfile "$ext" >/dev/null 2>&1
        else
            openssl x509 -req -in "$name.csr" -CA "$ca.pem" -CAkey "$ca-key.pem" \
                -set_serial "0x$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')" \
                -days 3650 -sha256 -extfile "$ext" -out "$name-cert.pem" 2>/dev/null
        fi
    fi
}

# ca NAME CN
ca() {
    key "$1"
    if [ $tool = certtool ]; then
        printf 'cn = "%s"\nca\ncert_signing_key\nexpiration_days = 3650\n' "$2" > "$1.tmpl"
        certtool --generate-self-signed --load-privkey "$1-key.pem" \
            --template "$1.tmpl" --outfile "$1.pem" >/dev/null 2>&1
    else
        openssl req -x509 -new -key "$1-key.pem" -subj "/CN=$2" -days 3650 -sha256 \
            -addext "basicConstraints=critical,CA:TRUE" \
            -addext "keyUsage=critical,keyCertSign,cRLSign" -out "$1.pem" 2>/dev/null
    fi
}

# fp CERT ALG -> "SHA256:AB:CD:..."
fp() {
    openssl x509 -in "$1-cert.pem" -noout -fingerprint "-$2" | sed 's/^[^=]*=//' \
        | sed "s/^/$(echo "$2" | tr a-z A-Z):/"
}

ca ca "rsyslog-tls test CA"
ca other-ca "rsyslog-tls untrusted CA"
cert server ca localhost "dns:localhost dns:server.example.net ip:127.0.0.1 ip:::1" both
cert client ca client.example.net "dns:client.example.net" client
cert client2 ca other.example.org "dns:other.example.org" client
cert wild ca host.wild.example.net "dns:host.wild.example.net" client
cert ipsan ca ipsan "ip:127.0.0.2" client
cert expired ca client.example.net "dns:client.example.net" client expired
cert rogue other-ca client.example.net "dns:client.example.net" client

if command -v openssl >/dev/null 2>&1; then
    for c in client rogue; do
        fp $c sha256 > $c.fp-sha256
        fp $c sha1 > $c.fp-sha1
    done
fi
rm -f ./*.tmpl ./*.csr ./*.ext ./*.cnf
rm -rf ./ca-db-*

# RFC 5425 section 5.2 name matching: an internationalised name (A-label) and
# a certificate whose only name is a wildcard.
cert idn ca xn--bcher-kva.example "dns:xn--bcher-kva.example" both
cert wildcard ca '*.example.test' 'dns:*.example.test' both
rm -f ./*.tmpl ./*.csr ./*.ext ./*.cnf

# peer identity as message metadata, HOSTNAME policy
cert idfull ca idfull.example "dns:idfull.example dns:alt.idfull.example ip:127.0.0.1" client
cert idcn ca idcn.example "" client
cert ida ca a.example "dns:a.example dns:a2.example" client
cert idb ca b.example "dns:b.example" client
rm -f ./*.tmpl ./*.csr ./*.ext
