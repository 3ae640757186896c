# Verbs for the syslogtls-cert-*.sh tests. Source it after lib.sh:
#   . "$abs_top_srcdir/tests/integration/lib-syslogtls-cert.sh"
#
#   sc_tool                        print the path of tools/syslogtls-cert
#                                  (sc=$(sc_tool) || exit $?)
#   run_sc ARGS...                 run syslogtls-cert; stdout in $T/sc.out,
#                                  stderr in $T/sc.err; sets $SC_STATUS
#   assert_sc_status STATUS        the last run exited with STATUS
#   key_id_of_key FILE             the SHA-256 public key id certtool computes
#   key_id_of_cert FILE            of a private key / of a certificate's key
#   cert_info FILE                 certtool -i of a certificate into $T/info.txt
#   days_valid FILE                Not After - Not Before of a certificate, in
#                                  days (openssl's dates)

sc_tool() {
    built_tool syslogtls-cert
}

run_sc() {
    _sc=$(sc_tool) || exit $?
    SC_STATUS=0
    "$_sc" "$@" > "$T/sc.out" 2> "$T/sc.err" < /dev/null || SC_STATUS=$?
    return 0
}

assert_sc_status() {
    [ "$SC_STATUS" -eq "$1" ] ||
        fail "syslogtls-cert exited $SC_STATUS, expected $1 (stdout: $(cat "$T/sc.out"); stderr: $(cat "$T/sc.err"))"
}

key_id_of_key() {
    certtool -k --infile "$1" | sed -n '/Public Key ID:/,/^[^[:space:]]/p' | sed -n 's/^[[:space:]]*sha256://p' | head -n 1
}

key_id_of_cert() {
    certtool -i --infile "$1" | sed -n '/Public Key ID:/,/Public Key PIN/p' | sed -n 's/^[[:space:]]*sha256://p' | head -n 1
}

cert_info() {
    certtool -i --infile "$1" > "$T/info.txt" || fail "certtool cannot read $1"
}

days_valid() {
    _nb=$(date -u -d "$(openssl x509 -in "$1" -noout -startdate | sed 's/^notBefore=//')" +%s) &&
    _na=$(date -u -d "$(openssl x509 -in "$1" -noout -enddate | sed 's/^notAfter=//')" +%s) ||
        fail "cannot read the dates of $1"
    echo $(((_na - _nb) / 86400))
}
