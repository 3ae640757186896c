#!/bin/sh
# syslogtls-cert's usage errors: exit 2 and exactly one line on stderr,
# naming the problem, nothing written; --help of the command and of every
# subcommand succeeds on stdout.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "$abs_top_srcdir/tests/integration/lib-syslogtls-cert.sh"

# usage_case REGEX ARGS...
usage_case() {
    _re=$1
    shift
    run_sc "$@"
    assert_sc_status 2
    [ "$(wc -l < "$T/sc.err")" -eq 1 ] || fail "'$*': stderr is not one line: $(cat "$T/sc.err")"
    grep -Eq -- "^syslogtls-cert: $_re" "$T/sc.err" || fail "'$*': $(cat "$T/sc.err")"
    [ -s "$T/sc.out" ] && fail "'$*': wrote to stdout: $(cat "$T/sc.out")"
    [ -e "$T/out" ] && fail "'$*': created the output directory"
    return 0
}
o=$T/out
usage_case "no subcommand given"
usage_case "unknown subcommand 'bogus'" bogus
usage_case "unknown option '--bogus'" --bogus
usage_case "selfsigned: no name given \(--name NAME\)" selfsigned --out "$o"
usage_case "selfsigned: no output directory given \(--out DIR\)" selfsigned --name a.example
usage_case "issue: no CA given \(--ca DIR\)" issue --name a.example --out "$o"
usage_case "check: no CA file given \(--ca FILE\)" check --cert c.pem --key k.pem
usage_case "check: no private key given \(--key FILE\)" check --ca ca.pem --cert c.pem
usage_case "fingerprint: no certificate file given" fingerprint
usage_case "selfsigned: invalid --days '0' \(a number of days, 1..36500\)" selfsigned --name a.example --days 0 --out "$o"
usage_case "ca: invalid --days 'ten'" ca --days ten --out "$o"
usage_case "ca: invalid --days '36501'" ca --days 36501 --out "$o"
usage_case "selfsigned: invalid --key-type 'dsa' \(ecdsa or rsa\)" selfsigned --name a.example --key-type dsa --out "$o"
usage_case "issue: unknown or ambiguous option '--bogus'" issue --bogus
usage_case "selfsigned: option '--name' needs a value" selfsigned --name
usage_case "selfsigned: invalid --ip '300.1.1.1'" selfsigned --name a.example --ip 300.1.1.1 --out "$o"
usage_case "selfsigned: invalid --not-after '2021-13-01'" selfsigned --name a.example --not-after 2021-13-01 --out "$o"
usage_case "selfsigned: --days and --not-after exclude each other" selfsigned --name a.example --days 3 --not-after 2030-01-01 --out "$o"
usage_case "selfsigned: --not-after must be later than --not-before" selfsigned --name a.example --not-before 2030-01-01 --not-after 2029-01-01 --out "$o"
usage_case "issue: --no-san and --dns/--ip exclude each other" issue --ca "$T" --name a.example --no-san --dns b.example --out "$o"
usage_case "selfsigned: invalid --name 'a\*b.example'" selfsigned --name 'a*b.example' --out "$o"
usage_case "fingerprint: invalid --hash 'md5' \(sha256 or sha1\)" fingerprint --hash md5 x.pem
usage_case "ca: unexpected argument 'extra'" ca --out "$o" extra

# --help and --version on stdout, exit 0
run_sc --help
assert_sc_status 0
grep -q '^Exit status:' "$T/sc.out" || fail "--help lists no exit status"
cp "$T/sc.out" "$T/main-help.txt"
for s in selfsigned ca issue fingerprint check; do
    grep -q "^  $s " "$T/main-help.txt" || fail "--help does not list the subcommand $s"
    run_sc "$s" --help
    assert_sc_status 0
    grep -q "^Usage: syslogtls-cert $s" "$T/sc.out" || fail "$s --help: $(head -n 1 "$T/sc.out")"
    grep -q -- '--help' "$T/sc.out" || fail "$s --help does not list --help"
done
run_sc --version
assert_sc_status 0
grep -Eq '^syslogtls-cert \(rsyslog-tls\) [0-9]+\.[0-9]+\.[0-9]+' "$T/sc.out" || fail "--version: $(cat "$T/sc.out")"
echo "PASS: usage errors exit 2 with one line; --help of every subcommand"
