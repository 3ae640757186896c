#!/bin/sh
# tls.reloadCheckInterval="1": imtls notices a rotation without a signal.
# The files are read through a directory symlink that is switched
# atomically (as Kubernetes secrets and cert-manager do). First a rotation
# whose certificate and key have the same contents but whose CRL is new:
# the reload line names tls.crlFile only (contents are compared, not file
# times). Then a rotation to a new certificate: within a few seconds the
# reload is logged and a client pinning the new fingerprint is accepted.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
need_tool certtool openssl
imtls_only || skip "imtls behaviour only (TB_RECEIVER=imtcp)"

gen_extra_cert server2 localhost 3650 server
new_fp=$(cert_fp "$CERTS/server2-cert.pem")
# version DIR CERTNAME: a directory of credentials
version() {
    mkdir -p "$T/$1"
    cp "$CERTS/$2-cert.pem" "$T/$1/cert.pem" && cp "$CERTS/$2-key.pem" "$T/$1/key.pem" || fail "copy $2"
    chmod 600 "$T/$1/key.pem"
    gen_crl "$T/$1/crl.pem"
}
# activate DIR: switch the symlink $T/current to DIR in one rename
activate() {
    ln -sfn "$T/$1" "$T/current.new" && mv -T "$T/current.new" "$T/current" || fail "cannot switch to $1"
}
version v1 server
version v2 server
version v3 server2
activate v1
start_imtls recv tls.certFile="\"$T/current/cert.pem\"" tls.keyFile="\"$T/current/key.pem\"" \
    tls.crlFile="\"$T/current/crl.pem\"" 'tls.reloadCheckInterval="1"'

activate v2
wait_for_grep "$T/recv.log" "reloaded tls\.crlFile \(file change\)" 10
assert_no_grep "$T/recv.log" "reloaded tls\.certFile"
run_loader -n 1 --start 1 --auth x509/fingerprint --peer "$new_fp" &&
    fail "a client pinning the new certificate was accepted before the rotation"

activate v3
wait_for_grep "$T/recv.log" "reloaded tls\.certFile, tls\.keyFile, tls\.crlFile \(file change\): certificate $new_fp" 10
run_loader -n 1 --start 2 --auth x509/fingerprint --peer "$new_fp" ||
    fail "a client pinning the new certificate was refused after the rotation: $(cat "$T/loader.out")"
wait_for_grep "$T/recv.out" "msgnum:00000002:"
stop_rsyslogd recv
[ "$(count_grep "$T/recv.log" "reloaded tls\.")" -eq 2 ] || fail "not exactly two reload lines"
assert_no_grep "$T/recv.log" "reload .*failed"
echo "PASS: rotations seen without a signal; same-content files not reloaded"
