#!/bin/sh
# check-symbols.sh [RSYSLOGD] - each rsyslog module exports modInit only,
# and every symbol it imports is defined by that rsyslogd or by a library it
# is linked with (the core symbols are bound at dlopen time, so the linker
# cannot check). The daemon: the argument, else $RSYSLOGD (make check sets
# it; the host matrix runs this once per supported release).
# Env: abs_top_builddir, RSYSLOGD; CI=true turns a missing tool into a
# failure instead of a skip.
set -u
builddir=${abs_top_builddir:-.}
rsyslogd=${1:-${RSYSLOGD:-/usr/sbin/rsyslogd}}
missing() {
  if [ "${CI:-}" = true ]; then
    echo "FAIL: $1 (CI=true: a missing tool fails the check)"
    exit 1
  fi
  echo "SKIP: $1"
  exit 77
}
command -v nm >/dev/null 2>&1 || missing "nm not found"
command -v ldd >/dev/null 2>&1 || missing "ldd not found"
[ -x "$rsyslogd" ] || missing "$rsyslogd not found"
export LD_LIBRARY_PATH="$builddir/runtime/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
nm -D --defined-only "$rsyslogd" | awk '{print $NF}' | sed 's/@.*//' >"$tmp/host"
echo "host: $rsyslogd ($(wc -l <"$tmp/host") exported names)"

fail=0
checked=0
for mod in imtls omtls; do
  so="$builddir/plugins/$mod/.libs/$mod.so"
  if [ ! -f "$so" ]; then
    [ "$mod" = imtls ] && { echo "FAIL: $so not built"; fail=1; }
    continue
  fi
  checked=$((checked + 1))
  exports=$(nm -D --defined-only "$so" | awk '{print $NF}' | sed 's/@.*//' | sort -u | tr '\n' ' ')
  if [ "$exports" != "modInit " ]; then
    echo "FAIL: $mod.so exports more than modInit: $exports"
    fail=1
  fi
  cp "$tmp/host" "$tmp/defs"
  for lib in $(ldd "$so" | awk '/=>/ && $3 ~ /^\// {print $3}'); do
    nm -D --defined-only "$lib" | awk '{print $NF}' | sed 's/@.*//' >>"$tmp/defs"
  done
  sort -u "$tmp/defs" -o "$tmp/defs"
  # Weak undefined symbols (w, v) may stay unresolved, except the core
  # variables the host layer imports weak (ABI.md §6, §12): a supported host
  # must define them, or a feature would be silently off.
  nm -D --undefined-only "$so" | awk '$1 == "U" || $2 == "bHaveMainQueue" {print $2}' | sed 's/@.*//' |
    sort -u >"$tmp/undef"
  missing=$(comm -23 "$tmp/undef" "$tmp/defs")
  # A sanitizer build imports the sanitizer runtime, which the tests preload.
  if [ -n "${SYSLOGTLS_SANITIZER_PRELOAD:-}" ]; then
    missing=$(echo "$missing" | grep -v -E '^__(asan|ubsan|lsan|sanitizer)_' || true)
  fi
  if [ -n "$missing" ]; then
    echo "FAIL: $mod.so imports symbols nobody defines:"
    echo "$missing" | sed 's/^/  /'
    fail=1
  else
    echo "ok: $mod.so exports modInit only; $(wc -l <"$tmp/undef") imports all resolved"
  fi
done
[ "$checked" -gt 0 ] || fail=1
exit $fail
