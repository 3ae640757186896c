#!/bin/sh
# readme-troubleshooting.sh - the README's "Troubleshooting" section names
# every error and warning text the runtime, imtls, omtls and tlslogger can
# log. The texts are read from the code by troubleshooting-keys.pl (what it
# reads is described at its top), so a new or changed message fails this
# test until the README explains it.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
need_tool perl

readme=$abs_top_srcdir/README.md
[ -f "$readme" ] || fail "README.md not found"
# the section: from "## Troubleshooting" to the next level-2 heading
awk '/^## Troubleshooting/ { on = 1; next } on && /^## / { on = 0 } on' "$readme" > "$T/section.md"
[ -s "$T/section.md" ] || fail "README.md has no \"## Troubleshooting\" section"
# the README wraps lines and marks code with backticks: compare on one line
tr '\n' ' ' < "$T/section.md" | tr -s ' ' | sed 's/`//g' > "$T/section.txt"

perl "$abs_top_srcdir/tests/integration/troubleshooting-keys.pl" "$abs_top_srcdir" > "$T/keys.txt" ||
    fail "troubleshooting-keys.pl failed"
n=$(wc -l < "$T/keys.txt")
# the extractor must find the texts at all (reason names alone are 22)
[ "$n" -ge 40 ] || fail "only $n texts extracted from the code: troubleshooting-keys.pl is out of step with the code"

missing=0
while IFS='	' read -r key where; do
    if ! grep -qiF -- "$key" "$T/section.txt"; then
        echo "missing in README Troubleshooting: \"$key\" ($where)" >&2
        missing=$((missing + 1))
    fi
done < "$T/keys.txt"
[ "$missing" -eq 0 ] || fail "$missing of $n texts from the code are not in README.md's Troubleshooting section"
echo "ok: all $n texts from the code are in README.md's Troubleshooting section"
