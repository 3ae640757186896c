#!/bin/sh
# The server (imtcp + gtls, x509/certvalid) demands a client certificate
# and omtls has none (no tls.certFile/keyFile): the log says the server
# requires a client certificate (not some other cause, such as our
# certificate being rejected: we sent none).
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "$abs_top_srcdir/tests/integration/lib-omtls.sh"
omtls_refusal_case server 'streamDriver.authMode="x509/certvalid"' \
    'requires a client certificate' "" \
    tls.caFile="$CERTS/ca.pem"
echo "PASS: server demanding a client certificate: refusal logged once"
