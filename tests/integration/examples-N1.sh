#!/bin/sh
# examples-N1.sh - every contrib/examples/*.conf passes "rsyslogd -N1":
# its /etc/rsyslog-tls/ certificates replaced by the test PKI, its log
# paths and work directory moved under the test's work dir, nothing else
# changed. The examples load imtls and omtls by name, as an installed
# package is used: rsyslogd gets -M with a module directory holding
# rsyslog's own modules and the two built ones, so the name resolves to the
# build. Any error or warning line of the check fails the test.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"

imtls=$(imtls_module) || exit $?
omtls=$(omtls_module) || exit $?
gen_certs

sysmods=""
for d in "/usr/lib/$(uname -m)-linux-gnu/rsyslog" /usr/lib/rsyslog /usr/lib64/rsyslog; do
    if [ -f "$d/lmnet.so" ]; then sysmods=$d; break; fi
done
[ -n "$sysmods" ] || skip "rsyslog's module directory not found"
mkdir -p "$T/mods"
ln -s "$sysmods"/*.so "$T/mods/"
ln -sf "$imtls" "$omtls" "$T/mods/"

n=0
for ex in "$abs_top_srcdir"/contrib/examples/*.conf; do
    [ -f "$ex" ] || continue
    name=$(basename "$ex" .conf)
    n=$((n + 1))
    grep -Eq 'module\(load="(imtls|omtls)"' "$ex" || fail "$name.conf loads neither imtls nor omtls by name"
    grep -q '/etc/rsyslog-tls/' "$ex" || fail "$name.conf names no certificate under /etc/rsyslog-tls/"
    mkdir -p "$T/$name.work"
    {
        echo "global(workDirectory=\"$T/$name.work\")"
        sed -e "s|/etc/rsyslog-tls/|$CERTS/|g" -e "s|/var/log/|$T/$name.log/|g" "$ex"
    } > "$T/$name.conf"
    assert_no_grep "$T/$name.conf" '/etc/rsyslog-tls/'
    # every certificate file the example names exists in the test PKI
    for f in $(grep -o "$CERTS/[A-Za-z0-9._-]*" "$T/$name.conf" | sort -u); do
        [ -f "$f" ] || fail "$name.conf names $(basename "$f"), which gen-certs.sh does not make"
    done
    rc=0
    $_tb_env "$RSYSLOGD" -N1 -M "$T/mods" -f "$T/$name.conf" > "$T/$name.check.out" 2>&1 || rc=$?
    if [ "$rc" -ne 0 ] || grep -Eiq 'error|warning|could not|not found|refus' "$T/$name.check.out"; then
        cat "$T/$name.check.out" >&2
        fail "rsyslogd -N1 rejects $name.conf (exit $rc)"
    fi
    assert_grep "$T/$name.check.out" 'End of config validation run'
    echo "ok: $name.conf"
done
[ "$n" -ge 4 ] || fail "expected at least 4 example configs in contrib/examples, found $n"
