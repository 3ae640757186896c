#!/bin/sh
# stress-check.sh - runs the whole ./run-tests.sh several times in a row and
# reports each run's failures and time, to catch tests that fail only now
# and then.
#
# Usage: contrib/stress-check.sh [--load] [RUNS]
#   RUNS     number of runs (default 5)
#   --load   keep every core busy meanwhile (stress-ng --cpu 0, installed by
#            contrib/install-deps.sh), started and stopped by pid, also when
#            this script is interrupted
# Each run's output goes to $STRESS_LOG_DIR/run-K.log (default _stress/ in the
# source tree). Exits 0 when every run passed, 1 otherwise, 2 on bad usage.
set -u
cd "$(dirname "$0")/.."
top=$(pwd)

usage() {
    sed -n '5,12p' "$0" | sed 's/^# \{0,1\}//'
}

load=0
runs=5
for a in "$@"; do
    case $a in
        --load) load=1 ;;
        -h|--help) usage; exit 0 ;;
        ''|*[!0-9]*) usage >&2; exit 2 ;;
        *) runs=$a ;;
    esac
done
[ "$runs" -ge 1 ] || { usage >&2; exit 2; }

logs=${STRESS_LOG_DIR:-$top/_stress}
mkdir -p "$logs"

# Each run and the hog start in a session of their own (setsid), so that an
# interruption stops the whole run (make, tests, daemons) by its group id
# (procps's /bin/kill: the shell's own kill may not take a group).
hog=""
run=""
stop_hog() {
    if [ -n "$run" ]; then
        /bin/kill -TERM -- "-$run" 2>/dev/null
        wait "$run" 2>/dev/null
        run=""
    fi
    if [ -n "$hog" ]; then
        /bin/kill -TERM -- "-$hog" 2>/dev/null
        wait "$hog" 2>/dev/null
        hog=""
    fi
}
trap 'stop_hog' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ "$load" = 1 ]; then
    ./contrib/install-deps.sh
    command -v stress-ng >/dev/null 2>&1 || { echo "stress-check: stress-ng not installed" >&2; exit 2; }
    setsid stress-ng --cpu 0 --quiet &
    hog=$!
    echo "stress-check: stress-ng --cpu 0 running (pid $hog)"
fi

summary=""
failed_runs=0
k=1
while [ "$k" -le "$runs" ]; do
    log=$logs/run-$k.log
    echo "stress-check: run $k of $runs (log $log)"
    t0=$(date +%s)
    # in the background: a signal's trap runs at once, not after the run
    setsid ./run-tests.sh > "$log" 2>&1 &
    run=$!
    wait "$run"
    rc=$?
    run=""
    took=$(( $(date +%s) - t0 ))
    # run-tests.sh names each failing test in a "----- SUITE: WHAT: tail of" line
    failures=$(sed -n 's/^----- \([a-z]*\): \([A-Z]*\): tail of \(.*\)\.log -----$/\1:\3(\2)/p' "$log" | tr '\n' ' ')
    if [ "$rc" -eq 0 ]; then
        line="run $k: pass, ${took}s"
    else
        failed_runs=$((failed_runs + 1))
        line="run $k: FAIL (exit $rc), ${took}s: ${failures:-see $log}"
    fi
    echo "stress-check: $line"
    summary="$summary$line
"
    k=$((k + 1))
done
stop_hog

echo "stress-check: $runs run(s), $failed_runs failed$([ "$load" = 1 ] && echo ', under stress-ng --cpu 0')"
printf '%s' "$summary"
[ "$failed_runs" -eq 0 ]
