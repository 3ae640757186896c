#!/bin/sh
# check-host-guard.sh - imtls loads into this rsyslogd (8.2302) and refuses,
# with one clear error line naming the version found, a daemon it does not
# know (faked with RSYSLOG_TLS_HOST_VERSION_OVERRIDE). Config check only
# (rsyslogd -N1): nothing is bound.
# Env: abs_top_builddir, RSYSLOGD (set by make check).
set -u
builddir=${abs_top_builddir:-.}
rsyslogd=${RSYSLOGD:-/usr/sbin/rsyslogd}
# A sanitizer build's modules need the sanitizer runtimes preloaded into the
# uninstrumented rsyslogd (see tests/integration/lib.sh).
preload=$(echo ${SYSLOGTLS_SANITIZER_PRELOAD:-} | tr ' ' ':')
if [ -n "$preload" ]; then
  export LD_PRELOAD="$preload" ASAN_OPTIONS=detect_leaks=0
fi
so="$builddir/plugins/imtls/.libs/imtls.so"
[ -x "$rsyslogd" ] || { echo "SKIP: $rsyslogd not found"; exit 77; }
[ -f "$so" ] || { echo "FAIL: $so not built"; exit 1; }
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
"$rsyslogd" -N1 -f "$tmp/conf" >"$tmp/ok.out" 2>&1
rc=$?
if [ $rc -ne 0 ] || grep -q 'refusing' "$tmp/ok.out"; then
  echo "FAIL: imtls did not load into $("$rsyslogd" -v | head -1) (exit $rc):"
  cat "$tmp/ok.out"
  fail=1
else
  echo "ok: loads into this rsyslogd"
fi

RSYSLOG_TLS_HOST_VERSION_OVERRIDE=8.2404.0 "$rsyslogd" -N1 -f "$tmp/conf" >"$tmp/bad.out" 2>&1
rc=$?
n=$(grep -c 'imtls: refusing to load into this rsyslogd: .*found rsyslogd 8\.2404\.0' "$tmp/bad.out")
if [ $rc -eq 0 ] || [ "$n" -ne 1 ]; then
  echo "FAIL: expected one refusal line naming 8.2404.0 and a failed check (exit $rc, $n lines):"
  cat "$tmp/bad.out"
  fail=1
else
  echo "ok: refuses 8.2404.0: $(grep 'refusing' "$tmp/bad.out")"
fi
[ -e "$tmp/port" ] && { echo "FAIL: -N1 wrote a port file (something was bound)"; fail=1; }
exit $fail
