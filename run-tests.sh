#!/bin/sh
# run-tests.sh - the README's test command: installs what is missing, then
# builds twice with warnings as errors - a plain build and an
# AddressSanitizer + UndefinedBehaviorSanitizer build - and runs every test
# tier in each (unit, C API, integration against the real rsyslogd). Fails
# if any test fails, errors or skips. SANITIZE=0 skips the sanitizer pass.
set -eu
cd "$(dirname "$0")"
top=$(pwd)

./contrib/install-deps.sh

if [ ! -f configure ] || [ configure.ac -nt configure ]; then
  autoreconf -fi
fi

total_pass=0
total_fail=0
status=0

# run_suite NAME CONFIGURE-FLAGS...: builds in _build-NAME and runs make check.
run_suite() {
  name=$1
  shift
  build="$top/_build-$name"
  echo "== $name build ($*) in $build"
  mkdir -p "$build"
  (cd "$build" && "$top/configure" -q --enable-werror "$@" && make -j"$(nproc)" >/dev/null)
  suite_status=0
  (cd "$build" && make -j"$(nproc)" check) || suite_status=$?
  log="$build/test-suite.log"
  if [ ! -f "$log" ]; then
    echo "run-tests: $name: no test-suite.log" >&2
    status=1
    return
  fi
  sed -n '1,12p' "$log"
  [ "$suite_status" -eq 0 ] || status=1
  # A skip is a failure here: CI installs every tool.
  for what in FAIL XFAIL XPASS ERROR SKIP; do
    n=$(sed -n "s/^# $what: *//p" "$log" | head -n 1)
    if [ -n "$n" ] && [ "$n" != 0 ]; then
      echo "run-tests: $name: $n test(s) $what" >&2
      status=1
      # Show the end of each such test's log: CI has nothing else.
      for trs in $(cd "$build" && grep -l -r --include='*.trs' "^:test-result: $what" . | sort); do
        t=${trs%.trs}
        echo "----- $name: $what: tail of ${t#./}.log -----" >&2
        tail -n 60 "$build/$t.log" >&2 2>/dev/null || true
      done
    fi
  done
  p=$(sed -n 's/^# PASS: *//p' "$log" | head -n 1)
  f=$(sed -n 's/^# FAIL: *//p' "$log" | head -n 1)
  e=$(sed -n 's/^# ERROR: *//p' "$log" | head -n 1)
  total_pass=$((total_pass + ${p:-0}))
  total_fail=$((total_fail + ${f:-0} + ${e:-0}))
}

run_suite plain
if [ "${SANITIZE:-1}" != 0 ]; then
  run_suite sanitize --enable-asan --enable-ubsan
fi

# The Debian packages: build, lintian, install, load by name, deliver,
# purge (tests/package/check-package.sh); one test in the totals, and a
# skip is a failure here too.
echo "== check-package"
if (cd "$top/_build-plain" && CI=true make check-package); then
  total_pass=$((total_pass + 1))
else
  total_fail=$((total_fail + 1))
  status=1
fi

echo "$total_pass passed, $total_fail failed"
exit "$status"
