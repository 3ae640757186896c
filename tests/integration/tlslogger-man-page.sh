#!/bin/sh
# tlslogger(1) renders without a groff warning and documents every long
# option that tlslogger --help lists, and every exit status.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "$abs_top_srcdir/tests/integration/lib-tlslogger.sh"
need_tool groff
tl=$(tlslogger_tool) || exit $?
man=$abs_top_srcdir/doc/tlslogger.1
groff -man -Tutf8 -ww "$man" > "$T/man.txt" 2> "$T/groff.err" || fail "groff failed: $(cat "$T/groff.err")"
[ -s "$T/groff.err" ] && fail "groff warnings: $(cat "$T/groff.err")"
# groff may render '-' as U+2010/U+2212: compare in plain ASCII
sed 's/\xe2\x80\x90/-/g; s/\xe2\x88\x92/-/g; s/.\x08//g' "$T/man.txt" > "$T/man.ascii"
"$tl" --help > "$T/help.out" || fail "--help: exit $?"
opts=$(grep -Eo -- '--[a-z0-9][a-z0-9-]*' "$T/help.out" | sort -u)
[ -n "$opts" ] || fail "no options found in --help"
for o in $opts; do
    grep -Fq -- "$o" "$T/man.ascii" || fail "option $o of --help is not in tlslogger(1)"
done
for s in 0 1 2 3 4; do
    grep -Eq "^ +$s +[A-Z]" "$T/man.ascii" || fail "exit status $s is not in tlslogger(1)"
done
echo "PASS: tlslogger(1) renders cleanly and lists $(echo "$opts" | wc -l) options and exit statuses 0-4"
