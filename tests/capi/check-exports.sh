#!/bin/sh
# check-exports.sh - libsyslogtls exports only syslogtls_* symbols (plus the
# linker-defined version node), each listed in the Debian symbols file, and
# its public header compiles as strict C99 on its own. Env: abs_top_builddir, abs_top_srcdir (set by make check).
set -u
builddir=${abs_top_builddir:-.}
srcdir=${abs_top_srcdir:-.}
so="$builddir/runtime/.libs/libsyslogtls.so"
command -v nm >/dev/null 2>&1 || { echo "FAIL: nm not found (binutils)"; exit 1; }
[ -f "$so" ] || { echo "FAIL: $so not built"; exit 1; }

fail=0
exports=$(nm -D --defined-only "$so" | awk '{print $NF}' | sed 's/@.*//' | sort -u)
n=$(echo "$exports" | grep -c '^syslogtls_')
others=$(echo "$exports" | grep -v -e '^syslogtls_' -e '^SYSLOGTLS_[0-9]*$' || true)
if [ -n "$others" ]; then
  echo "FAIL: libsyslogtls.so exports symbols outside syslogtls_*:"
  echo "$others"
  fail=1
fi
# Every function the header declares is exported.
declared=$(sed -n 's/^SYSLOGTLS_API [^(]*[ *]\(syslogtls_[a-z0-9_]*\)(.*/\1/p' "$srcdir/runtime/syslogtls.h" | sort -u)
for f in $declared; do
  echo "$exports" | grep -qx "$f" || { echo "FAIL: $f is declared in syslogtls.h but not exported"; fail=1; }
done
nd=$(echo "$declared" | wc -w)
# The Debian symbols file names every export (a symbol missing there makes
# dpkg-gensymbols add it with the Debian revision, which lintian refuses).
symfile="$srcdir/debian/libsyslogtls0.symbols"
if [ -f "$symfile" ]; then
  for f in $(echo "$exports" | grep '^syslogtls_'); do
    grep -q "^ $f@" "$symfile" || { echo "FAIL: $f is exported but not in debian/libsyslogtls0.symbols"; fail=1; }
  done
fi

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
printf '#include "syslogtls.h"\nint main(void) { return syslogtls_version() == 0; }\n' >"$tmp/h.c"
if ! ${CC:-gcc} -std=c99 -Wall -Wextra -pedantic -Werror -I"$srcdir/runtime" -I"$builddir/runtime" -fsyntax-only "$tmp/h.c"; then
  echo "FAIL: syslogtls.h does not compile with -std=c99 -Wall -Wextra -pedantic -Werror"
  fail=1
fi
[ "$fail" -eq 0 ] && echo "PASS: $n syslogtls_* symbols exported ($nd declared, all present), nothing else; header is strict C99"
exit "$fail"
