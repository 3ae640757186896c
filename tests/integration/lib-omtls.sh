# lib-omtls.sh - omtls-specific verbs for the integration tests, on top of
# lib.sh. Source it right after lib.sh:
#   . "$abs_top_srcdir/tests/integration/lib.sh"
#   . "$abs_top_srcdir/tests/integration/lib-omtls.sh"
#
# The sending rsyslogd reads "msgnum:NNNNNNNN:" lines from $T/input.txt with
# imfile (the file is the load generator: deterministic), forwards them with
# the omtls action under test and logs its own messages (refusals, warnings)
# to $T/NAME.log and its impstats counters to $T/NAME.stats. Receivers
# (lib.sh's start_imtls, or omtls_receiver_imtcp_conf here) write each
# message to $T/NAME.out.
#
# OMTLS_SENDER=omfwd runs the same scenarios with rsyslog's own omfwd + gtls
# driver instead of omtls (to check the harness itself); scenarios about
# omtls-only behaviour call omtls_needs_omtls and skip in that mode.

OMTLS_SENDER=${OMTLS_SENDER:-omtls}

# omtls_feed FIRST LAST: append messages FIRST..LAST to the sender's input.
omtls_feed() {
    gen_lines "$T/feed.tmp" "$1" "$2"
    cat "$T/feed.tmp" >> "$T/input.txt"
}

# omtls_feed_slowly FIRST LAST STEP: in the background, append STEP messages
# every 0.1 s (a load still flowing while a receiver goes away). Recorded
# like any start_bg process; omtls_feeder_wait [TIMEOUT] waits for its end.
omtls_feed_slowly() {
    start_bg feeder sh -c '
i=$1
while [ "$i" -le "$2" ]; do
    j=$((i + $3 - 1)); [ "$j" -gt "$2" ] && j=$2
    awk -v a="$i" -v b="$j" "BEGIN { for (i = a; i <= b; i++) printf \"msgnum:%08d:\\n\", i }" >> "$4"
    i=$((j + 1))
    sleep 0.1
done' feeder "$1" "$2" "$3" "$T/input.txt"
}
omtls_feeder_wait() {
    wait_bg feeder "${1:-60}"
}

# omtls_action KEY=VALUE...: prints one action() statement. A value that
# starts with "[" is written as an array, anything else quoted. With
# OMTLS_SENDER=omfwd the contract's parameters are mapped onto omfwd's.
# An action name has at least 6 characters: rsyslogd writes one byte past
# its buffer when a JSON impstats line is exactly 128 bytes long (its
# string buffer, asked for exactly 128 bytes when empty, gets 128 and no
# room for the terminator; source runtime/stringbuf.c, rsCStrExtendBuf, of
# the 8.2302.0 tag), and an action's core.action line is 122 bytes plus the
# name plus the digits of its counters. The sanitizer pass preloads
# AddressSanitizer into rsyslogd, which then aborts the sender.
omtls_action() {
    for _kv in "$@"; do
        case $_kv in
            name=*) [ "${#_kv}" -ge 11 ] || fail "omtls_action: name '${_kv#name=}' is shorter than 6 characters" ;;
        esac
    done
    if [ "$OMTLS_SENDER" = omfwd ]; then
        _omtls_action_omfwd "$@"
        return
    fi
    printf 'action(type="omtls"'
    for _kv in "$@"; do
        _omtls_kv "${_kv%%=*}" "${_kv#*=}"
    done
    printf ')\n'
}

_omtls_kv() {
    case $2 in
        \[*) printf ' %s=%s' "$1" "$2" ;;
        *) printf ' %s="%s"' "$1" "$2" ;;
    esac
}

_omtls_action_omfwd() {
    printf 'action(type="omfwd" protocol="tcp" streamDriver="gtls"'
    _mode=1 _framing=octet-counted _auth=x509/name _peers=
    for _kv in "$@"; do
        _ok=${_kv%%=*} _v=${_kv#*=}
        case $_ok in
            target) _omtls_kv target "$_v" ;;
            port|template|name) _omtls_kv "$_ok" "$_v" ;;
            framing) [ "$_v" = lf ] && _framing=traditional ;;
            tls) [ "$_v" = off ] && _mode=0 ;;
            tls.caFile) _omtls_kv streamDriver.caFile "$_v" ;;
            tls.certFile) _omtls_kv streamDriver.certFile "$_v" ;;
            tls.keyFile) _omtls_kv streamDriver.keyFile "$_v" ;;
            tls.authMode) _auth=$_v ;;
            tls.permittedPeer) _peers=$(echo "$_v" | tr -d '[]" ') ;;
            tls.priorityString) _omtls_kv gnutlsPriorityString "$_v" ;;
            queue.*|action.*) _omtls_kv "$_ok" "$_v" ;;
            *) ;;   # omtls-only parameter: no omfwd equivalent
        esac
    done
    if [ $_mode = 1 ]; then
        _omtls_kv streamDriverAuthMode "$_auth"
        # gtls matches no IP SAN: the test server cert is named localhost
        [ "$_auth" = anon ] || _omtls_kv streamDriverPermittedPeers "${_peers:-localhost}"
    fi
    printf ' streamDriverMode="%s" tcp_framing="%s")\n' "$_mode" "$_framing"
}

# omtls_client_tls: the tls.* parameters of a sender with the test CA and
# the client certificate (one KEY=VALUE a line, for omtls_action $(...)).
omtls_client_tls() {
    echo "tls.caFile=$CERTS/ca.pem"
    echo "tls.certFile=$CERTS/client-cert.pem"
    echo "tls.keyFile=$CERTS/client-key.pem"
}

# omtls_needs_omtls: skip a scenario only omtls can run (OMTLS_SENDER=omfwd);
# under CI=true that is a failure, like every skip (lib.sh's skip).
omtls_needs_omtls() {
    [ "$OMTLS_SENDER" = omtls ] || skip "scenario needs omtls (OMTLS_SENDER=$OMTLS_SENDER)"
}

# omtls_sender_conf NAME ACTIONS [EXTRA]: writes $T/NAME.conf, a sending
# rsyslogd that reads $T/input.txt with imfile and runs ACTIONS (usually the
# output of omtls_action) for every line. EXTRA is appended at top level.
omtls_sender_conf() {
    _load=
    if [ "$OMTLS_SENDER" = omtls ]; then
        _mod=$(omtls_module) || exit $?
        _load="module(load=\"$_mod\")"
    fi
    touch "$T/input.txt"
    {
        conf_head "$1"
        conf_stats "$1"
        echo "$_load"
        echo 'module(load="imfile")'
        echo "input(type=\"imfile\" file=\"$T/input.txt\" tag=\"omtlstest:\" ruleset=\"load\")"
        echo 'ruleset(name="load") {'
        echo "$2"
        echo '}'
        echo "${3:-}"
    } > "$T/$1.conf"
}

# omtls_receiver_imtcp_conf NAME PORT DRIVER [EXTRA_INPUT_PARAMS [CERT]]:
# writes $T/NAME.conf, a receiving rsyslogd with rsyslog's own imtcp on
# 127.0.0.1. DRIVER "gtls": TLS with server certificate CERT (default
# "server"), x509/name with client.example.net permitted unless EXTRA sets an
# authMode; "ptcp": plain TCP. %msg% lines to $T/NAME.out, port to $T/NAME.port.
omtls_receiver_imtcp_conf() {
    _cert=${5:-server}
    {
        conf_head "$1"
        _tls=
        if [ "$3" = gtls ]; then
            echo "global(defaultNetstreamDriverCAFile=\"$CERTS/ca.pem\""
            echo "       defaultNetstreamDriverCertFile=\"$CERTS/$_cert-cert.pem\""
            echo "       defaultNetstreamDriverKeyFile=\"$CERTS/$_cert-key.pem\")"
            _tls='streamDriver.name="gtls" streamDriver.mode="1"'
            case ${4:-} in
                *[Aa]uth[Mm]ode*) ;;
                *) _tls="$_tls streamDriver.authMode=\"x509/name\" permittedPeer=[\"client.example.net\"]" ;;
            esac
        fi
        echo 'module(load="imtcp" maxSessions="1000")'
        echo "input(type=\"imtcp\" port=\"$2\" address=\"127.0.0.1\" listenPortFileName=\"$T/$1.port\""
        echo "      ruleset=\"in\" $_tls ${4:-})"
        _omtls_out_ruleset "$1"
    } > "$T/$1.conf"
}

_omtls_out_ruleset() {
    echo 'template(name="msgonly" type="string" string="%msg%\n")'
    echo 'ruleset(name="in") {'
    echo "  action(type=\"omfile\" file=\"$T/$1.out\" template=\"msgonly\")"
    echo '}'
}

# omtls_wait_listen ADDRESS PORT [TIMEOUT]: until something listens there
# (for a daemon restarted on a fixed port).
omtls_wait_listen() {
    need_tool ss
    _on=$(_tb_timeout "${3:-}")
    while ! ss -Htln "src $1 and sport = :$2" 2>/dev/null | grep -q .; do
        [ "$_on" -gt 0 ] || fail "nothing listens on $1:$2 after ${3:-$TB_TIMEOUT}s"
        sleep 0.1
        _on=$((_on - 1))
    done
}

# omtls_free_port: print a TCP port nothing listens on right now, for peers
# that cannot bind port 0 and report it (stunnel). Whoever binds it must
# still check that the bind worked.
omtls_free_port() {
    need_tool ss
    while :; do
        _p=$(( 20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 30000 ))
        ss -Htan "sport = :$_p" | grep -q . || { echo "$_p"; return 0; }
    done
}

# omtls_tally N FILES...: prints "received R distinct D missing M
# duplicates X" for messages 1..N found in FILES (any order); sets MISSING
# and DUPLICATES.
omtls_tally() {
    _want=$1; shift
    _rd=$(cat "$@" 2>/dev/null | grep -o 'msgnum:[0-9]*' | sort | uniq -c |
        awk -v n="$_want" '{ s = substr($2, 8) + 0; if (s >= 1 && s <= n) { d++; r += $1 } }
                           END { printf "%d %d", r, d }')
    _received=${_rd% *} _distinct=${_rd#* }
    MISSING=$((_want - _distinct))
    DUPLICATES=$((_received - _distinct))
    echo "received $_received distinct $_distinct missing $MISSING duplicates $DUPLICATES"
}

# omtls_distinct FILES...: number of distinct msgnums in FILES.
omtls_distinct() {
    cat "$@" 2>/dev/null | grep -o 'msgnum:[0-9]*' | sort -u | wc -l | tr -d ' '
}

# omtls_wait_distinct N TIMEOUT FILES...: until FILES together hold N
# distinct msgnums.
omtls_wait_distinct() {
    _want=$1 _wt=$2 _on=$(_tb_timeout "$2"); shift 2
    while [ "$(omtls_distinct "$@")" -lt "$_want" ]; do
        [ "$_on" -gt 0 ] || fail "only $(omtls_distinct "$@") of $_want distinct messages reached" \
            "$* within ${_wt}s"
        sleep 0.1
        _on=$((_on - 1))
    done
}

# omtls_stat NAME COUNTER: last value of COUNTER of sender NAME's omtls
# action (stats object "omtls(...)"); 0 before the first report.
omtls_stat() {
    _v=$(stat_value "$T/$1.stats" omtls "$2")
    echo "${_v:-0}"
}

# omtls_start_stunnel NAME CONNECT_PORT [OPTION_LINE...]: a stunnel TLS
# server on 127.0.0.1 (server certificate, client certificates from the test
# CA required) forwarding plain TCP to 127.0.0.1:CONNECT_PORT. stunnel cannot
# bind port 0 and report it, so a free port is picked and the start retried
# on a bind race. Sets STUNNEL_PORT; log in $T/NAME.stunnel.log.
omtls_start_stunnel() {
    _sn=$1 _conn=$2; shift 2
    _st=$(command -v stunnel4 || command -v stunnel) || skip "tool 'stunnel4' not found"
    for _try in 1 2 3 4 5; do
        STUNNEL_PORT=$(omtls_free_port)
        {
            echo "foreground = yes"
            echo "pid ="
            echo "output = $T/$_sn.stunnel.log"
            echo "debug = 6"
            echo "[syslog-tls]"
            echo "accept = 127.0.0.1:$STUNNEL_PORT"
            echo "connect = 127.0.0.1:$_conn"
            echo "cert = $CERTS/server-cert.pem"
            echo "key = $CERTS/server-key.pem"
            echo "CAfile = $CERTS/ca.pem"
            echo "verifyChain = yes"
            echo "requireCert = yes"
            for _o in "$@"; do echo "$_o"; done
        } > "$T/$_sn.stunnel.conf"
        rm -f "$T/$_sn.stunnel.log"
        start_bg "$_sn" "$_st" "$T/$_sn.stunnel.conf"
        _on=$(_tb_timeout 10)
        while [ "$_on" -gt 0 ]; do
            ss -Htln "src 127.0.0.1 and sport = :$STUNNEL_PORT" | grep -q . && return 0
            ps -p "$(cat "$T/$_sn.bgpid")" -o stat= 2>/dev/null | grep -qv Z || break
            sleep 0.1
            _on=$((_on - 1))
        done
        stop_bg "$_sn"
    done
    fail "stunnel did not start (see $T/$_sn.stunnel.log)"
}

# omtls_outages SENDER: how often SENDER's forwarding action found its
# receiver unreachable so far: omtls's connect.failed + suspended; with
# OMTLS_SENDER=omfwd, the lines in which rsyslog logged the action named
# $OMTLS_ACTION_NAME (default "forward") suspended (rsyslog leaves
# core.action's "suspended" counter at 0). 0 before the first report.
omtls_outages() {
    if [ "$OMTLS_SENDER" = omtls ]; then
        echo $(( $(omtls_stat "$1" connect.failed) + $(omtls_stat "$1" suspended) ))
    else
        cat "$T/$1.log" "$T/$1.stderr" 2>/dev/null |
            grep -c "action '${OMTLS_ACTION_NAME:-forward}' suspended" || true
    fi
}

# omtls_wait_outage SENDER BEFORE [TIMEOUT]: until omtls_outages SENDER
# exceeds BEFORE; fails naming the outage the sender did not notice.
omtls_wait_outage() {
    _on=$(_tb_timeout "${3:-}")
    while [ "$(omtls_outages "$1")" -le "$2" ]; do
        [ "$_on" -gt 0 ] || fail "$1 did not notice the receiver's outage within ${3:-$TB_TIMEOUT}s" \
            "(connect.failed + suspended still $(omtls_outages "$1"))"
        sleep 0.1
        _on=$((_on - 1))
    done
}

# omtls_restart_receiver NAME SENDER [FIRST LAST]: stop receiver NAME
# (started from $T/NAME.conf, listening on 127.0.0.1:$PORT); append messages
# FIRST..LAST to the input while it is down (the sender then has work, so it
# must notice the outage); wait until SENDER noticed it (fails if not); start
# the receiver again from the same config on the same port. Without
# FIRST..LAST nothing is fed: the caller must make sure the sender has
# something left to send.
omtls_restart_receiver() {
    _before=$(omtls_outages "$2")
    stop_rsyslogd "$1"
    [ -n "${4:-}" ] && omtls_feed "$3" "$4"
    omtls_wait_outage "$2" "$_before"
    start_rsyslogd "$1" "$T/$1.conf"
    omtls_wait_listen 127.0.0.1 "$PORT"
}

# omtls_wait_msgnum FILE N [TIMEOUT]: until msgnum N is in FILE (on one
# in-order connection: everything before it that will ever arrive has).
omtls_wait_msgnum() {
    _on=$(_tb_timeout "${3:-}")
    _pat="msgnum:$(printf %08d "$2"):"
    while ! grep -q "$_pat" "$1" 2>/dev/null; do
        [ "$_on" -gt 0 ] || fail "msgnum $2 did not reach $1 within ${3:-$TB_TIMEOUT}s" \
            "($(omtls_distinct "$1") distinct messages there)"
        sleep 0.1
        _on=$((_on - 1))
    done
}

# omtls_restart_scenario RESTARTS N [idle]: the stream 1..N, cut into
# RESTARTS+1 equal segments, goes from sender "snd" to receiver "rcv", and
# the receiver is restarted RESTARTS times. No step depends on the machine's
# speed: segment 1 is fed at once; restart k stops the receiver once half of
# segment k arrived (the rest is queued at the sender or in flight), feeds
# segment k+1 while the receiver is down, waits until the sender noticed
# the outage, and starts the receiver again. With "idle", restart k instead
# waits until the receiver wrote every message of segment k (with omfwd:
# until its last one arrived), so nothing is in flight when the receiver
# stops: whatever it then misses was lost by the sender, not by the
# receiver's own shutdown. Ends when the last message arrived (the sender
# resumed after the last restart) and, for omtls, all N did; each wait is
# bounded and fails naming what did not happen. Prints the tally (sets
# MISSING, DUPLICATES).
omtls_restart_scenario() {
    _seg=$(( $2 / ($1 + 1) ))
    omtls_feed 1 "$_seg"
    _ok=1
    while [ $_ok -le "$1" ]; do
        _end=$(( _ok * _seg ))
        if [ "${3:-}" = idle ]; then
            if [ "$OMTLS_SENDER" = omtls ]; then
                omtls_wait_distinct "$_end" 60 "$T/rcv.out"
            else
                omtls_wait_msgnum "$T/rcv.out" "$_end" 60
            fi
        else
            wait_for_count "$T/rcv.out" $(( _end - _seg / 2 )) 60
        fi
        _next=$(( _end + _seg ))
        [ $_ok -eq "$1" ] && _next=$2
        omtls_restart_receiver rcv snd $(( _end + 1 )) "$_next"
        _ok=$((_ok + 1))
    done
    # arrival of the last message proves the sender resumed after the last restart
    omtls_wait_msgnum "$T/rcv.out" "$2" 60
    [ "$OMTLS_SENDER" = omtls ] && omtls_wait_distinct "$2" 60 "$T/rcv.out"
    omtls_tally "$2" "$T/rcv.out"
}

# omtls_count FILES...: number of msgnum lines in FILES.
omtls_count() {
    cat "$@" 2>/dev/null | grep -c 'msgnum:' || true
}

# omtls_refusal_case SERVER_CERT IMTCP_PARAMS REASON SUBJECT ACTION_ARG...:
# a refused TLS connection, end to end. The receiver is rsyslog's imtcp +
# gtls with server certificate SERVER_CERT and extra input parameters
# IMTCP_PARAMS; or, when SERVER_CERT is "stunnel", a stunnel (OpenSSL) TLS
# server with the option line IMTCP_PARAMS in front of a plain imtcp. The
# sender's omtls action gets ACTION_ARG... (omtls_action
# style) and retries every second. Asserts that: the handshake fails at
# least twice (counter handshake.failed); the sender's log names the
# target, the resolved IP:port, the server's subject (SUBJECT, an ERE, or
# "" when the server sends none) and the reason (REASON, an ERE); that
# line is logged once, not per retry; rsyslogd's own "suspended" notices do
# not flood; nothing is delivered nor counted as sent; both daemons stop
# cleanly.
omtls_refusal_case() {
    omtls_needs_omtls
    _rcert=$1 _rparams=$2 _reason=$3 _subject=$4
    shift 4
    gen_certs
    if [ "$_rcert" = stunnel ]; then
        omtls_receiver_imtcp_conf rcv 0 ptcp
        start_rsyslogd rcv "$T/rcv.conf" "$T/rcv.port"
        omtls_start_stunnel tunnel "$(port_of "$T/rcv.port")" "$_rparams"
        PORT=$STUNNEL_PORT
    else
        omtls_receiver_imtcp_conf rcv 0 gtls "$_rparams" "$_rcert"
        start_rsyslogd rcv "$T/rcv.conf" "$T/rcv.port"
        PORT=$(port_of "$T/rcv.port") || exit $?
    fi
    omtls_feed 1 10
    omtls_sender_conf snd "$(omtls_action target=127.0.0.1 port="$PORT" tls.handshakeTimeout=5 \
        connectTimeout=5 queue.type=LinkedList queue.size=20000 action.resumeRetryCount=-1 action.resumeInterval=1 "$@")"
    start_rsyslogd snd "$T/snd.conf"
    wait_for_stat "$T/snd.stats" omtls handshake.failed 2 20
    _line="target '127\.0\.0\.1' port $PORT.*127\.0\.0\.1:$PORT"
    [ -n "$_subject" ] && _line="$_line.*$_subject"
    assert_grep "$T/snd.log" "$_line.*($_reason)"
    _times=$(grep -Eic -- "$_reason" "$T/snd.log")
    [ "$_times" -eq 1 ] || fail "the refusal was logged $_times times (expected once per state change)"
    _noise=$(cat "$T/snd.log" "$T/snd.stderr" | grep -c 'suspended' || true)
    [ "$_noise" -le 10 ] || fail "$_noise 'suspended' notices: the action spins while refused"
    [ -s "$T/rcv.out" ] && fail "messages were delivered despite the refusal"
    [ "$(omtls_stat snd messages.sent)" -eq 0 ] ||
        fail "$(omtls_stat snd messages.sent) messages counted as sent to a server that refused us (lost)"
    stop_rsyslogd snd
    [ "$_rcert" = stunnel ] && stop_bg tunnel
    stop_rsyslogd rcv
    echo "refusal logged: $(grep -Ei -- "$_reason" "$T/snd.log" | head -n 1)"
}
