# Shared verbs for the integration tests (imtls-*.sh, omtls-*.sh).
#
# Source it first thing:   . "${abs_top_srcdir:-.}/tests/integration/lib.sh"
# POSIX sh (dash); no bashisms.  The harness (make check) exports
# abs_top_srcdir, abs_top_builddir, RSYSLOGD and LD_LIBRARY_PATH; without them
# the script falls back to the source tree, $TMPDIR and /usr/sbin/rsyslogd.
#
# What sourcing does:
#   - creates the per-test work dir $T (under $abs_top_builddir/tests/work, or
#     mktemp) and sets $TEST (script name without .sh);
#   - installs a trap (EXIT INT TERM) that stops every process the test started
#     with start_rsyslogd / start_bg (by recorded pid, never by name), prints the
#     logs of a failed test, and removes $T when the test passed (KEEP_WORK=1
#     keeps it).
#
# Exit codes: 0 pass, 1 fail, 77 skip (a missing tool; under CI=true a missing
# tool fails instead).
#
# Verbs (all fail the test on timeout; TIMEOUTs are in seconds, default
# $TB_TIMEOUT = 30, scaled by $TB_TIMEOUT_FACTOR if set; a sanitizer build
# sets it to 3 unless given):
#   fail MSG...                    print "FAIL: MSG" and exit 1
#   skip MSG...                    exit 77 (exit 1 under CI=true)
#   need_tool NAME...              skip/fail when a program is not in PATH
#   gen_certs                      generate the test PKI into $CERTS (= $T/certs);
#                                  file list: top of tests/certs/gen-certs.sh
#   imtls_module / omtls_module    print the absolute path of the built .so
#                                  (skip/fail when not built).  Verbs that print
#                                  run in a subshell, where fail/skip cannot end
#                                  the test: write  mod=$(imtls_module) || exit $?
#   loader_tool                    print the path of tools/syslogtls-loader
#                                  (same || exit $? rule)
#   run_loader [ARGS...]           run the loader against 127.0.0.1:$PORT with TLS,
#                                  trusting ca.pem, certificate "client", verifying
#                                  the server as "localhost"; ARGS are added
#                                  (e.g. -n 1000 --start 1 -c 4 --source 127.0.0.2);
#                                  output in $T/loader.out; returns its exit code
#   conf_head NAME                 print the common config head for daemon NAME:
#                                  global() with workDirectory $T/NAME.work,
#                                  processInternalMessages, no DNS; one main
#                                  queue worker (keeps order; $TB_MAIN_QUEUE_PARAMS,
#                                  raw text, adds main_queue() parameters); templates
#                                  "t_out" (%fromhost-ip% %inputname% %msg%),
#                                  "t_json" (%msg:::json%, one record per line),
#                                  "t_raw" (%rawmsg%); and a rule writing
#                                  rsyslogd's own messages to $T/NAME.log (then
#                                  stop).  Test messages must not use tag rsyslogd.
#   conf_stats NAME                print impstats config writing json lines to
#                                  $T/NAME.stats every second
#   start_rsyslogd NAME CONF [PORTFILE...]
#                                  run "$RSYSLOGD -n -f CONF -i $T/NAME.pid" in the
#                                  background (stdout+stderr -> $T/NAME.stderr),
#                                  wait for the pid file and every PORTFILE
#                                  TB_VALGRIND=1 runs it under valgrind (memory
#                                  errors only, log $T/NAME.vg); *-vg.sh scripts set
#                                  it and TB_TIMEOUT_FACTOR, then source the base
#                                  scenario
#   stop_rsyslogd NAME             SIGTERM by pid, bounded wait, SIGKILL after
#                                  (and fail: a daemon that must be killed is a bug;
#                                  under TB_VALGRIND=1 also fail on valgrind errors)
#   rsyslogd_alive NAME            true while the daemon runs
#   rsyslogd_check CONF            run "$RSYSLOGD -N1 -f CONF"; output in
#                                  $T/check.out; returns its exit code
#   imtls_check_refuses REGEX PARAM...
#                                  rsyslogd -N1 on imtls_conf with PARAMs (and
#                                  $IMTLS_MODULE_PARAMS) must fail and print REGEX
#   start_bg NAME CMD...           run CMD in the background (stdout -> $T/NAME.stdout,
#                                  stderr -> $T/NAME.stderr), record its pid
#   stop_bg NAME                   SIGTERM (then SIGKILL) a start_bg process
#   wait_bg NAME [TIMEOUT]         wait for a start_bg process to exit; returns its
#                                  exit code
#   scaled_seconds S               S scaled by $TB_TIMEOUT_FACTOR (whole seconds):
#                                  the bound for an elapsed time
#   wait_for_file F [TIMEOUT]      until F exists and is not empty
#   wait_for_count FILE N [TIMEOUT] until FILE has >= N lines
#   wait_for_grep FILE REGEX [TIMEOUT] until grep -Ei REGEX matches in FILE
#   assert_grep FILE REGEX         grep -Ei must match
#   assert_no_grep FILE REGEX      grep -Ei must not match
#   assert_count FILE N            FILE has exactly N lines
#   port_of PORTFILE               print the port number in PORTFILE
#                                  (port=$(port_of F) || exit $?)
#   gen_lines FILE FIRST LAST      plain lines "msgnum:%08d:" (for imfile)
#   gen_syslog FILE FIRST LAST [TAG]
#                                  RFC 5424 lines "<13>1 ... TAG - - - msgnum:%08d:"
#   seq_check FILE FIRST LAST      every msgnum FIRST..LAST exactly once, in order,
#                                  nothing else carrying a msgnum
#   count_check FILE FIRST LAST    every msgnum FIRST..LAST exactly once, any order
#                                  (several connections)
#   msgnums FILE                   print the msgnum values found in FILE, one a line
#                                  (decimal without leading zeros)
#   stat_value STATSFILE NAME COUNTER
#                                  print the last value of COUNTER of the impstats
#                                  object NAME, NAME(x) or x(NAME) -- imtls names
#                                  its inputs "imtls(NAME)" (empty if none yet)
#   wait_for_stat STATSFILE NAME COUNTER VALUE [TIMEOUT]
#                                  until that counter is >= VALUE
#   send_gnutls_cli PORT CERTNAME [ARGS...] < DATA
#                                  gnutls-cli to 127.0.0.1:PORT trusting ca.pem,
#                                  presenting $CERTS/CERTNAME-cert.pem (or none when
#                                  CERTNAME is "-"); output in $T/gnutls-cli.out;
#                                  returns gnutls-cli's exit code
#                                  (TB_PEER_HOST=::1 connects there instead,
#                                  also for send_openssl)
#   send_openssl PORT CERTNAME [ARGS...] < DATA
#                                  the same with openssl s_client; output in
#                                  $T/openssl.out
#   plain_connect_hold PORT SECONDS a TCP client on 127.0.0.1:PORT that sends nothing
#                                  for SECONDS (background, name "hold")
#   send_plain PORT < DATA         write DATA over plain TCP to 127.0.0.1:PORT
#   hold_session PORT CERTNAME     a TLS session kept open (gnutls-cli reading a FIFO
#                                  held on fd 7: write lines with >&7, end it with
#                                  "exec 7>&-"); background name "hold"
#   client_port PORT               local port of the established client socket
#                                  toward 127.0.0.1:PORT
#   start_relay NAME PORT          a plain TCP relay to 127.0.0.1:PORT (one client;
#                                  SIGSTOP holds bytes in it), sets $RELAY_PORT
#   recv_q FILTER                  receive queue in bytes of the first established
#                                  socket matching the ss FILTER (0 if none)
#
# Further verbs are documented in their sections below: imtls receivers
# (imtls_conf, start_imtls, imtls_only), rsyslog as a sender (sender_conf,
# omfwd_gtls_action), stunnel (start_stunnel), refusals (wait_for_refusal,
# assert_serves_good_client), HUP (hup_rsyslogd), warnings (assert_no_warning),
# certificate lifecycle (gen_extra_cert, gen_crl, cert_fp, cert_serial,
# live_certs, swap_file, hup_and_wait, count_grep, wait_for_grep_count).

TB_TIMEOUT=${TB_TIMEOUT:-30}
# instrumented modules run several times slower: scale every bound
if [ -n "${SYSLOGTLS_SANITIZER_PRELOAD:-}" ]; then
    TB_TIMEOUT_FACTOR=${TB_TIMEOUT_FACTOR:-3}
fi
TEST=$(basename "$0" .sh)
abs_top_srcdir=${abs_top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
abs_top_builddir=${abs_top_builddir:-}
RSYSLOGD=${RSYSLOGD:-/usr/sbin/rsyslogd}
export LC_ALL=C

# never write into the source tree: without a build tree, use $TMPDIR.
# TB_WORK_IN_TMP=1 (set before sourcing): $TMPDIR also with a build tree,
# for a daemon that drops privileges and must reach $T as another user (a
# build tree may lie below directories only its owner can enter).
if [ "${TB_WORK_IN_TMP:-0}" != 1 ] && [ -n "${abs_top_builddir:-}" ] &&
    mkdir -p "$abs_top_builddir/tests/work" 2>/dev/null; then
    T=$(mktemp -d "$abs_top_builddir/tests/work/$TEST.XXXXXX")
else
    T=$(mktemp -d "${TMPDIR:-/tmp}/$TEST.XXXXXX")
fi
[ -n "$T" ] && [ -d "$T" ] || { echo "FAIL: cannot create work dir" >&2; exit 1; }
CERTS=$T/certs
_tb_failmsg=""

# ---- failure, skip, cleanup -------------------------------------------------

fail() {
    _tb_failmsg="$*"
    echo "FAIL: $TEST: $*" >&2
    exit 1
}

skip() {
    if [ "${CI:-}" = true ]; then
        fail "(CI=true, skip not allowed) $*"
    fi
    echo "SKIP: $TEST: $*" >&2
    exit 77
}

need_tool() {
    for _t in "$@"; do
        command -v "$_t" >/dev/null 2>&1 || skip "tool '$_t' not found"
    done
}

_tb_timeout() {
    # scaled timeout: _tb_timeout [SECONDS] -> number of 0.1 s polls
    _s=${1:-$TB_TIMEOUT}
    awk -v s="$_s" -v f="${TB_TIMEOUT_FACTOR:-1}" 'BEGIN { printf "%d\n", s * f * 10 }'
}

# scaled_seconds S: S seconds scaled like every timeout (an upper bound for
# an elapsed time: "[ $took -le $(scaled_seconds 5) ]")
scaled_seconds() {
    awk -v s="$1" -v f="${TB_TIMEOUT_FACTOR:-1}" 'BEGIN { printf "%d\n", s * f + 0.999 }'
}

_tb_kill_pidfile() {
    # _tb_kill_pidfile PIDFILE LABEL: TERM, wait up to 10 s, KILL. Returns 2 if killed.
    _pf=$1
    [ -s "$_pf" ] || return 0
    _pid=$(cat "$_pf")
    case $_pid in ''|*[!0-9]*) return 0 ;; esac
    kill -0 "$_pid" 2>/dev/null || return 0
    kill -TERM "$_pid" 2>/dev/null
    kill -CONT "$_pid" 2>/dev/null # a test may have frozen it with SIGSTOP
    _n=$(_tb_timeout 10)
    while [ "$_n" -gt 0 ] && kill -0 "$_pid" 2>/dev/null; do
        # reap if it is our child (zombies still answer kill -0)
        if ! ps -p "$_pid" -o stat= 2>/dev/null | grep -qv Z; then break; fi
        sleep 0.1
        _n=$((_n - 1))
    done
    if ps -p "$_pid" -o stat= 2>/dev/null | grep -qv Z; then
        echo "WARNING: $2 (pid $_pid) did not stop within 10 s of SIGTERM; SIGKILL" >&2
        kill -KILL "$_pid" 2>/dev/null
        return 2
    fi
    return 0
}

_tb_dump() {
    # print logs of a failed test, bounded
    echo "==== logs of $TEST (work dir $T) ====" >&2
    for _f in "$T"/*.stderr "$T"/*.log "$T"/*.out "$T"/*.stdout "$T"/*.conf "$T"/check.out "$T"/*.vg; do
        [ -f "$_f" ] || continue
        echo "---- $(basename "$_f") ($(wc -l < "$_f") lines, last 40) ----" >&2
        tail -n 40 "$_f" >&2
    done
    echo "==== end of logs ====" >&2
}

_tb_cleanup() {
    _rc=$?
    trap - EXIT INT TERM
    set +e
    for _pf in "$T"/*.pid "$T"/*.bgpid; do
        [ -f "$_pf" ] || continue
        _tb_kill_pidfile "$_pf" "$(basename "$_pf")"
    done
    if [ "$_rc" -ne 0 ] && [ "$_rc" -ne 77 ]; then
        _tb_dump
        echo "work dir kept: $T" >&2
    elif [ "${KEEP_WORK:-0}" = 1 ]; then
        echo "work dir kept: $T" >&2
    else
        rm -rf "$T"
    fi
    exit "$_rc"
}
trap _tb_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- artifacts ---------------------------------------------------------------

gen_certs() {
    [ -s "$CERTS/ca.pem" ] && return 0
    need_tool openssl
    sh "$abs_top_srcdir/tests/certs/gen-certs.sh" "$CERTS" || fail "gen-certs.sh failed"
}

# dns_only_server_cert NAME DNSNAME: $CERTS/NAME-cert.pem and -key.pem,
# CN=DNSNAME, SAN DNS:DNSNAME only (no IP SAN), serverAuth, signed by the
# test CA of gen_certs (call gen_certs first). Fails the test if openssl
# cannot make it, or if the standard server-cert.pem lost its IP SAN (the
# tests contrast the two).
dns_only_server_cert() {
    need_tool openssl
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$CERTS/$1-key.pem" 2>/dev/null &&
    openssl req -new -key "$CERTS/$1-key.pem" -subj "/CN=$2" -out "$CERTS/$1.csr" 2>/dev/null &&
    printf 'subjectAltName=DNS:%s\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n' "$2" \
        > "$CERTS/$1.ext" &&
    openssl x509 -req -in "$CERTS/$1.csr" -CA "$CERTS/ca.pem" -CAkey "$CERTS/ca-key.pem" \
        -CAcreateserial -days 3650 -extfile "$CERTS/$1.ext" -out "$CERTS/$1-cert.pem" 2>/dev/null ||
        fail "cannot make certificate $1"
    openssl x509 -in "$CERTS/$1-cert.pem" -noout -text | grep -q 'IP Address' && fail "$1 has an IP SAN"
    openssl x509 -in "$CERTS/server-cert.pem" -noout -text | grep -q 'IP Address:127\.0\.0\.1' ||
        fail "server-cert.pem lacks IP SAN 127.0.0.1 (gen-certs.sh changed?)"
}

_tb_find_module() {
    for _p in "$abs_top_builddir/plugins/$1/.libs/$1.so" \
              "$abs_top_builddir/.libs/$1.so" \
              "$abs_top_builddir/plugins/$1/$1.so"; do
        if [ -f "$_p" ]; then echo "$_p"; return 0; fi
    done
    return 1
}

imtls_module() {
    _tb_find_module imtls || skip "imtls.so not built (make first)"
}

omtls_module() {
    _tb_find_module omtls || skip "omtls.so not built (make first)"
}

# built_tool NAME: the path of the project's program tools/NAME (skip/fail
# when it is not built); prints, so callers write  x=$(built_tool N) || exit $?
built_tool() {
    for _p in "$abs_top_builddir/tools/$1" "$abs_top_builddir/$1"; do
        if [ -x "$_p" ]; then echo "$_p"; return 0; fi
    done
    skip "tools/$1 not built"
}

loader_tool() {
    built_tool syslogtls-loader
}

run_loader() {
    _ld=$(loader_tool) || exit $?
    gen_certs
    "$_ld" -t 127.0.0.1 -p "$PORT" --ca "$CERTS/ca.pem" --cert "$CERTS/client-cert.pem" \
        --key "$CERTS/client-key.pem" --servername localhost --hostname tbhost --tag tbtest \
        "$@" > "$T/loader.out" 2>&1
}

# ---- config snippets ------------------------------------------------------------

conf_head() {
    mkdir -p "$T/$1.work"
    cat <<EOF
global(workDirectory="$T/$1.work" processInternalMessages="on"
       net.enableDNS="off" maxMessageSize="64k")
main_queue(queue.workerThreads="1" ${TB_MAIN_QUEUE_PARAMS:-})
template(name="t_out" type="string" string="%fromhost-ip% %inputname% %msg%\\n")
template(name="t_json" type="string" string="%fromhost-ip% %inputname% %msg:::json%\\n")
template(name="t_raw" type="string" string="%rawmsg%\\n")
template(name="t_log" type="string" string="%syslogseverity-text% %syslogtag%%msg%\\n")
if \$syslogtag startswith "rsyslogd" then {
    action(type="omfile" file="$T/$1.log" template="t_log")
    stop
}
EOF
}

conf_stats() {
    cat <<EOF
module(load="impstats" interval="1" format="json" log.syslog="off"
       log.file="$T/$1.stats" resetCounters="off")
EOF
}

# ---- daemons ----------------------------------------------------------------------

# Runs rsyslogd. In a sanitizer build (--enable-asan/--enable-ubsan) the
# modules are instrumented but rsyslogd is not: preload the sanitizer runtimes
# (the sanitizer then stands in for valgrind in the *-vg tests). Leak checks
# stay off there: rsyslogd unloads modules before exit, which LeakSanitizer
# cannot symbolize; the unit tests cover leaks of the runtime.
_tb_preload=$(echo ${SYSLOGTLS_SANITIZER_PRELOAD:-} | tr ' ' ':')
if [ -n "$_tb_preload" ]; then
    # env execs rsyslogd, so $! stays the daemon's pid.
    _tb_env="env LD_PRELOAD=$_tb_preload ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1"
else
    _tb_env=""
fi

start_rsyslogd() {
    _name=$1 _conf=$2
    shift 2
    for _p in "$@"; do rm -f "$_p"; done
    rm -f "$T/$_name.pid"
    _vg=""
    if [ "${TB_VALGRIND:-0}" = 1 ] && [ -z "$_tb_preload" ]; then
        need_tool valgrind
        _vg="valgrind --quiet --error-exitcode=99 --num-callers=30 --log-file=$T/$_name.vg"
        _vg="$_vg --suppressions=$abs_top_srcdir/tests/integration/valgrind.supp"
    fi
    $_vg $_tb_env "$RSYSLOGD" -n -f "$_conf" -i "$T/$_name.pid" >>"$T/$_name.stderr" 2>&1 &
    echo $! > "$T/$_name.bgpid"
    _n=$(_tb_timeout)
    while [ ! -s "$T/$_name.pid" ]; do
        kill -0 "$(cat "$T/$_name.bgpid")" 2>/dev/null \
            || fail "rsyslogd $_name exited during startup"
        [ "$_n" -gt 0 ] || fail "rsyslogd $_name: no pid file after ${TB_TIMEOUT}s"
        sleep 0.1
        _n=$((_n - 1))
    done
    for _p in "$@"; do
        while ! grep -qE '^[0-9]+$' "$_p" 2>/dev/null; do
            kill -0 "$(cat "$T/$_name.bgpid")" 2>/dev/null \
                || fail "rsyslogd $_name exited before writing $_p"
            [ "$_n" -gt 0 ] || fail "rsyslogd $_name: no port file $_p after ${TB_TIMEOUT}s"
            sleep 0.1
            _n=$((_n - 1))
        done
    done
}

rsyslogd_alive() {
    [ -s "$T/$1.bgpid" ] && ps -p "$(cat "$T/$1.bgpid")" -o stat= 2>/dev/null | grep -qv Z
}

stop_rsyslogd() {
    [ -s "$T/$1.bgpid" ] || fail "stop_rsyslogd: $1 was not started"
    _pid=$(cat "$T/$1.bgpid")
    rsyslogd_alive "$1" || {
        wait "$_pid" 2>/dev/null
        fail "rsyslogd $1 was no longer running (exit $?)"
    }
    _tb_kill_pidfile "$T/$1.bgpid" "rsyslogd $1"
    _k=$?
    wait "$_pid" 2>/dev/null
    _st=$?
    rm -f "$T/$1.bgpid"
    [ "$_k" -eq 0 ] || fail "rsyslogd $1 had to be killed"
    if [ "${TB_VALGRIND:-0}" = 1 ] && [ "$_st" -eq 99 ]; then
        fail "valgrind found errors in rsyslogd $1 (see $1.vg)"
    fi
}

rsyslogd_check() {
    $_tb_env "$RSYSLOGD" -N1 -f "$1" > "$T/check.out" 2>&1
}

start_bg() {
    _name=$1
    shift
    "$@" >"$T/$_name.stdout" 2>"$T/$_name.stderr" &
    echo $! > "$T/$_name.bgpid"
}

stop_bg() {
    [ -s "$T/$1.bgpid" ] || return 0
    _pid=$(cat "$T/$1.bgpid")
    _tb_kill_pidfile "$T/$1.bgpid" "$1"
    wait "$_pid" 2>/dev/null
    rm -f "$T/$1.bgpid"
}

wait_bg() {
    [ -s "$T/$1.bgpid" ] || fail "wait_bg: $1 was not started"
    _pid=$(cat "$T/$1.bgpid")
    _n=$(_tb_timeout "${2:-}")
    while ps -p "$_pid" -o stat= 2>/dev/null | grep -qv Z; do
        [ "$_n" -gt 0 ] || fail "$1 (pid $_pid) still running after ${2:-$TB_TIMEOUT}s"
        sleep 0.1
        _n=$((_n - 1))
    done
    rm -f "$T/$1.bgpid"
    wait "$_pid"
}

# ---- waiting and asserting -------------------------------------------------------

wait_for_file() {
    _n=$(_tb_timeout "${2:-}")
    while [ ! -s "$1" ]; do
        [ "$_n" -gt 0 ] || fail "file $1 not there after ${2:-$TB_TIMEOUT}s"
        sleep 0.1
        _n=$((_n - 1))
    done
}

_tb_lines() {
    if [ -f "$1" ]; then wc -l < "$1" | tr -d ' '; else echo 0; fi
}

wait_for_count() {
    _n=$(_tb_timeout "${3:-}")
    while [ "$(_tb_lines "$1")" -lt "$2" ]; do
        [ "$_n" -gt 0 ] || fail "$1: $(_tb_lines "$1") lines, expected $2 within ${3:-$TB_TIMEOUT}s"
        sleep 0.1
        _n=$((_n - 1))
    done
}

wait_for_grep() {
    _n=$(_tb_timeout "${3:-}")
    while ! grep -Eiq -- "$2" "$1" 2>/dev/null; do
        [ "$_n" -gt 0 ] || fail "$1: no line matching /$2/ within ${3:-$TB_TIMEOUT}s"
        sleep 0.1
        _n=$((_n - 1))
    done
}

assert_grep() {
    grep -Eiq -- "$2" "$1" 2>/dev/null || fail "$1: no line matching /$2/"
}

assert_no_grep() {
    if grep -Ei -- "$2" "$1" 2>/dev/null; then
        fail "$1: unexpected line(s) matching /$2/"
    fi
}

assert_count() {
    _c=$(_tb_lines "$1")
    [ "$_c" -eq "$2" ] || fail "$1: $_c lines, expected exactly $2"
}

port_of() {
    _p=$(cat "$1" 2>/dev/null)
    case $_p in ''|*[!0-9]*) fail "port file $1 holds no port" ;; esac
    echo "$_p"
}

# ---- messages ----------------------------------------------------------------------

gen_lines() {
    awk -v a="$2" -v b="$3" 'BEGIN { for (i = a; i <= b; i++) printf "msgnum:%08d:\n", i }' > "$1"
}

gen_syslog() {
    awk -v a="$2" -v b="$3" -v tag="${4:-tbtest}" 'BEGIN {
        for (i = a; i <= b; i++)
            printf "<13>1 2026-01-01T00:00:00Z tbhost %s - - - msgnum:%08d:\n", tag, i }' > "$1"
}

msgnums() {
    # decimal, no leading zeros (safe in $((...)))
    grep -o 'msgnum:[0-9]*' "$1" 2>/dev/null | sed 's/msgnum://' | awk '{ print $1 + 0 }'
}

seq_check() {
    [ -f "$1" ] || fail "seq_check: $1 does not exist"
    _r=$(grep -o 'msgnum:[0-9]*' "$1" | sed 's/msgnum://' | awk -v a="$2" -v b="$3" '
        BEGIN { want = a + 0 }
        { n = $1 + 0
          if (n != want) { printf "expected msgnum %d, got %d (msgnum #%d)\n", want, n, NR; bad = 1; exit }
          want++ }
        END { if (!bad && want != b + 1) printf "last msgnum %d, expected %d\n", want - 1, b
              if (!bad && want == b + 1) print "ok" }')
    [ "$_r" = ok ] || fail "seq_check $1 $2..$3: ${_r:-awk failed}"
}

count_check() {
    [ -f "$1" ] || fail "count_check: $1 does not exist"
    _r=$(msgnums "$1" | sort -n | awk -v a="$2" -v b="$3" '
        BEGIN { want = a + 0 }
        { if ($1 != want) { printf "msgnum %d %s\n", want, ($1 < want ? "duplicated" : "missing"); bad = 1; exit }
          want++ }
        END { if (!bad && want != b + 1) printf "last msgnum %d, expected %d\n", want - 1, b
              if (!bad && want == b + 1) print "ok" }')
    [ "$_r" = ok ] || fail "count_check $1 $2..$3: ${_r:-awk failed}"
}

# ---- impstats -----------------------------------------------------------------------

stat_value() {
    # impstats json: { "name": "X", "origin": "Y", "counter": N, ... }; the last
    # line for NAME, "NAME(...)" (imtcp) or "...(NAME)" (imtls(NAME)) wins
    grep -E "\"name\": *\"($2|$2\\([^\"]*\\)|[^\"]*\\($2\\))\"" "$1" 2>/dev/null | tail -n 1 \
        | sed -n "s/.*\"$3\":[ ]*\([0-9][0-9]*\).*/\1/p"
}

wait_for_stat() {
    _n=$(_tb_timeout "${5:-}")
    while :; do
        _v=$(stat_value "$1" "$2" "$3")
        [ -n "$_v" ] && [ "$_v" -ge "$4" ] && return 0
        [ "$_n" -gt 0 ] || fail "impstats $2.$3 = '${_v}', expected >= $4 within ${5:-$TB_TIMEOUT}s"
        sleep 0.1
        _n=$((_n - 1))
    done
}

# ---- TLS and TCP peers ----------------------------------------------------------------

# hold_session PORT CERTNAME: gnutls-cli to 127.0.0.1:PORT reading the FIFO
# $T/hold.fifo, which this shell keeps open on fd 7 (write lines with >&7;
# "exec 7>&-" ends the session); process name "hold".
hold_session() {
    rm -f "$T/hold.fifo"
    mkfifo "$T/hold.fifo"
    start_bg hold sh -c 'f=$1; shift; exec gnutls-cli "$@" < "$f"' hold "$T/hold.fifo" \
        --x509cafile="$CERTS/ca.pem" --x509certfile="$CERTS/$2-cert.pem" \
        --x509keyfile="$CERTS/$2-key.pem" --port="$1" 127.0.0.1
    exec 7> "$T/hold.fifo"
}

# start_relay NAME PORT: a plain TCP relay (perl, which Debian always has)
# listening on 127.0.0.1 (port 0; port file $T/NAME.port, port in
# $RELAY_PORT) that accepts one client and relays its bytes to
# 127.0.0.1:PORT and back. Freeze it with SIGSTOP to hold bytes in its
# sockets; after SIGCONT it forwards client -> server before server ->
# client. Background name NAME.
start_relay() {
    need_tool perl
    rm -f "$T/$1.port"
    start_bg "$1" perl -e '
use strict; use IO::Socket::INET; use IO::Select;
$SIG{PIPE} = "IGNORE";
my ($port, $pf) = @ARGV;
my $l = IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => 0, Listen => 1, ReuseAddr => 1)
    or die "relay: listen: $!\n";
open(my $f, ">", "$pf.tmp") or die "relay: $pf: $!\n";
print $f $l->sockport, "\n";
close $f;
rename "$pf.tmp", $pf or die "relay: $pf: $!\n";
my $c = $l->accept or die "relay: accept: $!\n";
my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1", PeerPort => $port) or die "relay: connect: $!\n";
my $sel = IO::Select->new($c, $s);
while ($sel->count) {
    for my $h (sort { ($a == $c ? 0 : 1) <=> ($b == $c ? 0 : 1) } $sel->can_read) {
        my $o = $h == $c ? $s : $c;
        my $n = sysread($h, my $buf, 65536);
        if (!$n) { shutdown($o, 1); $sel->remove($h); next; }
        for (my $off = 0; $off < $n;) {
            my $w = syswrite($o, $buf, $n - $off, $off);
            die "relay: write: $!\n" unless defined $w;
            $off += $w;
        }
    }
}' "$2" "$T/$1.port"
    wait_for_file "$T/$1.port" 10
    RELAY_PORT=$(port_of "$T/$1.port") || exit $?
}

# recv_q FILTER: the receive queue (bytes) of the first established TCP
# socket matching the ss FILTER, 0 if none
recv_q() {
    _q=$(ss -Htn state established "$1" | awk 'NR == 1 { print $1 }')
    echo "${_q:-0}"
}

# client_port PORT: the local port of the one established client socket
# toward 127.0.0.1:PORT
client_port() {
    ss -Htn state established "dst 127.0.0.1 and dport = :$1" | awk '{ print $3 }' \
        | sed -n 's/^127\.0\.0\.1:\([0-9]*\)$/\1/p' | head -n 1
}


send_gnutls_cli() {
    need_tool gnutls-cli
    _port=$1 _cn=$2
    shift 2
    set -- --x509cafile="$CERTS/ca.pem" --port="$_port" "$@"
    if [ "$_cn" != - ]; then
        set -- --x509certfile="$CERTS/$_cn-cert.pem" --x509keyfile="$CERTS/$_cn-key.pem" "$@"
    fi
    gnutls-cli "$@" "${TB_PEER_HOST:-127.0.0.1}" >"$T/gnutls-cli.out" 2>&1
}

send_openssl() {
    need_tool openssl
    _port=$1 _cn=$2
    shift 2
    case ${TB_PEER_HOST:-127.0.0.1} in
        *:*) _hp="[$TB_PEER_HOST]:$_port" ;;
        *) _hp="${TB_PEER_HOST:-127.0.0.1}:$_port" ;;
    esac
    set -- -connect "$_hp" -CAfile "$CERTS/ca.pem" -quiet -no_ign_eof "$@"
    if [ "$_cn" != - ]; then
        set -- -cert "$CERTS/$_cn-cert.pem" -key "$CERTS/$_cn-key.pem" "$@"
    fi
    openssl s_client "$@" >"$T/openssl.out" 2>&1
}

plain_connect_hold() {
    # bash's /dev/tcp: connect, send nothing; stdout says how it ended
    need_tool bash timeout
    start_bg hold bash -c '
exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 2
echo connected
timeout "$2" cat <&3 >/dev/null
if [ $? -eq 124 ]; then echo "still open"; else echo "closed by peer"; fi
' hold "$1" "$2"
}

send_plain() {
    need_tool bash
    bash -c '
exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 2
cat >&3
' send_plain "$1"
}

# ---- imtls receivers ------------------------------------------------------------------
#   imtls_conf NAME [PARAM...]     print a receiver config: conf_head, conf_stats,
#                                  imtls loaded by absolute path, one input
#                                  input(type="imtls" port="0" listenPortFileName=
#                                  "$T/NAME.port" name="NAME" PARAM...) and an
#                                  action writing template $OUT_TEMPLATE (default
#                                  t_out) to $T/NAME.out.  PARAMs are raw config
#                                  text, e.g. 'tls.authMode="x509/name"'.
#                                  tls.caFile/certFile/keyFile default to
#                                  $CERTS/ca.pem, server-cert.pem, server-key.pem
#                                  unless a PARAM names them; a PARAM "port=..."
#                                  replaces port 0 + port file; a PARAM "-KEY"
#                                  (e.g. -tls.keyFile, -port) drops that default.
#                                  $IMTLS_MODULE_PARAMS (raw text) goes into
#                                  imtls's module() statement.
#                                  TB_RECEIVER=imtcp emits rsyslog's imtcp + gtls
#                                  instead (parameters imtcp lacks are dropped), to
#                                  compare behaviour with the reference.
#   start_imtls NAME [PARAM...]    write $T/NAME.conf with imtls_conf, start it,
#                                  wait for the port file, set $PORT

_tb_has_param() {
    # _tb_has_param KEY PARAM...: true if a PARAM starts with KEY=
    _k=$1
    shift
    for _a in "$@"; do
        case $(echo "$_a" | tr 'A-Z' 'a-z') in "$_k"=*|"-$_k") return 0 ;; esac
    done
    return 1
}

imtls_conf() {
    _rn=$1
    shift
    gen_certs
    _extra=""
    _tb_has_param tls.cafile "$@" || _extra="$_extra tls.caFile=\"$CERTS/ca.pem\""
    _tb_has_param tls.certfile "$@" || _extra="$_extra tls.certFile=\"$CERTS/server-cert.pem\""
    _tb_has_param tls.keyfile "$@" || _extra="$_extra tls.keyFile=\"$CERTS/server-key.pem\""
    _tb_has_param port "$@" || _extra="$_extra port=\"0\" listenPortFileName=\"$T/$_rn.port\""
    conf_head "$_rn"
    conf_stats "$_rn"
    if [ "${TB_RECEIVER:-imtls}" = imtcp ]; then
        _params=""
        _auth=""
        _plain=0
        for _a in $_extra "$@"; do
            case $_a in
                tls.caFile=*|tls.cafile=*) _params="$_params streamDriver.CAFile=${_a#*=}" ;;
                tls.certFile=*|tls.certfile=*) _params="$_params streamDriver.CertFile=${_a#*=}" ;;
                tls.keyFile=*|tls.keyfile=*) _params="$_params streamDriver.KeyFile=${_a#*=}" ;;
                tls.authMode=*|tls.authmode=*) _auth=${_a#*=} ;;
                tls.permittedPeer=*|tls.permittedpeer=*)
                    _params="$_params permittedPeer=${_a#*=}"
                    [ -n "$_auth" ] || _auth='"x509/name"' ;;
                tls=*\"off\"|tls=off) _plain=1 ;;
                port=*|listenPortFileName=*|address=*|name=*|ruleset=*|maxSessions=*)
                    _params="$_params $_a" ;;
                *) echo "TB_RECEIVER=imtcp: dropping '$_a'" >&2 ;;
            esac
        done
        [ -n "$_auth" ] || _auth='"x509/certvalid"'
        if [ "$_plain" = 1 ]; then
            echo "module(load=\"imtcp\")"
            echo "input(type=\"imtcp\" name=\"$_rn\" $(echo "$_params" | sed 's/streamDriver[.][A-Za-z]*="[^"]*"//g'))"
        else
            echo "module(load=\"imtcp\" streamDriver.name=\"gtls\" streamDriver.mode=\"1\")"
            echo "input(type=\"imtcp\" name=\"$_rn\" streamDriver.authMode=$_auth $_params)"
        fi
    else
        _mod=$(imtls_module) || exit $?
        echo "module(load=\"$_mod\" ${IMTLS_MODULE_PARAMS:-})"
        echo "input(type=\"imtls\" name=\"$_rn\"$_extra"
        for _a in "$@"; do
            case $_a in -*) ;; *) echo "      $_a" ;; esac
        done
        echo ")"
    fi
    echo "action(type=\"omfile\" file=\"$T/$_rn.out\" template=\"${OUT_TEMPLATE:-t_out}\")"
}

start_imtls() {
    _sn=$1
    imtls_conf "$@" > "$T/$_sn.conf" || exit $?
    if _tb_has_param port "$@" && ! _tb_has_param listenportfilename "$@"; then
        start_rsyslogd "$_sn" "$T/$_sn.conf"
        PORT=$(echo "$@" | sed -n 's/.*port="\{0,1\}\([0-9]*\).*/\1/p')
    else
        start_rsyslogd "$_sn" "$T/$_sn.conf" "$T/$_sn.port"
        PORT=$(port_of "$T/$_sn.port") || exit $?
    fi
}

# ---- rsyslog as a sender ---------------------------------------------------------------
#   sender_conf NAME INFILE ACTION
#                                  print a sending rsyslogd config: conf_head NAME,
#                                  imfile reading INFILE from its start (tag
#                                  "tbtest"), bound to ruleset "fwd" that runs the
#                                  raw ACTION text (e.g. 'action(type="omfwd" ...)').
#                                  The sender's own messages stay in $T/NAME.log.
#   omfwd_gtls_action PORT [PARAM...]
#                                  print an omfwd action to 127.0.0.1:PORT over
#                                  rsyslog's gtls driver, client certificate
#                                  "client", verifying the server as "localhost"

sender_conf() {
    conf_head "$1"
    cat <<EOF2
module(load="imfile" mode="inotify")
input(type="imfile" file="$2" tag="tbtest" ruleset="fwd")
ruleset(name="fwd") {
    $3
}
EOF2
}

omfwd_gtls_action() {
    _p=$1
    shift
    gen_certs
    echo "action(type=\"omfwd\" target=\"127.0.0.1\" port=\"$_p\" protocol=\"tcp\"
           streamDriver=\"gtls\" streamDriverMode=\"1\" streamDriverAuthMode=\"x509/name\"
           streamDriverPermittedPeers=\"localhost\" streamDriver.CAFile=\"$CERTS/ca.pem\"
           streamDriver.CertFile=\"$CERTS/client-cert.pem\"
           streamDriver.KeyFile=\"$CERTS/client-key.pem\" $*)"
}

#   imtls_only                     true unless TB_RECEIVER=imtcp (guards assertions
#                                  on imtls's own log text and counters)
imtls_only() {
    [ "${TB_RECEIVER:-imtls}" = imtls ]
}

# ---- stunnel ------------------------------------------------------------------------------
#   start_stunnel NAME SERVICE_BODY
#                                  run stunnel4 in the foreground with one service
#                                  "[svc]" whose options are SERVICE_BODY; the text
#                                  @PORT@ in it is replaced by a free loopback port
#                                  (stunnel cannot report a port 0 bind; the verb
#                                  picks an unused port and retries on a lost race).
#                                  Sets $STUNNEL_PORT; log in $T/NAME.stderr.
start_stunnel() {
    if command -v stunnel4 >/dev/null 2>&1; then _st=stunnel4; else need_tool stunnel; _st=stunnel; fi
    need_tool ss
    _name=$1
    for _try in 1 2 3 4 5 6 7 8; do
        _port=$(awk -v s="$$$_try" 'BEGIN { srand(s + systime()); printf "%d\n", 20000 + int(rand() * 30000) }')
        ss -Htan "sport = :$_port" 2>/dev/null | grep -q . && continue
        {
            echo "foreground = yes"
            echo "pid ="
            echo "debug = info"
            echo "[svc]"
            echo "$2" | sed "s/@PORT@/$_port/g"
        } > "$T/$_name.conf"
        start_bg "$_name" "$_st" "$T/$_name.conf"
        if _tb_wait_own_listener "$_name" "$_port" stunnel; then
            STUNNEL_PORT=$_port
            return 0
        fi
    done
    fail "stunnel $_name could not be started (see $_name.failed-starts.log)"
}

# _tb_wait_own_listener NAME PORT WHAT: waits (bounded, 10 s) until the
# program started as NAME (start_bg) listens on PORT itself (ss -p: not another
# program that took the port); returns 1, its output saved in
# NAME.failed-starts.log, when it exited first (it lost the port: try another)
_tb_wait_own_listener() {
    _n=$(_tb_timeout 10)
    while :; do
        ss -Hltnp "sport = :$2" 2>/dev/null | grep -q "pid=$(cat "$T/$1.bgpid")," && return 0
        if ! ps -p "$(cat "$T/$1.bgpid")" -o stat= 2>/dev/null | grep -qv Z; then
            cat "$T/$1.stderr" >> "$T/$1.failed-starts.log"
            return 1
        fi
        [ "$_n" -gt 0 ] || fail "$3 $1 not listening on $2 after 10s"
        sleep 0.1
        _n=$((_n - 1))
    done
}

# ---- HAProxy -------------------------------------------------------------------------------
#   start_haproxy NAME BODY        run haproxy in the foreground (-db, no master
#                                  process: its pid is $T/NAME.bgpid) with its own
#                                  config $T/NAME.cfg (a global and a defaults section
#                                  for mode tcp, then BODY);
#                                  the text @PORT@ in BODY is replaced by a free
#                                  loopback port (a frontend cannot report a port 0
#                                  bind: the verb picks an unused port and retries
#                                  when haproxy loses the race for it). Sets
#                                  $HAPROXY_PORT; haproxy's output in $T/NAME.stderr.
#   start_haproxy_pool NAME P1 P2 CHECK  start_haproxy with a round-robin backend of
#                                  two receivers (send-proxy-v2, check CHECK)
#   stop_haproxy NAME              stop it by its pid (TERM, bounded wait)
start_haproxy() {
    need_tool haproxy ss
    _name=$1
    for _try in 1 2 3 4 5 6 7 8; do
        _port=$(( 20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 30000 ))
        ss -Htan "sport = :$_port" 2>/dev/null | grep -q . && continue
        {
            echo "global"
            echo "    maxconn 512"
            echo "defaults"
            echo "    mode tcp"
            echo "    timeout connect 2s"
            echo "    timeout client 120s"
            echo "    timeout server 120s"
            echo "    timeout check 2s"
            echo "    retries 3"
            echo "    option redispatch"
            echo "$2" | sed "s/@PORT@/$_port/g"
        } > "$T/$_name.cfg"
        haproxy -c -q -f "$T/$_name.cfg" > "$T/$_name.check" 2>&1 || fail "haproxy -c: $(cat "$T/$_name.check")"
        start_bg "$_name" haproxy -f "$T/$_name.cfg" -db
        if _tb_wait_own_listener "$_name" "$_port" haproxy; then
            HAPROXY_PORT=$_port
            return 0
        fi
        rm -f "$T/$_name.bgpid"
    done
    fail "haproxy $_name could not be started (see $_name.failed-starts.log)"
}

# start_haproxy_pool NAME PORT1 PORT2 CHECK: a round-robin balancer (frontend on
# a free port, $HAPROXY_PORT) in front of two receivers on 127.0.0.1 with
# send-proxy-v2 and the server check options CHECK (e.g. "inter 300ms fall 2 rise 1")
start_haproxy_pool() {
    start_haproxy "$1" "frontend fe
    bind 127.0.0.1:@PORT@
    default_backend pool
backend pool
    balance roundrobin
    server r1 127.0.0.1:$2 send-proxy-v2 check $4
    server r2 127.0.0.1:$3 send-proxy-v2 check $4"
}

stop_haproxy() {
    [ -s "$T/$1.bgpid" ] || fail "stop_haproxy: $1 was not started"
    _pid=$(cat "$T/$1.bgpid")
    _tb_kill_pidfile "$T/$1.bgpid" "haproxy $1" || fail "haproxy $1 had to be killed"
    wait "$_pid" 2>/dev/null
    rm -f "$T/$1.bgpid"
}

# ---- refusals ------------------------------------------------------------------------------
#   wait_for_refusal NAME REGEX [TIMEOUT]
#                                  until $T/NAME.log has a line naming the peer
#                                  "127.0.0.1:PORT" and matching REGEX (-Ei)
#   assert_serves_good_client NAME [CERTNAME]
#                                  the daemon NAME (started with start_imtls, $PORT)
#                                  still accepts a trusted certificate (default
#                                  "client"): one message sent with gnutls-cli
#                                  arrives in $T/NAME.out (each call sends a
#                                  message of its own: "still serving CERT #K",
#                                  so a later call cannot pass on an earlier
#                                  one's line)
wait_for_refusal() {
    _n=$(_tb_timeout "${3:-}")
    while ! grep -Ei '127\.0\.0\.1:[0-9]+' "$T/$1.log" 2>/dev/null | grep -Eiq -- "$2"; do
        [ "$_n" -gt 0 ] || fail "$1.log: no refusal matching /$2/ within ${3:-$TB_TIMEOUT}s"
        sleep 0.1
        _n=$((_n - 1))
    done
}

_tb_good_n=0
assert_serves_good_client() {
    _cert=${2:-client}
    _tb_good_n=$((_tb_good_n + 1))
    printf '<13>1 2026-01-01T00:00:00Z tbhost goodclient - - - still serving %s #%d\n' \
        "$_cert" "$_tb_good_n" > "$T/good.in"
    send_gnutls_cli "$PORT" "$_cert" < "$T/good.in" \
        || fail "trusted client $_cert refused (gnutls-cli $?)"
    wait_for_grep "$T/$1.out" "still serving $_cert #$_tb_good_n\$"
}

# ---- HUP ------------------------------------------------------------------------
#   hup_rsyslogd NAME FILE         sends SIGHUP to rsyslogd NAME (by its pid file)
#                                  and waits until the daemon has processed it:
#                                  omfile closes its files on HUP and reopens one
#                                  only at its next write, so FILE, written by an
#                                  omfile action of NAME and written nothing more
#                                  until this returns, must be open before and no
#                                  longer open after. (The "rsyslogd was HUPed"
#                                  status line is no marker: a release may write
#                                  it only at the next HUP or at exit.)
_tb_holds_file() {
    _hf=$(readlink -f "$2")
    for _fd in /proc/"$1"/fd/*; do
        [ "$(readlink "$_fd" 2>/dev/null)" = "$_hf" ] && return 0
    done
    return 1
}
hup_rsyslogd() {
    _pid=$(cat "$T/$1.pid") || fail "hup_rsyslogd: no pid file of $1"
    _tb_holds_file "$_pid" "$2" || fail "hup_rsyslogd: rsyslogd $1 does not hold $2 open before the HUP"
    kill -HUP "$_pid" || fail "cannot send SIGHUP to rsyslogd $1"
    _n=$(_tb_timeout)
    while _tb_holds_file "$_pid" "$2"; do
        [ "$_n" -gt 0 ] || fail "rsyslogd $1 did not close $2 within ${TB_TIMEOUT}s of a HUP"
        sleep 0.1
        _n=$((_n - 1))
    done
}

# ---- warnings -------------------------------------------------------------------
#   assert_no_warning FILE         no "err" or "warning" line in FILE (a daemon's
#                                  log, template t_log), except rsyslog's own
#                                  warnings about its queue definitions
#                                  (rsyslogd-2357), which a release may print
#                                  for default queues whatever the modules do
assert_no_warning() {
    if grep -Ei -- '^(err|warning) ' "$1" 2>/dev/null | grep -v -- '^warning rsyslogd-2357:queue '; then
        fail "$1: unexpected error or warning line(s)"
    fi
}

imtls_check_refuses() {
    _re=$1
    shift
    imtls_conf chk "$@" > "$T/chk.conf" || exit $?
    if rsyslogd_check "$T/chk.conf"; then
        fail "rsyslogd -N1 accepted: $* (module: ${IMTLS_MODULE_PARAMS:-})"
    fi
    grep -Eiq -- "$_re" "$T/check.out" || {
        cat "$T/check.out" >&2
        fail "rsyslogd -N1 on '$*': no error matching /$_re/"
    }
}

# ---- certificate lifecycle --------------------------------------------------------
#   gen_extra_cert NAME CN DAYS [server|client [START]]
#                                  $CERTS/NAME-cert.pem and $CERTS/NAME-key.pem: a
#                                  fresh P-256 key and a certificate of the test CA
#                                  (certtool), valid from now (or from START,
#                                  "2040-01-01 00:00:00 UTC") for DAYS days, random
#                                  serial. server (default): SAN DNS:localhost and
#                                  IP:127.0.0.1, server and client use (like
#                                  server-cert.pem); client: SAN DNS:CN, client use
#   gen_crl OUT [CERTFILE...]      a PEM CRL of the test CA revoking CERTFILE...
#                                  (none: an empty CRL), written to OUT
#   cert_fp FILE                   print the certificate's SHA256:AA:BB:.. fingerprint
#   cert_serial FILE               print its serial as the runtime spells it:
#                                  0x, lower-case hex, no leading zero bytes
#   live_certs NAME                copy $CERTS/NAME-cert.pem, -key.pem and ca.pem to
#                                  $T/live/{cert,key,ca}.pem (the paths a test
#                                  configures and later swaps)
#   swap_file SRC DEST             replace DEST by a copy of SRC with one rename
#                                  (what cert-manager, certbot and mv do)
#   count_grep FILE REGEX          print how many lines of FILE match REGEX (-Ei)
#   hup_and_wait NAME REGEX [SECS] SIGHUP to rsyslogd NAME, then wait until
#                                  $T/NAME.log has one more line matching REGEX
#                                  than before the signal
gen_extra_cert() {
    need_tool certtool
    gen_certs
    _xk=$CERTS/$1-key.pem _xc=$CERTS/$1-cert.pem
    certtool --generate-privkey --key-type=ecdsa --curve=secp256r1 --outfile "$_xk" >/dev/null 2>&1 ||
        fail "certtool: cannot make key $1"
    {
        echo "cn = \"$2\""
        echo "serial = $(od -An -N6 -tu8 /dev/urandom | tr -d ' ')"
        echo "expiration_days = $3"
        [ -z "${5:-}" ] || echo "activation_date = \"$5\""
        echo "signing_key"
        case ${4:-server} in
            server) printf 'dns_name = "localhost"\nip_address = "127.0.0.1"\ntls_www_server\ntls_www_client\n' ;;
            client) printf 'dns_name = "%s"\ntls_www_client\n' "$2" ;;
            *) fail "gen_extra_cert: unknown kind '$4'" ;;
        esac
    } > "$CERTS/$1.tmpl"
    certtool --generate-certificate --load-privkey "$_xk" --load-ca-certificate "$CERTS/ca.pem" \
        --load-ca-privkey "$CERTS/ca-key.pem" --template "$CERTS/$1.tmpl" --outfile "$_xc" >/dev/null 2>&1 ||
        fail "certtool: cannot make certificate $1"
}

gen_crl() {
    need_tool certtool
    gen_certs
    _co=$1
    shift
    printf 'crl_next_update = 30\ncrl_number = %s\n' "$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')" \
        > "$CERTS/crl.tmpl"
    if [ $# -gt 0 ]; then
        cat "$@" > "$CERTS/crl-revoked.pem"
        set -- --load-certificate "$CERTS/crl-revoked.pem"
    fi
    certtool --generate-crl --load-ca-privkey "$CERTS/ca-key.pem" --load-ca-certificate "$CERTS/ca.pem" \
        "$@" --template "$CERTS/crl.tmpl" --outfile "$_co.tmp" >/dev/null 2>&1 || fail "certtool: cannot make CRL $_co"
    mv "$_co.tmp" "$_co"
}

cert_fp() {
    need_tool openssl
    openssl x509 -in "$1" -noout -fingerprint -sha256 | sed 's/^[^=]*=/SHA256:/'
}

cert_serial() {
    need_tool openssl
    openssl x509 -in "$1" -noout -serial | sed 's/^serial=//' | tr 'A-F' 'a-f' \
        | sed -e 's/^\(00\)*//' -e 's/^$/00/' -e 's/^/0x/'
}

live_certs() {
    gen_certs
    mkdir -p "$T/live"
    cp "$CERTS/$1-cert.pem" "$T/live/cert.pem" && cp "$CERTS/$1-key.pem" "$T/live/key.pem" &&
        cp "$CERTS/ca.pem" "$T/live/ca.pem" || fail "live_certs: cannot copy $1"
    chmod 600 "$T/live/key.pem"
}

swap_file() {
    cp "$1" "$2.swap.$$" && chmod 600 "$2.swap.$$" && mv -f "$2.swap.$$" "$2" || fail "swap_file: cannot replace $2"
}

count_grep() {
    _cg=$(grep -Eic -- "$2" "$1" 2>/dev/null)
    echo "${_cg:-0}"
}

# wait_for_grep_count FILE REGEX N [TIMEOUT]: until N lines of FILE match
# (rsyslogd's own lines reach NAME.log through its internal-message list,
# which the main thread drains: they can trail the messages they concern)
wait_for_grep_count() {
    _n=$(_tb_timeout "${4:-}")
    while [ "$(count_grep "$1" "$2")" -lt "$3" ]; do
        [ "$_n" -gt 0 ] || fail "$1: $(count_grep "$1" "$2") lines matching /$2/ within ${4:-$TB_TIMEOUT}s, expected $3"
        sleep 0.1
        _n=$((_n - 1))
    done
}

hup_and_wait() {
    _hb=$(count_grep "$T/$1.log" "$2")
    _pid=$(cat "$T/$1.pid") || fail "hup_and_wait: no pid file of $1"
    kill -HUP "$_pid" || fail "cannot send SIGHUP to rsyslogd $1"
    _n=$(_tb_timeout "${3:-}")
    while [ "$(count_grep "$T/$1.log" "$2")" -le "$_hb" ]; do
        [ "$_n" -gt 0 ] || fail "$1.log: no new line matching /$2/ within ${3:-$TB_TIMEOUT}s of a HUP"
        sleep 0.1
        _n=$((_n - 1))
    done
}
