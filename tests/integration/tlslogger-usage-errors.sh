#!/bin/sh
# tlslogger's usage errors: exit 2, one line naming the problem, plus the
# hint to --help for a bad option or value; nothing is sent.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "$abs_top_srcdir/tests/integration/lib-tlslogger.sh"
tl=$(tlslogger_tool) || exit $?
gen_certs

# usage_case REGEX ARGS...: exit 2, the line matches REGEX, then the hint
usage_case() {
    _re=$1
    shift
    st=0
    "$tl" "$@" > "$T/u.out" 2> "$T/u.err" < /dev/null || st=$?
    [ "$st" -eq 2 ] || fail "'$*': exit $st, expected 2 ($(cat "$T/u.err"))"
    [ "$(wc -l < "$T/u.err")" -eq 2 ] || fail "'$*': stderr is not two lines: $(cat "$T/u.err")"
    sed -n 1p "$T/u.err" | grep -Eq -- "^tlslogger: $_re" || fail "'$*': $(sed -n 1p "$T/u.err")"
    sed -n 2p "$T/u.err" | grep -Fqx "Try 'tlslogger --help' for more information." ||
        fail "'$*': no hint: $(cat "$T/u.err")"
    [ -s "$T/u.out" ] && fail "'$*': wrote to stdout"
    return 0
}
usage_case "no server given" hello
usage_case "unknown facility 'bogus'" --server localhost -p bogus.err hello
usage_case "unknown level 'loud'" --server localhost -p user.loud hello
usage_case "invalid port '0'" --server localhost --port 0 hello
usage_case "invalid port '65536'" --server localhost -P 65536 hello
usage_case "invalid --timeout 'x'" --server localhost --timeout x hello
usage_case "invalid --auth-mode 'x509/none'" --server localhost --auth-mode x509/none hello
usage_case "unknown or ambiguous option '--bogus'" --server localhost --bogus hello
usage_case "option '--tag' needs a value" --server localhost --tag
usage_case "--file and a message argument exclude each other" --server localhost -f /dev/null hello
usage_case "invalid tag 'a b'" --server localhost -t "a b" hello
usage_case "--cert and --key go together" --server localhost --cert "$CERTS/client-cert.pem" hello

# setup_case REGEX ARGS...: exit 2, exactly one line (a file or TLS setting)
setup_case() {
    _re=$1
    shift
    st=0
    "$tl" "$@" > "$T/u.out" 2> "$T/u.err" < /dev/null || st=$?
    [ "$st" -eq 2 ] || fail "'$*': exit $st, expected 2 ($(cat "$T/u.err"))"
    [ "$(wc -l < "$T/u.err")" -eq 1 ] || fail "'$*': stderr is not one line: $(cat "$T/u.err")"
    grep -Eq -- "^tlslogger: $_re" "$T/u.err" || fail "'$*': $(cat "$T/u.err")"
}
setup_case "option --ca: required for authentication mode \"x509/name\"" --server localhost hello
setup_case "option --ca: cannot read '$T/missing.pem'" --server localhost --ca "$T/missing.pem" hello
setup_case "cannot open $T/missing.txt" --server localhost --ca "$CERTS/ca.pem" -f "$T/missing.txt"

# --help and --version succeed on stdout
"$tl" --help > "$T/help.out" || fail "--help: exit $?"
assert_grep "$T/help.out" "^Exit status:"
"$tl" --version > "$T/version.out" || fail "--version: exit $?"
assert_grep "$T/version.out" "^tlslogger \\(rsyslog-tls\\) [0-9]+\\.[0-9]+\\.[0-9]+"
echo "PASS: usage errors exit 2 with one line"
