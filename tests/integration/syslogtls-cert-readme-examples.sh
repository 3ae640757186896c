#!/bin/sh
# The README's syslogtls-cert commands work as written: the Quickstart's
# certificate recipe (with /etc/rsyslog-tls under $T, without sudo) makes
# the files the example configs name, and its check accepts them; the
# examples of the "syslogtls-cert" section run, their check included.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "$abs_top_srcdir/tests/integration/lib-syslogtls-cert.sh"
need_tool certtool
sc=$(sc_tool) || exit $?
readme=$abs_top_srcdir/README.md

# commands SECTION-HEADING-REGEX: the syslogtls-cert commands of the sh
# blocks of that section, continuation lines joined, one a line
commands() {
    awk -v head="$1" '
        $0 ~ "^## " { on = ($0 ~ head) }
        on && /^ *```sh/ { code = 1; next }
        on && /^ *```/ { code = 0; next }
        on && code {
            sub(/^ +/, ""); sub(/#.*/, "")
            line = line $0
            if (line ~ /\\$/) { sub(/\\$/, "", line); next }
            if (line ~ /syslogtls-cert/) print line
            line = ""
        }' "$readme"
}

# run_commands FILE DIR: each line of FILE in DIR, syslogtls-cert being the built one
run_commands() {
    while IFS= read -r _c; do
        _c=$(echo "$_c" | sed "s|^sudo ||; s|/etc/rsyslog-tls|$T/etc|g; s|syslogtls-cert |\"\$sc\" |")
        (cd "$2" && eval "$_c") > "$T/cmd.out" 2>&1 || fail "README command failed: $_c: $(cat "$T/cmd.out")"
        echo "$_c" >> "$T/ran.txt"
    done < "$1"
}

commands '^## Quickstart' > "$T/quick.txt"
[ "$(wc -l < "$T/quick.txt")" -ge 4 ] || fail "the Quickstart has fewer than 4 syslogtls-cert commands: $(cat "$T/quick.txt")"
grep -q 'syslogtls-cert check' "$T/quick.txt" || fail "the Quickstart does not check its certificates"
run_commands "$T/quick.txt" "$T"
for f in ca.pem ca-key.pem server-cert.pem server-key.pem client-cert.pem client-key.pem; do
    [ -f "$T/etc/$f" ] || fail "the Quickstart recipe did not make $f"
done
# the names the example configs read are those the recipe made
for f in $(grep -ho '/etc/rsyslog-tls/[a-z-]*\.pem' "$abs_top_srcdir"/contrib/examples/*.conf | sort -u); do
    [ -f "$T/etc/${f#/etc/rsyslog-tls/}" ] || fail "an example config reads $f, which the Quickstart does not make"
done
certtool -i --infile "$T/etc/server-cert.pem" | grep -q 'DNSname: logs.example.net$' ||
    fail "the Quickstart's server certificate does not name logs.example.net"

mkdir -p "$T/section"
commands '^## syslogtls-cert' > "$T/section.txt"
[ "$(wc -l < "$T/section.txt")" -ge 4 ] || fail "the syslogtls-cert section has fewer than 4 commands"
run_commands "$T/section.txt" "$T/section"
tail -n 1 "$T/cmd.out" | grep -q '^accepted: ' || fail "the section's last command is not an accepted check: $(cat "$T/cmd.out")"
echo "PASS: the README's $(wc -l < "$T/ran.txt") syslogtls-cert commands run as written"
