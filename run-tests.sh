#!/bin/sh
# run-tests.sh - the README's test command: installs what is missing, builds
# with warnings as errors, runs every test tier (unit, C API, integration
# against the real rsyslogd) and fails if any test fails, errors or skips.
set -eu
cd "$(dirname "$0")"
top=$(pwd)

./contrib/install-deps.sh

build="${BUILD_DIR:-$top/_build}"
[ -f configure ] && [ configure -nt configure.ac ] && [ configure -nt Makefile.am ] || autoreconf -fi
mkdir -p "$build"
cd "$build"
"$top/configure" -q --enable-werror ${CONFIGURE_FLAGS:-}
make -j"$(nproc)"

status=0
make -j"$(nproc)" check || status=$?

log=test-suite.log
if [ -f "$log" ]; then
  sed -n '1,12p' "$log"
  # A skip is a failure here: CI installs every tool.
  for what in FAIL XFAIL XPASS ERROR SKIP; do
    n=$(sed -n "s/^# $what: *//p" "$log" | head -n 1)
    if [ -n "$n" ] && [ "$n" != 0 ]; then
      echo "run-tests: $n test(s) $what" >&2
      grep -E "^($what): " "$log" >&2 || true
      status=1
      # Show the end of each failing test's log: CI has nothing else.
      for t in $(sed -n "s/^$what: \(.*\)$/\1/p" "$log"); do
        echo "----- tail of $t.log -----" >&2
        tail -n 60 "$t.log" >&2 2>/dev/null || true
      done
    fi
  done
  pass=$(sed -n 's/^# PASS: *//p' "$log" | head -n 1)
  fail=$(sed -n 's/^# FAIL: *//p' "$log" | head -n 1)
  echo "${pass:-0} passed, ${fail:-0} failed"
else
  echo "run-tests: no test-suite.log" >&2
  status=1
fi
exit "$status"
