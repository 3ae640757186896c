#!/bin/sh
# The server (imtcp + gtls, x509/certvalid) demands a client certificate
# and omtls has none (no tls.certFile/keyFile): the log says the peer
# requires a client certificate.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "$abs_top_srcdir/tests/integration/lib-omtls.sh"
omtls_refusal_case server 'streamDriver.authMode="x509/certvalid"' \
    'client certificate|does not accept our certificate|refused our certificate' "" \
    tls.caFile="$CERTS/ca.pem"
echo "PASS: server demanding a client certificate: refusal logged once"
