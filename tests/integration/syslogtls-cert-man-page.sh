#!/bin/sh
# syslogtls-cert(1) renders without a groff warning and documents every
# subcommand, every long option that syslogtls-cert --help and each
# subcommand's --help list, the file names written, and every exit status.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "$abs_top_srcdir/tests/integration/lib-syslogtls-cert.sh"
need_tool groff
man=$abs_top_srcdir/doc/syslogtls-cert.1
groff -man -Tutf8 -ww "$man" > "$T/man.txt" 2> "$T/groff.err" || fail "groff failed: $(cat "$T/groff.err")"
[ -s "$T/groff.err" ] && fail "groff warnings: $(cat "$T/groff.err")"
sed 's/\xe2\x80\x90/-/g; s/\xe2\x88\x92/-/g; s/.\x08//g' "$T/man.txt" > "$T/man.ascii"
: > "$T/help.all"
for s in "" selfsigned ca issue fingerprint check; do
    # shellcheck disable=SC2086
    run_sc $s --help
    assert_sc_status 0
    cat "$T/sc.out" >> "$T/help.all"
done
opts=$(grep -Eo -- '--[a-z0-9][a-z0-9-]*' "$T/help.all" | sort -u)
[ "$(echo "$opts" | wc -l)" -ge 20 ] || fail "only $(echo "$opts" | wc -l) options found in the help texts"
for o in $opts; do
    grep -Fq -- "$o" "$T/man.ascii" || fail "option $o of --help is not in syslogtls-cert(1)"
done
for s in selfsigned ca issue fingerprint check; do
    grep -Eq "syslogtls-cert $s" "$T/man.ascii" || fail "subcommand $s is not in the SYNOPSIS"
done
for f in key.pem cert.pem ca-key.pem ca.pem 0600; do
    grep -Fq "$f" "$T/man.ascii" || fail "$f is not in syslogtls-cert(1)"
done
for s in 0 1 2; do
    grep -Eq "^ +$s +[A-Z]" "$T/man.ascii" || fail "exit status $s is not in syslogtls-cert(1)"
done
echo "PASS: syslogtls-cert(1) renders cleanly and lists $(echo "$opts" | wc -l) options, the files and exit statuses 0-2"
