# Verbs of the protocol-abuse and back-pressure tests (imtls-abuse-*.sh,
# imtls-backpressure-*.sh); source after lib.sh.
#   abuse ARGS...                  run tests/tools/tls-abuse against
#                                  127.0.0.1:$PORT with certificate "client"
#                                  (ARGS may add --cert/--key to override);
#                                  output in $T/abuse.out; returns its exit code
#   start_abuse NAME ARGS...       the same in the background (start_bg NAME),
#                                  output in $T/NAME.stdout
#   start_good NAME FIRST N [ARGS...]
#                                  the loader in the background: N messages
#                                  from FIRST on one connection (a well-behaved
#                                  client alongside), output in $T/NAME.stdout
#   daemon_pid NAME                print the pid of rsyslogd NAME
#   cpu_ms PID                     utime+stime of PID in milliseconds
#   rss_kb PID / hwm_kb PID        VmRSS / VmHWM of PID in KiB
#   out_range FILE LO HI           print the lines of FILE whose msgnum is in
#                                  LO..HI (to separate clients by range)
#   refusal_lines NAME REGEX REASON  after daemon NAME stopped: the number of
#                                  lines of $T/NAME.log matching REGEX plus the
#                                  lines the runtime's log governor held back
#                                  for REASON (at most 5 refusal or failure
#                                  lines per reason and second are logged; the
#                                  rest are counted in "N more refusal lines
#                                  suppressed ... (reason: REASON; ...", which
#                                  the final flush at stop may write to stderr)

abuse_tool() {
    _ab=${abs_top_builddir:-}/tests/tools/tls-abuse
    [ -x "$_ab" ] || skip "tests/tools/tls-abuse not built (make check builds it)"
    echo "$_ab"
}

abuse() {
    _ab=$(abuse_tool) || exit $?
    gen_certs
    "$_ab" -p "$PORT" --ca "$CERTS/ca.pem" --cert "$CERTS/client-cert.pem" \
        --key "$CERTS/client-key.pem" "$@" > "$T/abuse.out" 2>&1
}

start_abuse() {
    _n=$1
    shift
    _ab=$(abuse_tool) || exit $?
    gen_certs
    start_bg "$_n" "$_ab" -p "$PORT" --ca "$CERTS/ca.pem" --cert "$CERTS/client-cert.pem" \
        --key "$CERTS/client-key.pem" "$@"
}

start_good() {
    _n=$1 _first=$2 _count=$3
    shift 3
    _ld=$(loader_tool) || exit $?
    gen_certs
    start_bg "$_n" "$_ld" -t 127.0.0.1 -p "$PORT" --ca "$CERTS/ca.pem" \
        --cert "$CERTS/client-cert.pem" --key "$CERTS/client-key.pem" \
        --servername localhost --hostname tbhost --tag tbtest \
        --start "$_first" -n "$_count" "$@"
}

daemon_pid() {
    cat "$T/$1.pid" 2>/dev/null || fail "no pid file of $1"
}

cpu_ms() {
    # fields 14 and 15 of /proc/PID/stat, counted after the ")" that ends comm
    sed 's/.*) //' "/proc/$1/stat" | awk -v hz="$(getconf CLK_TCK)" '{ printf "%d\n", ($12 + $13) * 1000 / hz }'
}

rss_kb() {
    awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"
}

hwm_kb() {
    awk '/^VmHWM:/ { print $2 }' "/proc/$1/status"
}

out_range() {
    awk -v lo="$2" -v hi="$3" 'match($0, /msgnum:[0-9]+:/) {
        n = substr($0, RSTART + 7, RLENGTH - 8) + 0; if (n >= lo && n <= hi) print }' "$1"
}

refusal_lines() {
    _logged=$(grep -Eic "$2" "$T/$1.log")
    _held=$(cat "$T/$1.log" "$T/$1.stderr" 2>/dev/null |
        sed -n "s/.* \([0-9][0-9]*\) more refusal lines suppressed in the last .* (reason: $3; .*/\1/p" |
        awk '{ n += $1 } END { print n + 0 }')
    echo $((_logged + _held))
}
