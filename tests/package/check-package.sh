#!/bin/sh
# check-package.sh - the Debian packages, end to end (make check-package):
#
#   1. builds rsyslog-tls, libsyslogtls0 and libsyslogtls-dev with
#      "dpkg-buildpackage -us -uc -b" from the committed tree (git archive
#      HEAD: build products and uncommitted changes of the work tree do not
#      leak into the packages), and prints how long that took;
#   2. runs lintian on them: an error fails the check, warnings are printed;
#   3. installs them with dpkg -i and checks where the files went;
#   4. runs a receiving rsyslogd with module(load="imtls") and a sending
#      rsyslogd with module(load="omtls"), both loaded by name from rsyslog's
#      module directory (no path, no -M), and moves messages over TLS;
#   5. sends to that receiver with /usr/bin/tlslogger (when the source tree
#      has tlslogger, the package must ship it); the test PKI of step 4 is
#      made by the installed /usr/bin/syslogtls-cert, which then makes a CA
#      and a certificate that its check accepts (when the source tree has
#      it, the package must ship it);
#   6. purges the packages and checks that none of their files is left.
#
# On exit, also after a failure, the machine gets back the state it had:
# packages installed before are reinstalled from their .deb in apt's cache
# when it is there; otherwise the script says what it changed. It starts
# its own rsyslogd instances (own config, pid file and work dir, port 0) and
# stops them by pid; a system rsyslogd is never touched.
#
# Needs root (or sudo without password), dpkg-dev, debhelper and lintian
# (contrib/install-deps.sh installs them). Exit 0 pass, 1 fail, 77 skip.
. "${abs_top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/lib.sh"

# The installed library and modules are under test: nothing from a build
# tree may be found first.
unset LD_LIBRARY_PATH
_tb_env=""

PACKAGES="rsyslog-tls libsyslogtls0 libsyslogtls-dev"

need_tool git dpkg-buildpackage dpkg-query lintian dh
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
else
    skip "installing packages needs root or password-less sudo"
fi
git -C "$abs_top_srcdir" rev-parse --verify -q HEAD >/dev/null ||
    skip "the source tree is not a git checkout (the packages are built from git archive HEAD)"

MULTIARCH=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
MODDIR=/usr/lib/$MULTIARCH/rsyslog

# ---- previous state, restored on exit ----------------------------------------

# "package version" of each of our packages installed now (nothing if none)
dpkg-query -W -f='${Package} ${Version} ${db:Status-Abbrev}\n' $PACKAGES 2>/dev/null |
    awk '$3 ~ /^[ih]i/ { print $1, $2 }' > "$T/before.list" || true
if [ -s "$T/before.list" ]; then
    echo "check-package: installed before (restored at the end):"
    sed 's/^/    /' "$T/before.list"
fi
_pkg_changed=0

# restore_previous: purge what this test installed, then reinstall what was
# installed before (from apt's cache), or say what is missing.
restore_previous() {
    [ "$_pkg_changed" = 1 ] || return 0
    _pkg_changed=0
    for _p in $PACKAGES; do
        if dpkg-query -W -f='${db:Status-Abbrev}' "$_p" 2>/dev/null | grep -q '^[ih]i'; then
            _purge="${_purge:-} $_p"
        fi
    done
    # shellcheck disable=SC2086
    [ -z "${_purge:-}" ] || $SUDO dpkg --purge $_purge >> "$T/restore.log" 2>&1 ||
        echo "check-package: WARNING: could not purge$_purge (see $T/restore.log)" >&2
    [ -s "$T/before.list" ] || return 0
    _debs="" _lost=""
    while read -r _p _v; do
        _f=/var/cache/apt/archives/${_p}_$(echo "$_v" | sed 's/:/%3a/')_$(dpkg --print-architecture).deb
        if [ -f "$_f" ]; then _debs="$_debs $_f"; else _lost="$_lost $_p=$_v"; fi
    done < "$T/before.list"
    # shellcheck disable=SC2086
    if [ -n "$_debs" ] && ! $SUDO dpkg -i $_debs >> "$T/restore.log" 2>&1; then
        echo "check-package: WARNING: reinstalling$_debs failed (see $T/restore.log)" >&2
    fi
    if [ -n "$_lost" ]; then
        echo "check-package: WARNING: these packages were installed before and are now" >&2
        echo "  REMOVED (no .deb of that version in /var/cache/apt/archives):$_lost" >&2
        echo "  reinstall them yourself (apt-get install, or your own .debs)." >&2
    fi
}

_pkg_exit() {
    _rc=$?
    trap - EXIT
    set +e
    # the daemons first: they hold the installed modules open
    for _pf in "$T"/*.bgpid; do
        [ -f "$_pf" ] && _tb_kill_pidfile "$_pf" "$(basename "$_pf")"
    done
    restore_previous
    (exit "$_rc")
    _tb_cleanup
}
trap _pkg_exit EXIT

# ---- 1. build ------------------------------------------------------------------

mkdir -p "$T/src"
git -C "$abs_top_srcdir" archive --format=tar HEAD | tar -xf - -C "$T/src" || fail "git archive HEAD failed"
[ -f "$T/src/debian/control" ] || fail "no debian/control in HEAD"
echo "check-package: building the packages from $(git -C "$abs_top_srcdir" rev-parse --short HEAD)" \
     "(git archive HEAD; uncommitted changes are not included)"
_t0=$(date +%s)
# parallel make within the machine's share (debhelper builds serially unless told)
_jobs=$(nproc 2>/dev/null || echo 1)
[ "$_jobs" -le 2 ] || _jobs=2
(cd "$T/src" && DEB_BUILD_OPTIONS="parallel=$_jobs${DEB_BUILD_OPTIONS:+ $DEB_BUILD_OPTIONS}" \
    dpkg-buildpackage -us -uc -b) > "$T/dpkg-buildpackage.out" 2>&1 ||
    fail "dpkg-buildpackage failed (last lines in dpkg-buildpackage.out)"
_t1=$(date +%s)
echo "check-package: package build took $((_t1 - _t0)) s"

VERSION=$(dpkg-parsechangelog -l "$T/src/debian/changelog" -S Version)
ARCH=$(dpkg --print-architecture)
DEBS=""
for _p in $PACKAGES; do
    _f=$T/${_p}_${VERSION}_$ARCH.deb
    [ -f "$_f" ] || fail "dpkg-buildpackage did not make $(basename "$_f")"
    DEBS="$DEBS $_f"
done

# ---- 2. lintian ------------------------------------------------------------------

lintian "$T/rsyslog-tls_${VERSION}_$ARCH.changes" > "$T/lintian.out" 2>&1
_lrc=$?
grep -v '^running with root privileges' "$T/lintian.out" | sed 's/^/    lintian: /'
if grep -q '^E: ' "$T/lintian.out"; then
    fail "lintian reports errors"
fi
[ "$_lrc" -le 1 ] || fail "lintian could not check the packages (exit $_lrc)"

# ---- 3. install ------------------------------------------------------------------

_pkg_changed=1
# shellcheck disable=SC2086
$SUDO dpkg -i $DEBS > "$T/dpkg-i.out" 2>&1 || fail "dpkg -i failed (see dpkg-i.out)"
for _p in $PACKAGES; do
    dpkg-query -W -f='${db:Status-Abbrev} ${Version}\n' "$_p" | grep -q "^ii  $VERSION\$" ||
        fail "$_p $VERSION is not installed after dpkg -i"
    dpkg -L "$_p" > "$T/files.$_p"
done
for _f in "$MODDIR/imtls.so" "$MODDIR/omtls.so" /usr/lib/"$MULTIARCH"/libsyslogtls.so.0 \
          /usr/include/syslogtls.h /usr/lib/"$MULTIARCH"/pkgconfig/syslogtls.pc \
          /usr/share/doc/rsyslog-tls/examples/server.conf \
          /usr/share/doc/rsyslog-tls/examples/client.conf \
          /usr/share/doc/rsyslog-tls/examples/disk-queue.conf; do
    [ -e "$_f" ] || fail "$_f not installed"
done
if ls "$MODDIR"/imtls.la "$MODDIR"/omtls.la 2>/dev/null | grep -q .; then
    fail "libtool archives installed in $MODDIR"
fi
dpkg-query -W -f='${Depends}\n' rsyslog-tls | grep -q 'rsyslog (>= ' ||
    fail "rsyslog-tls does not depend on a range of rsyslog versions"

# ---- 4. receiver (imtls) and sender (omtls), modules loaded by name ---------------------

# the test PKI from the packaged syslogtls-cert when the source has it
if [ -f "$T/src/tools/syslogtls-cert.cpp" ]; then
    [ -x /usr/bin/syslogtls-cert ] ||
        fail "the source has syslogtls-cert, the package does not ship /usr/bin/syslogtls-cert"
    SYSLOGTLS_CERT=/usr/bin/syslogtls-cert
    export SYSLOGTLS_CERT
fi
gen_certs
{
    conf_head receiver
    cat <<EOF
module(load="imtls")
input(type="imtls" name="pkg-in" port="0" listenPortFileName="$T/receiver.port"
      tls.caFile="$CERTS/ca.pem" tls.certFile="$CERTS/server-cert.pem"
      tls.keyFile="$CERTS/server-key.pem" tls.permittedPeer="client.example.net")
action(type="omfile" file="$T/receiver.out" template="t_out")
EOF
} > "$T/receiver.conf"
grep -q 'load="imtls"' "$T/receiver.conf" || fail "receiver config does not load imtls by name"
start_rsyslogd receiver "$T/receiver.conf" "$T/receiver.port"
PORT=$(port_of "$T/receiver.port") || exit $?

gen_syslog "$T/sender.in" 1 500 pkgtest
{
    echo 'module(load="omtls")'
    sender_conf sender "$T/sender.in" "action(type=\"omtls\" name=\"pkg-out\" target=\"127.0.0.1\" port=\"$PORT\"
           tls.caFile=\"$CERTS/ca.pem\" tls.certFile=\"$CERTS/client-cert.pem\"
           tls.keyFile=\"$CERTS/client-key.pem\" action.resumeRetryCount=\"-1\")"
} > "$T/sender.conf"
start_rsyslogd sender "$T/sender.conf"

wait_for_count "$T/receiver.out" 500
seq_check "$T/receiver.out" 1 500
assert_grep "$T/receiver.out" '^127\.0\.0\.1 pkg-in '

# the modules and the library that served this came from the installed files
for _n in receiver sender; do
    _pid=$(cat "$T/$_n.pid")
    case $_n in receiver) _m=imtls ;; *) _m=omtls ;; esac
    grep -q " $MODDIR/$_m\.so\$" "/proc/$_pid/maps" || fail "rsyslogd $_n did not map $MODDIR/$_m.so"
    grep -q " /usr/lib/$MULTIARCH/libsyslogtls\.so\.0" "/proc/$_pid/maps" ||
        fail "rsyslogd $_n did not map the installed libsyslogtls.so.0"
done
assert_no_grep "$T/receiver.log" 'refus|error'

# ---- 5. tlslogger from /usr/bin ---------------------------------------------------------

if [ -f "$T/src/tools/tlslogger.c" ]; then
    [ -x /usr/bin/tlslogger ] || fail "the source has tlslogger, the package does not ship /usr/bin/tlslogger"
    grep -q '^/usr/share/man/man1/tlslogger\.1' "$T/files.rsyslog-tls" || fail "tlslogger(1) not shipped"
    /usr/bin/tlslogger --server 127.0.0.1 --port "$PORT" --ca "$CERTS/ca.pem" \
        --cert "$CERTS/client-cert.pem" --key "$CERTS/client-key.pem" --tag pkgtest \
        "sent by the packaged tlslogger" > "$T/tlslogger.out" 2>&1 ||
        fail "/usr/bin/tlslogger failed: $(head -n 1 "$T/tlslogger.out")"
    wait_for_grep "$T/receiver.out" '^127\.0\.0\.1 pkg-in sent by the packaged tlslogger$'
    echo "check-package: /usr/bin/tlslogger delivered to imtls"
else
    echo "check-package: this tree has no tools/tlslogger.c: tlslogger not checked"
fi

# ---- 5b. syslogtls-cert from /usr/bin -------------------------------------------------

if [ -f "$T/src/tools/syslogtls-cert.cpp" ]; then
    grep -q '^/usr/share/man/man1/syslogtls-cert\.1' "$T/files.rsyslog-tls" || fail "syslogtls-cert(1) not shipped"
    /usr/bin/syslogtls-cert ca --out "$T/pkgpki" > "$T/sc.out" 2>&1 ||
        fail "/usr/bin/syslogtls-cert ca failed: $(cat "$T/sc.out")"
    /usr/bin/syslogtls-cert issue --ca "$T/pkgpki" --name pkg.example --out "$T/pkgpki" > "$T/sc.out" 2>&1 ||
        fail "/usr/bin/syslogtls-cert issue failed: $(cat "$T/sc.out")"
    /usr/bin/syslogtls-cert check --ca "$T/pkgpki/ca.pem" --cert "$T/pkgpki/cert.pem" \
        --key "$T/pkgpki/key.pem" --name pkg.example > "$T/sc.out" 2>&1 ||
        fail "/usr/bin/syslogtls-cert check refused its own CA and certificate: $(cat "$T/sc.out")"
    grep -q '^accepted: ' "$T/sc.out" || fail "syslogtls-cert check: $(tail -n 1 "$T/sc.out")"
    echo "check-package: /usr/bin/syslogtls-cert made the test PKI, a CA and a certificate its check accepts"
else
    echo "check-package: this tree has no tools/syslogtls-cert.cpp: syslogtls-cert not checked"
fi

stop_rsyslogd sender
stop_rsyslogd receiver

# ---- 6. purge -------------------------------------------------------------------------

# shellcheck disable=SC2086
$SUDO dpkg --purge $PACKAGES > "$T/dpkg-purge.out" 2>&1 || fail "dpkg --purge failed (see dpkg-purge.out)"
for _p in $PACKAGES; do
    if dpkg-query -W -f='${db:Status-Abbrev}' "$_p" 2>/dev/null | grep -q '^[a-z][a-z]'; then
        dpkg-query -W -f='${db:Status-Abbrev}' "$_p" | grep -q '^un' ||
            fail "$_p still known to dpkg after purge"
    fi
done
for _m in imtls.so omtls.so imtls.la omtls.la; do
    [ ! -e "$MODDIR/$_m" ] || fail "$MODDIR/$_m left after purge"
done
cat "$T"/files.* | sort -u | while read -r _f; do
    # directories may be shared with other packages; files and links are ours
    if [ -e "$_f" ] || [ -L "$_f" ]; then
        [ -d "$_f" ] && [ ! -L "$_f" ] && continue
        echo "$_f"
    fi
done > "$T/left.list"
[ ! -s "$T/left.list" ] || fail "files left after purge: $(tr '\n' ' ' < "$T/left.list")"
for _d in /usr/share/doc/rsyslog-tls /usr/share/doc/libsyslogtls0 /usr/share/doc/libsyslogtls-dev; do
    [ ! -e "$_d" ] || fail "$_d left after purge"
done
_pkg_changed=1 # restore what was there before (nothing to purge now)
echo "check-package: built, lint-checked, installed, delivered over TLS with modules loaded by name, purged"
exit 0
