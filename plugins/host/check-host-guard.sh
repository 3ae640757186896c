#!/bin/sh
# check-host-guard.sh - imtls loads into this rsyslogd (any supported
# release: RSYSLOGD selects it) and refuses, with one error line naming the
# supported releases and the version found, a daemon it does not know: faked
# with RSYSLOG_TLS_HOST_VERSION_OVERRIDE, and for real with a copy of
# rsyslogd whose version literal is patched to 8.2404.0, a release this
# build does not support. The override can only refuse: naming the daemon's
# real version does not make the patched copy load.
# Config check only (rsyslogd -N1): nothing is bound.
# Env: abs_top_builddir, RSYSLOGD (set by make check); CI=true turns a
# missing tool into a failure instead of a skip.
set -u
builddir=${abs_top_builddir:-.}
rsyslogd=${RSYSLOGD:-/usr/sbin/rsyslogd}
missing() {
  if [ "${CI:-}" = true ]; then
    echo "FAIL: $1 (CI=true: a missing tool fails the check)"
    exit 1
  fi
  echo "SKIP: $1"
  exit 77
}
# A sanitizer build's modules need the sanitizer runtimes preloaded into the
# uninstrumented rsyslogd (see tests/integration/lib.sh).
preload=$(echo ${SYSLOGTLS_SANITIZER_PRELOAD:-} | tr ' ' ':')
if [ -n "$preload" ]; then
  export LD_PRELOAD="$preload" ASAN_OPTIONS=detect_leaks=0
fi
so="$builddir/plugins/imtls/.libs/imtls.so"
[ -x "$rsyslogd" ] || missing "$rsyslogd not found"
command -v perl >/dev/null 2>&1 || missing "perl not found (needed to patch a copy of rsyslogd)"
[ -f "$so" ] || { echo "FAIL: $so not built"; exit 1; }
unset RSYSLOG_TLS_HOST_VERSION_OVERRIDE
export LD_LIBRARY_PATH="$builddir/runtime/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
cat >"$tmp/conf" <<EOC
global(workDirectory="$tmp")
module(load="$so" maxSessions="10")
input(type="imtls" name="g" tls="off" address="127.0.0.1" port="0" listenPortFileName="$tmp/port")
action(type="omfile" file="$tmp/out")
EOC

fail=0
# expect_load NAME OVERRIDE BINARY: the config check passes without a refusal.
expect_load() {
  RSYSLOG_TLS_HOST_VERSION_OVERRIDE=$2 "$3" -N1 -f "$tmp/conf" >"$tmp/$1.out" 2>&1
  rc=$?
  if [ $rc -ne 0 ] || grep -q 'refusing' "$tmp/$1.out"; then
    echo "FAIL: $1: imtls did not load into $3 with override '$2' (exit $rc):"
    cat "$tmp/$1.out"
    fail=1
  else
    echo "ok: $1: loads (override '$2')"
  fi
}
# expect_refusal NAME OVERRIDE BINARY REGEX: the check fails with exactly one
# refusal line, and that line matches REGEX.
expect_refusal() {
  RSYSLOG_TLS_HOST_VERSION_OVERRIDE=$2 "$3" -N1 -f "$tmp/conf" >"$tmp/$1.out" 2>&1
  rc=$?
  n=$(grep -c 'imtls: refusing to load into this rsyslogd: ' "$tmp/$1.out")
  m=$(grep -c "imtls: refusing to load into this rsyslogd: .*$4" "$tmp/$1.out")
  if [ $rc -eq 0 ] || [ "$n" -ne 1 ] || [ "$m" -ne 1 ]; then
    echo "FAIL: $1: expected a failed check and one refusal line matching '$4' (exit $rc, $n refusal lines, $m matching):"
    cat "$tmp/$1.out"
    fail=1
  else
    echo "ok: $1: refused: $(grep 'refusing' "$tmp/$1.out")"
  fi
}

found=$(grep -ao 'software="rsyslogd" swVersion="[0-9.]*"' "$rsyslogd" | head -n 1 | sed 's/.*swVersion="//; s/"$//')
case $found in
  [0-9]*.[0-9]*.[0-9]*) ;;
  *) echo "FAIL: no version literal found in $rsyslogd (read '$found')"; exit 1 ;;
esac
echo "host: $rsyslogd, version literal $found"
re_found=$(echo "$found" | sed 's/\./\\./g')
# The refusal names the supported releases; the daemon's own series is one.
series=${found%.*}
re_list="supports rsyslogd [0-9.,x and]*$(echo "$series" | sed 's/\./\\./g')\\.x[0-9.,x and]* only, found"

expect_load plain "" "$rsyslogd"
expect_load override-same "$found" "$rsyslogd"
expect_refusal override-foreign 8.2404.0 "$rsyslogd" "$re_list rsyslogd 8\\.2404\\.0"
# Another supported-looking version than the binary's is a refusal too.
other="$series.99"
expect_refusal override-other-supported "$other" "$rsyslogd" \
  "$re_list rsyslogd $re_found (RSYSLOG_TLS_HOST_VERSION_OVERRIDE=$(echo "$other" | sed 's/\./\\./g') does not match it)"

# A daemon the guard refuses by itself: a copy whose version literal says
# 8.2404.0 (same length as the real one, so nothing else in the binary
# moves; a 9 in front for a literal of another length).
if [ ${#found} -eq 8 ]; then fake=8.2404.0; else fake="9${found#?}"; fi
re_fake=$(echo "$fake" | sed 's/\./\\./g')
FOUND=$found FAKE=$fake perl -0777 -pe 's/(software="rsyslogd" swVersion=")\Q$ENV{FOUND}\E"/$1$ENV{FAKE}"/g' \
  "$rsyslogd" >"$tmp/rsyslogd-fake" && chmod +x "$tmp/rsyslogd-fake"
if ! grep -aq "software=\"rsyslogd\" swVersion=\"$fake\"" "$tmp/rsyslogd-fake"; then
  echo "FAIL: could not patch the version literal of a copy of $rsyslogd"
  exit 1
fi
expect_refusal patched "" "$tmp/rsyslogd-fake" "$re_list rsyslogd $re_fake"
# The override names the daemon's real version: the patched copy is still refused.
expect_refusal patched-override-supported "$found" "$tmp/rsyslogd-fake" \
  "$re_list rsyslogd $re_fake (RSYSLOG_TLS_HOST_VERSION_OVERRIDE=$re_found does not match it)"

[ -e "$tmp/port" ] && { echo "FAIL: -N1 wrote a port file (something was bound)"; fail=1; }
exit $fail
