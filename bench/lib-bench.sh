# lib-bench.sh - scenarios and report of the benchmark (sourced by
# bench/run.sh after tests/integration/lib.sh and lib-omtls.sh).
#
# Peers (receivers): imtls; gtls and ossl (rsyslog's imtcp with that
# driver, x509/name); plain (rsyslog's imtcp without TLS, the loader sends
# plaintext: the no-crypto ceiling); stunnel (stunnel server -> plaintext
# imtcp, the seed's set-up: both processes' CPU counts); syslog-ng
# (network(transport(tls)), from the unpacked Debian package when present).
# Every receiver requires and verifies the client certificate
# (client.example.net) where its peer can.

CSV=$RESULTS/results.csv
NOTES=$RESULTS/notes.txt
LOADER=$abs_top_builddir/tools/syslogtls-loader

bench_init() {
    # the perf profiles (the forward pair's sender, the receivers): full runs only
    [ "${BENCH_QUICK:-0}" = 1 ] && BENCH_PERF=${BENCH_PERF:-0}
    gen_certs
    # an RSA-2048 server certificate (the test PKI is ECDSA P-256)
    if [ ! -s "$CERTS/server-rsa-cert.pem" ]; then
        openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$CERTS/server-rsa-key.pem" 2>/dev/null &&
        openssl req -new -key "$CERTS/server-rsa-key.pem" -subj "/CN=localhost" -out "$CERTS/server-rsa.csr" 2>/dev/null &&
        printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n' \
            > "$CERTS/server-rsa.ext" &&
        openssl x509 -req -in "$CERTS/server-rsa.csr" -CA "$CERTS/ca.pem" -CAkey "$CERTS/ca-key.pem" \
            -CAcreateserial -days 3650 -extfile "$CERTS/server-rsa.ext" -out "$CERTS/server-rsa-cert.pem" 2>/dev/null ||
            fail "cannot make the RSA-2048 server certificate"
    fi
    echo "scenario,peer,run,status,count,seconds,rate,recv_cpu_us,send_cpu_us,loader_cpu_us,extra" > "$CSV"
    : > "$NOTES"
    : > "$RESULTS/timing.txt"
    CLK_TCK=$(getconf CLK_TCK)
    # many sessions: every session is a descriptor in the receiver and the loader
    ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
    BENCH_NOFILE=$(ulimit -n)
    b_avail=""
    case " $PEERS " in
        *" syslog-ng "*)
            if [ ! -x "$SNG_ROOT/usr/sbin/syslog-ng" ] && [ "${BENCH_FETCH_SYSLOGNG:-1}" = 1 ]; then
                echo "bench: unpacking syslog-ng-core under $SNG_ROOT (BENCH_FETCH_SYSLOGNG=0 skips this)"
                sh "$abs_top_srcdir/bench/get-syslog-ng.sh" "$SNG_ROOT" > "$RESULTS/get-syslog-ng.log" 2>&1 ||
                    echo "bench: get-syslog-ng.sh failed (see $RESULTS/get-syslog-ng.log)"
            fi ;;
    esac
    for b_p in $PEERS; do
        b_why=$(bench_peer_missing "$b_p")
        if [ -n "$b_why" ]; then
            echo "peer $b_p: not run: $b_why" | tee -a "$NOTES"
        else
            b_avail="$b_avail $b_p"
        fi
    done
    PEERS=$b_avail
    bench_machine > "$RESULTS/machine.txt"
    echo "bench: peers:$PEERS; scenarios: $SCENARIOS; runs $RUNS (forward $FWD_RUNS, many $MANY_RUNS); work dir $T"
}

bench_machine() {
    echo "cores: $(nproc)"
    echo "cpu: $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1)"
    echo "kernel: $(uname -r)"
    echo "rsyslogd: $("$RSYSLOGD" -v 2>/dev/null | head -1)"
    echo "gnutls: $(gnutls-cli --version 2>/dev/null | head -1)"
    echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "descriptor limit: $BENCH_NOFILE"
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
}

# bench_peer_missing PEER: prints why PEER cannot run here (empty if it can)
bench_peer_missing() {
    b_moddir=$(dirname "$(find /usr/lib -name imtcp.so -path '*rsyslog*' 2>/dev/null | head -1)")
    case $1 in
        imtls) _tb_find_module imtls >/dev/null || echo "imtls.so not built" ;;
        gtls) [ -f "$b_moddir/lmnsd_gtls.so" ] || echo "rsyslog-gnutls not installed" ;;
        ossl) [ -f "$b_moddir/lmnsd_ossl.so" ] || echo "rsyslog-openssl not installed" ;;
        plain) [ -f "$b_moddir/imtcp.so" ] || echo "imtcp not found" ;;
        stunnel) command -v stunnel4 >/dev/null 2>&1 || command -v stunnel >/dev/null 2>&1 ||
            echo "stunnel4 not installed" ;;
        syslog-ng) bench_syslogng_missing ;;
        *) echo "unknown peer" ;;
    esac
}

# ---- measuring ---------------------------------------------------------------

# cpu_ticks PID...: utime+stime of the processes (all threads), in clock ticks
cpu_ticks() {
    b_sum=0
    for b_pid in "$@"; do
        b_v=$(sed 's/^.*) //' "/proc/$b_pid/stat" 2>/dev/null | awk '{ print $12 + $13 }')
        b_sum=$((b_sum + ${b_v:-0}))
    done
    echo "$b_sum"
}

# kib_of PID FIELD: VmRSS or VmHWM in KiB
kib_of() {
    awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"
}

now() {
    date +%s.%N
}

# wait_output FILE N TIMEOUT: until FILE has N lines, or it stopped growing
# for 15 s, or TIMEOUT seconds passed. Returns 0 when N lines are there.
wait_output() {
    _w_last=-1 _w_same=0 _w_t=0
    while :; do
        _w_n=$(wc -l < "$1" 2>/dev/null || echo 0)
        [ "$_w_n" -ge "$2" ] && return 0
        if [ "$_w_n" -eq "$_w_last" ]; then _w_same=$((_w_same + 1)); else _w_same=0; fi
        _w_last=$_w_n
        [ "$_w_same" -ge 75 ] && return 1
        [ "$_w_t" -ge $(($3 * 5)) ] && return 1
        sleep 0.2
        _w_t=$((_w_t + 1))
    done
}

# seqcheck FILE FIRST LAST: prints "ok" when every msgnum FIRST..LAST occurs
# exactly once and nothing else carries one, else what is wrong
seqcheck() {
    awk -v a="$2" -v b="$3" '
        { p = index($0, "msgnum:"); if (p == 0) next
          s = substr($0, p + 7, 8) + 0; n++
          if (s < a || s > b) { out++; next }
          if (seen[s]++) dup++ }
        END { want = b - a + 1; got = 0; for (k in seen) got++
              if (got == want && dup == 0 && out == 0 && n == want) print "ok"
              else printf "failed: %d lines, %d distinct of %d, %d duplicates, %d out of range\n",
                          n, got, want, dup, out }' "$1"
}

# record SCENARIO PEER RUN STATUS COUNT SECONDS RATE RECV SEND LOADER EXTRA
record() {
    echo "$1,$2,$3,$4,$5,$6,$7,$8,$9,${10},${11}" >> "$CSV"
    printf '  %-14s %-10s run %s: %-6s %s in %s s: %s/s, receiver %s us, sender %s us, loader %s us %s\n' \
        "$1" "$2" "$3" "$4" "$5" "$6" "$7" "$8" "$9" "${10}" "${11}"
}

per_unit() {
    # per_unit TICKS COUNT: microseconds per unit
    awk -v t="$1" -v n="$2" -v hz="$CLK_TCK" 'BEGIN { if (n > 0) printf "%.3f", t * 1e6 / hz / n; else print "" }'
}

loader_cpu() {
    # the loader's us/msg from its report (or its cpu seconds per unit COUNT)
    awk -v n="$2" '/cpu [0-9.]+ s/ { for (i = 1; i <= NF; i++) if ($i == "cpu") c = $(i + 1) + 0 }
                   END { if (n > 0) printf "%.3f", c * 1e6 / n }' "$1"
}

# ---- receivers -------------------------------------------------------------------

# start_receiver PEER NAME CERT MAXSESSIONS: starts the receiving side of PEER
# as daemon NAME with server certificate CERT; sets RPORT (where the loader
# connects), RPIDS (processes whose CPU counts), ROUT (output file), LPLAIN
# (--plain for the loader or empty)
start_receiver() {
    b_pr=$1 b_nm=$2 b_cert=$3 b_max=$4
    LPLAIN=""
    LFRAMING=""
    ROUT=$T/$b_nm.out
    rm -f "$ROUT"
    b_cf="tls.certFile=\"$CERTS/$b_cert-cert.pem\""
    b_kf="tls.keyFile=\"$CERTS/$b_cert-key.pem\""
    b_am='tls.authMode="x509/name"'
    b_pp='tls.permittedPeer="client.example.net"'
    b_ms="maxSessions=\"$b_max\""
    case $b_pr in
        imtls)
            imtls_conf "$b_nm" "$b_cf" "$b_kf" "$b_am" "$b_pp" "$b_ms" > "$T/$b_nm.conf" ;;
        gtls|ossl)
            TB_RECEIVER=imtcp imtls_conf "$b_nm" "$b_cf" "$b_kf" "$b_am" "$b_pp" "$b_ms" 2>/dev/null |
                sed "s/streamDriver.name=\"gtls\"/streamDriver.name=\"$b_pr\"/; s/module(load=\"imtcp\"/module(load=\"imtcp\" maxSessions=\"$b_max\"/" \
                > "$T/$b_nm.conf" ;;
        plain|stunnel)
            TB_RECEIVER=imtcp imtls_conf "$b_nm" 'tls="off"' "$b_ms" 2>/dev/null |
                sed "s/module(load=\"imtcp\"/module(load=\"imtcp\" maxSessions=\"$b_max\"/" > "$T/$b_nm.conf" ;;
        syslog-ng)
            bench_syslogng_start "$b_nm" "$b_cert"
            return ;;
    esac
    start_rsyslogd "$b_nm" "$T/$b_nm.conf" "$T/$b_nm.port"
    RPORT=$(port_of "$T/$b_nm.port") || exit $?
    RPIDS=$(cat "$T/$b_nm.pid")
    if [ "$b_pr" = plain ]; then LPLAIN=--plain; fi
    if [ "$b_pr" = stunnel ]; then
        start_stunnel "${b_nm}-stunnel" "cert = $CERTS/$b_cert-cert.pem
key = $CERTS/$b_cert-key.pem
CAfile = $CERTS/ca.pem
verifyChain = yes
accept = 127.0.0.1:@PORT@
connect = 127.0.0.1:$RPORT"
        RPORT=$STUNNEL_PORT
        RPIDS="$RPIDS $(cat "$T/${b_nm}-stunnel.bgpid")"
    fi
}

stop_receiver() {
    [ -s "$T/$1-stunnel.bgpid" ] && stop_bg "$1-stunnel"
    if [ -s "$T/$1.sngpid" ]; then
        _tb_kill_pidfile "$T/$1.sngpid" "syslog-ng $1"
        rm -f "$T/$1.sngpid"
    fi
    [ -s "$T/$1.bgpid" ] && stop_rsyslogd "$1"
    return 0
}

run_load() {
    # run_load ARGS...: the loader against 127.0.0.1:$RPORT (TLS unless $LPLAIN)
    if [ -n "$LPLAIN" ]; then
        "$LOADER" -t 127.0.0.1 -p "$RPORT" --plain --hostname bhost --tag bench "$@" > "$T/loader.out" 2>&1
    else
        "$LOADER" -t 127.0.0.1 -p "$RPORT" --ca "$CERTS/ca.pem" --cert "$CERTS/client-cert.pem" \
            --key "$CERTS/client-key.pem"  --servername localhost --hostname bhost --tag bench \
            $LFRAMING "$@" > "$T/loader.out" 2>&1
    fi
}

# ---- scenarios -------------------------------------------------------------------

# bench_ingest SCENARIO N LOADER_ARGS...: the loader sends N messages to each
# peer's receiver; msg/s from the loader's start to the receiver's last write
bench_ingest() {
    b_sc=$1 b_n=$2
    shift 2
    echo "bench: $b_sc: $b_n messages, loader $*"
    b_r=1
    while [ $b_r -le "$RUNS" ]; do
        for b_p in $PEERS; do
            start_receiver "$b_p" rcv server 2000
            recv_perf_start "$b_sc" "$b_p" "$b_r" "${RPIDS%% *}"
            b_c0=$(cpu_ticks $RPIDS)
            b_t0=$(now)
            run_load -n "$b_n" --start 1 "$@"
            b_lrc=$?
            if wait_output "$ROUT" "$b_n" 300; then :; fi
            recv_perf_stop "$b_sc" "$b_p"
            b_t1=$(stat -c %.9Y "$ROUT" 2>/dev/null || now)
            b_c1=$(cpu_ticks $RPIDS)
            stop_receiver rcv
            b_st=$(seqcheck "$ROUT" 1 "$b_n")
            [ "$b_lrc" -eq 0 ] || b_st="failed: loader exit $b_lrc: $(tail -n 2 "$T/loader.out" | tr '\n,' '  ')"
            b_secs=$(awk -v a="$b_t0" -v b="$b_t1" 'BEGIN { printf "%.3f", b - a }')
            b_rate=$(awk -v n="$b_n" -v s="$b_secs" 'BEGIN { if (s > 0) printf "%.0f", n / s }')
            [ "$b_st" = ok ] || { echo "$b_sc $b_p run $b_r: $b_st" >> "$NOTES"; b_st=failed; }
            record "$b_sc" "$b_p" "$b_r" "$b_st" "$b_n" "$b_secs" "$b_rate" "$(per_unit $((b_c1 - b_c0)) "$b_n")" "" \
                "$(loader_cpu "$T/loader.out" "$b_n")" ""
        done
        b_r=$((b_r + 1))
    done
}

# bench_haproxy SCENARIO N: N messages over 16 connections (TLS records
# filled) to imtls directly (peer "imtls") and through HAProxy in mode tcp
# with send-proxy-v2 in front of the same imtls with proxyProtocol="v2"
# (peer "imtls-haproxy"): msg/s and the receiving rsyslogd's CPU per
# message next to each other; the extra column is HAProxy's own CPU per
# message. Not run (noted) without haproxy.
bench_haproxy() {
    b_sc=$1 b_n=$2
    if ! command -v haproxy >/dev/null 2>&1; then
        echo "$b_sc: not run: haproxy not installed" | tee -a "$NOTES"
        return 0
    fi
    echo "bench: $b_sc: $b_n messages over 16 connections, imtls directly and through HAProxy (send-proxy-v2)"
    b_r=1
    while [ $b_r -le "$RUNS" ]; do
        for b_via in direct haproxy; do
            LPLAIN="" LFRAMING=""
            ROUT=$T/rcv.out
            rm -f "$ROUT"
            b_px=""
            [ "$b_via" = haproxy ] && b_px='proxyProtocol="v2" proxyProtocol.trustedSources="127.0.0.1"'
            imtls_conf rcv "tls.certFile=\"$CERTS/server-cert.pem\"" "tls.keyFile=\"$CERTS/server-key.pem\"" \
                'tls.authMode="x509/name"' 'tls.permittedPeer="client.example.net"' 'maxSessions="2000"' \
                'address="127.0.0.1"' $b_px > "$T/rcv.conf"
            start_rsyslogd rcv "$T/rcv.conf" "$T/rcv.port"
            RPORT=$(port_of "$T/rcv.port") || exit $?
            RPIDS=$(cat "$T/rcv.pid")
            b_peer=imtls b_hpid=""
            if [ "$b_via" = haproxy ]; then
                start_haproxy rcv-lb "frontend fe
    bind 127.0.0.1:@PORT@
    default_backend pool
backend pool
    server r1 127.0.0.1:$RPORT send-proxy-v2"
                RPORT=$HAPROXY_PORT b_peer=imtls-haproxy b_hpid=$(cat "$T/rcv-lb.bgpid")
            fi
            b_c0=$(cpu_ticks $RPIDS)
            b_h0=$(cpu_ticks $b_hpid)
            b_t0=$(now)
            run_load -n "$b_n" --start 1 -c 16 --per-record fill
            b_lrc=$?
            if wait_output "$ROUT" "$b_n" 300; then :; fi
            b_t1=$(stat -c %.9Y "$ROUT" 2>/dev/null || now)
            b_c1=$(cpu_ticks $RPIDS)
            b_h1=$(cpu_ticks $b_hpid)
            [ -n "$b_hpid" ] && stop_haproxy rcv-lb
            stop_receiver rcv
            b_st=$(seqcheck "$ROUT" 1 "$b_n")
            [ "$b_lrc" -eq 0 ] || b_st="failed: loader exit $b_lrc: $(tail -n 2 "$T/loader.out" | tr '\n,' '  ')"
            b_secs=$(awk -v a="$b_t0" -v b="$b_t1" 'BEGIN { printf "%.3f", b - a }')
            b_rate=$(awk -v n="$b_n" -v s="$b_secs" 'BEGIN { if (s > 0) printf "%.0f", n / s }')
            [ "$b_st" = ok ] || { echo "$b_sc $b_peer run $b_r: $b_st" >> "$NOTES"; b_st=failed; }
            b_hx=""
            [ -n "$b_hpid" ] && b_hx=$(per_unit $((b_h1 - b_h0)) "$b_n")
            record "$b_sc" "$b_peer" "$b_r" "$b_st" "$b_n" "$b_secs" "$b_rate" "$(per_unit $((b_c1 - b_c0)) "$b_n")" "" \
                "$(loader_cpu "$T/loader.out" "$b_n")" "$b_hx"
        done
        b_r=$((b_r + 1))
    done
}

# bench_forward SCENARIO N: loader (plaintext) -> sending rsyslogd (imtcp
# without TLS, one action with a LinkedList queue) -> omtls -> imtls, against
# the same with omfwd + gtls -> imtcp + gtls. Sender CPU per message is the
# figure of interest.
bench_forward() {
    b_sc=$1 b_n=$2
    echo "bench: $b_sc: $b_n messages, loader (plaintext) -> rsyslogd -> TLS -> rsyslogd"
    b_fpeers=""
    for b_p in $PEERS; do case $b_p in imtls|gtls) b_fpeers="$b_fpeers $b_p" ;; esac; done
    b_r=1
    while [ $b_r -le "$FWD_RUNS" ]; do
        for b_p in $b_fpeers; do
            start_receiver "$b_p" rcv server 2000
            b_rpids=$RPIDS
            b_rport=$RPORT
            if [ "$b_p" = imtls ]; then b_snd=omtls; else b_snd=omfwd; fi
            b_act=$(OMTLS_SENDER=$b_snd omtls_action target=127.0.0.1 port="$b_rport" \
                tls.caFile="$CERTS/ca.pem" tls.certFile="$CERTS/client-cert.pem" tls.keyFile="$CERTS/client-key.pem" \
                tls.permittedPeer=localhost queue.type=LinkedList queue.size=200000 queue.dequeueBatchSize=1024)
            b_mod=""
            [ "$b_snd" = omtls ] && { b_mod="module(load=\"$(omtls_module)\")" || exit $?; }
            {
                conf_head snd
                conf_stats snd
                echo "$b_mod"
                echo 'module(load="imtcp")'
                echo "input(type=\"imtcp\" port=\"0\" address=\"127.0.0.1\" listenPortFileName=\"$T/snd.port\" ruleset=\"fwd\")"
                echo 'ruleset(name="fwd") {'
                echo "$b_act"
                echo '}'
            } > "$T/snd.conf"
            start_rsyslogd snd "$T/snd.conf" "$T/snd.port"
            b_spid=$(cat "$T/snd.pid")
            RPORT=$(port_of "$T/snd.port") || exit $?
            LPLAIN=--plain
            b_c0=$(cpu_ticks $b_rpids)
            b_s0=$(cpu_ticks "$b_spid")
            b_perf=""
            if [ "$b_r" = 1 ] && [ "${BENCH_PERF:-1}" = 1 ] && command -v perf >/dev/null 2>&1; then
                b_perf=$RESULTS/perf-forward-$b_snd
                perf record -e cpu-clock -F 1999 -g -o "$b_perf.data" -p "$b_spid" > "$b_perf.log" 2>&1 &
                echo $! > "$T/perf.bgpid"
                sleep 0.3 # perf attaches
            fi
            b_t0=$(now)
            run_load -n "$b_n" --start 1 --per-record fill
            b_lrc=$?
            wait_output "$ROUT" "$b_n" 300
            if [ -n "$b_perf" ]; then
                b_ppid=$(cat "$T/perf.bgpid")
                kill -INT "$b_ppid" 2>/dev/null
                wait "$b_ppid" 2>/dev/null
                rm -f "$T/perf.bgpid"
            fi
            b_t1=$(stat -c %.9Y "$ROUT" 2>/dev/null || now)
            b_c1=$(cpu_ticks $b_rpids)
            b_s1=$(cpu_ticks "$b_spid")
            stop_rsyslogd snd
            stop_receiver rcv
            b_st=$(seqcheck "$ROUT" 1 "$b_n")
            [ "$b_lrc" -eq 0 ] || b_st="failed: loader exit $b_lrc"
            b_secs=$(awk -v a="$b_t0" -v b="$b_t1" 'BEGIN { printf "%.3f", b - a }')
            b_rate=$(awk -v n="$b_n" -v s="$b_secs" 'BEGIN { if (s > 0) printf "%.0f", n / s }')
            [ "$b_st" = ok ] || { echo "$b_sc $b_p run $b_r: $b_st" >> "$NOTES"; b_st=failed; }
            record "$b_sc" "$b_p" "$b_r" "$b_st" "$b_n" "$b_secs" "$b_rate" "$(per_unit $((b_c1 - b_c0)) "$b_n")" \
                "$(per_unit $((b_s1 - b_s0)) "$b_n")" "$(loader_cpu "$T/loader.out" "$b_n")" ""
            [ -n "$b_perf" ] && perf_summary "$b_perf" "$b_snd" "$(per_unit $((b_s1 - b_s0)) "$b_n")"
        done
        b_r=$((b_r + 1))
    done
}

# perf_summary PREFIX SENDER US_PER_MSG: the sender's profile by shared
# object (PREFIX-dso.txt), its top symbols (PREFIX-top.txt), and per object
# the share times the sender's CPU per message, in PREFIX-share.txt: the
# output module and the runtime (omtls.so, libsyslogtls, GnuTLS and its
# crypto: libgnutls, libnettle, libhogweed, libgmp; for omfwd: lmnsd_gtls,
# lmnet...) against rsyslog's core (rsyslogd, libc, the kernel, ...).
perf_summary() {
    perf report -i "$1.data" --stdio --no-children --sort dso -g none 2>/dev/null | grep -v '^#' | grep -v '^$' > "$1-dso.txt"
    perf report -i "$1.data" --stdio --no-children --sort dso,sym -g none 2>/dev/null | grep -v '^#' |
        grep -v '^$' | head -40 > "$1-top.txt"
    awk -v us="$3" -v snd="$2" '
        { pct = $1; sub(/%/, "", pct); dso = $2
          own = (dso ~ /omtls|syslogtls|gnutls|nettle|hogweed|gmp|lmnsd_gtls|omfwd|lmnetstrms|lmtcpclt/)
          printf "%-28s %6.2f%%  %6.3f us/msg  %s\n", dso, pct, pct * us / 100, own ? "transport (module, TLS)" : "core"
          if (own) o += pct; else c += pct }
        END { printf "%s sender: %.3f us/msg in all; transport (output module + TLS) %.1f%% = %.3f us/msg; rsyslog core and the rest %.1f%% = %.3f us/msg\n",
                     snd, us, o, o * us / 100, c, c * us / 100 }' "$1-dso.txt" > "$1-share.txt"
    tail -n 1 "$1-share.txt" >> "$NOTES"
}

# recv_perf_start SCENARIO PEER RUN PID: in run 1, for imtls and rsyslog's
# gtls, a perf profile of the receiving daemon PID while the load runs
# (BENCH_PERF=1, the default of full runs, and perf installed; sampling at
# 999 Hz costs the profiled daemon about 1 % and is the same for both).
recv_perf_start() {
    B_RPERF=""
    [ "$3" = 1 ] && [ "${BENCH_PERF:-1}" = 1 ] || return 0
    case $2 in imtls|gtls) ;; *) return 0 ;; esac
    command -v perf >/dev/null 2>&1 || return 0
    B_RPERF=$RESULTS/perf-recv-$1-$2
    perf record -e cpu-clock -F 999 -g -o "$B_RPERF.data" -p "$4" > "$B_RPERF.log" 2>&1 &
    echo $! > "$T/rperf.bgpid"
    sleep 0.3 # perf attaches
}

# recv_perf_stop SCENARIO PEER: stops the profile of recv_perf_start and
# writes PREFIX-dso.txt (by shared object), PREFIX-top.txt (top symbols) and
# one line per profile to the notes: the receiver's samples grouped into
# crypto (nettle, hogweed, gmp, OpenSSL's libcrypto), the TLS library
# (GnuTLS, libtasn1, libssl, rsyslog's netstream drivers), the input module
# (imtls and libsyslogtls; imtcp and its tcpsrv/netstrm helpers), rsyslog's
# core (rsyslogd and its built-in modules), libc, the kernel and the rest.
recv_perf_stop() {
    [ -n "$B_RPERF" ] || return 0
    b_pp=$(cat "$T/rperf.bgpid")
    kill -INT "$b_pp" 2>/dev/null
    wait "$b_pp" 2>/dev/null
    rm -f "$T/rperf.bgpid"
    perf report -i "$B_RPERF.data" --stdio --no-children --sort dso -g none 2>/dev/null | grep -v '^#' |
        grep -v '^$' > "$B_RPERF-dso.txt"
    perf report -i "$B_RPERF.data" --stdio --no-children --sort dso,sym -g none 2>/dev/null | grep -v '^#' |
        grep -v '^$' | head -40 > "$B_RPERF-top.txt"
    awk -v what="$1 $2" '
        { pct = $1; sub(/%/, "", pct); d = $2
          if (d ~ /nettle|hogweed|gmp|libcrypto/) g = "crypto"
          else if (d ~ /gnutls|tasn1|libssl|lmnsd_/) g = "TLS library"
          else if (d ~ /imtls|syslogtls|imtcp|lmtcpsrv|lmnetstrms|lmnet/) g = "input module"
          else if (d ~ /rsyslogd/) g = "rsyslogd core"
          else if (d ~ /libc[.-]/) g = "libc"
          else if (d ~ /kernel/) g = "kernel"
          else g = "other"
          sum[g] += pct }
        END { line = what " receiver profile (run 1, perf, by shared object):"
              n = split("crypto,TLS library,input module,rsyslogd core,libc,kernel,other", order, ",")
              for (i = 1; i <= n; i++) line = line sprintf(" %s %.1f%%%s", order[i], sum[order[i]], i < n ? "," : "")
              print line }' "$B_RPERF-dso.txt" >> "$NOTES"
}

# wait_no_sessions PORT: until no established TCP session to PORT is left
# (bounded 30 s), so that the receiver's CPU counts every close
wait_no_sessions() {
    b_ws=0
    while ss -Htn state established "( dport = :$1 or sport = :$1 )" 2>/dev/null | grep -q .; do
        [ $b_ws -ge 300 ] && return 1
        sleep 0.1
        b_ws=$((b_ws + 1))
    done
}

# bench_connect SCENARIO N CERT [resumed]: N sessions open (64 loader threads, all held
# open until every one is), then close; time until all are open and the
# receiver's CPU per handshake (the close included). CERT: server (ECDSA
# P-256) or server-rsa (RSA-2048). Full handshakes (the loader's --no-resume),
# or with "resumed": one warm-up connection first, then the N sessions resume
# its TLS session where the peer issued a ticket (the count is in the
# extra column).
bench_connect() {
    b_sc=$1 b_n=$2 b_cert=$3 b_mode=${4:-full}
    if [ "$b_mode" = resumed ]; then b_lopt=--warmup; else b_lopt=--no-resume; fi
    # the stunnel pair needs about 35 s per 1,000 handshakes (a thread and a
    # backend connection each): it runs in the ECDSA storm only, by default
    case $b_sc in
        connect-rsa) b_allow=" ${BENCH_CONNECT_RSA_PEERS:-imtls gtls ossl} " ;;
        connect-resumed) b_allow=" ${BENCH_CONNECT_RESUMED_PEERS:-imtls gtls} " ;;
        *) b_allow=" ${BENCH_CONNECT_PEERS:-imtls gtls ossl stunnel syslog-ng} " ;;
    esac
    echo "bench: $b_sc: $b_n sessions connect, server key $b_cert"
    b_r=1
    while [ $b_r -le "$RUNS" ]; do
        for b_p in $PEERS; do
            case $b_allow in *" $b_p "*) ;; *) continue ;; esac
            # stunnel: one run unless BENCH_STUNNEL_CONNECT_RUNS says more
            if [ "$b_p" = stunnel ] && [ "$b_r" -gt "${BENCH_STUNNEL_CONNECT_RUNS:-1}" ]; then continue; fi
            start_receiver "$b_p" rcv "$b_cert" $((b_n * 2))
            recv_perf_start "$b_sc" "$b_p" "$b_r" "${RPIDS%% *}"
            b_c0=$(cpu_ticks $RPIDS)
            run_load --connect-only -c "$b_n" --threads 64 --timeout 20000 --close-timeout 200 $b_lopt
            b_lrc=$?
            wait_no_sessions "$RPORT"
            recv_perf_stop "$b_sc" "$b_p"
            b_c1=$(cpu_ticks $RPIDS)
            stop_receiver rcv
            b_secs=$(sed -n 's/.*all open after \([0-9.]*\) s.*/\1/p' "$T/loader.out")
            b_rate=$(awk -v n="$b_n" -v s="$b_secs" 'BEGIN { if (s > 0) printf "%.0f", n / s }')
            b_st=ok
            if [ "$b_lrc" -ne 0 ]; then
                b_st=failed
                echo "$b_sc $b_p run $b_r: $(grep 'connections .* of' "$T/loader.out")" >> "$NOTES"
            fi
            b_res=""
            [ "$b_mode" = resumed ] && b_res=$(sed -n 's/.*, \([0-9]*\) resumed.*/\1/p' "$T/loader.out")
            record "$b_sc" "$b_p" "$b_r" "$b_st" "$b_n" "$b_secs" "$b_rate" "$(per_unit $((b_c1 - b_c0)) "$b_n")" "" \
                "$(loader_cpu "$T/loader.out" "$b_n")" "$b_res"
        done
        b_r=$((b_r + 1))
    done
}

# bench_many SCENARIO N: N concurrent sessions (all open at once), 2 messages
# each; connect phase time, receiver memory per session (peak RSS growth / N),
# every message seq-checked
bench_many() {
    b_sc=$1 b_n=$2
    b_need=$((b_n + 200))
    if [ "$BENCH_NOFILE" -lt "$b_need" ]; then
        echo "$b_sc: not run: descriptor limit $BENCH_NOFILE < $b_need" | tee -a "$NOTES"
        return 0
    fi
    echo "bench: $b_sc: $b_n concurrent sessions, 2 messages each (descriptor limit $BENCH_NOFILE)"
    b_m=$((b_n * 2))
    b_r=1
    while [ $b_r -le "$MANY_RUNS" ]; do
        for b_p in $PEERS; do
            case $b_p in imtls|gtls) ;; *) continue ;; esac
            start_receiver "$b_p" rcv server $((b_n * 2))
            b_pid=${RPIDS%% *}
            b_k0=$(kib_of "$b_pid" VmRSS)
            recv_perf_start "$b_sc" "$b_p" "$b_r" "$b_pid"
            b_c0=$(cpu_ticks $RPIDS)
            run_load -n "$b_m" --start 1 -c "$b_n" --threads 64 --timeout 120000 --close-timeout 1000 --no-resume
            b_lrc=$?
            wait_output "$ROUT" "$b_m" 120
            recv_perf_stop "$b_sc" "$b_p"
            b_k1=$(kib_of "$b_pid" VmHWM)
            b_c1=$(cpu_ticks $RPIDS)
            stop_receiver rcv
            b_secs=$(sed -n 's/.*all open after \([0-9.]*\) s.*/\1/p' "$T/loader.out")
            b_rate=$(awk -v n="$b_n" -v s="$b_secs" 'BEGIN { if (s > 0) printf "%.0f", n / s }')
            b_st=$(seqcheck "$ROUT" 1 "$b_m")
            [ "$b_lrc" -eq 0 ] || b_st="failed: $(grep 'connections .* of' "$T/loader.out")"
            [ "$b_st" = ok ] || { echo "$b_sc $b_p run $b_r: $b_st" >> "$NOTES"; b_st=failed; }
            b_kps=$(awk -v a="$b_k0" -v b="$b_k1" -v n="$b_n" 'BEGIN { printf "%.1f", (b - a) / n }')
            record "$b_sc" "$b_p" "$b_r" "$b_st" "$b_n" "$b_secs" "$b_rate" "$(per_unit $((b_c1 - b_c0)) "$b_n")" "" \
                "$(loader_cpu "$T/loader.out" "$b_m")" "$b_kps"
        done
        b_r=$((b_r + 1))
    done
}

# ---- syslog-ng (unpacked Debian package) -----------------------------------------

SNG_ROOT=${BENCH_SYSLOGNG_ROOT:-$abs_top_builddir/bench/syslog-ng}

bench_syslogng_missing() {
    [ -x "$SNG_ROOT/usr/sbin/syslog-ng" ] || {
        echo "no unpacked syslog-ng under $SNG_ROOT (bench/get-syslog-ng.sh makes one)"
        return
    }
    LD_LIBRARY_PATH=$SNG_ROOT/usr/lib/syslog-ng:$SNG_ROOT/usr/lib/x86_64-linux-gnu \
        "$SNG_ROOT/usr/sbin/syslog-ng" --version >/dev/null 2>&1 || echo "the unpacked syslog-ng does not run"
}

bench_syslogng_start() {
    b_nm=$1 b_cert=$2
    mkdir -p "$T/$b_nm.work"
    b_port=$(omtls_free_port)
    cat > "$T/$b_nm.sng.conf" <<EOF
@version: 3.38
options { keep-hostname(yes); chain-hostnames(no); log-msg-size(65536); stats_freq(0); };
source s_tls { network(ip("127.0.0.1") port($b_port) transport("tls") max-connections(20000)
    flags(syslog-protocol)
    tls(key-file("$CERTS/$b_cert-key.pem") cert-file("$CERTS/$b_cert-cert.pem") ca-file("$CERTS/ca.pem")
        peer-verify(required-trusted))); };
destination d_out { file("$ROUT" template("\$MSG\n")); };
log { source(s_tls); destination(d_out); };
EOF
    LD_LIBRARY_PATH=$SNG_ROOT/usr/lib/syslog-ng:$SNG_ROOT/usr/lib/x86_64-linux-gnu \
        "$SNG_ROOT/usr/sbin/syslog-ng" -F --no-caps -f "$T/$b_nm.sng.conf" --module-path="$SNG_ROOT/usr/lib/syslog-ng/3.38" \
        -p "$T/$b_nm.sng.pid" -c "$T/$b_nm.work/ctl" -R "$T/$b_nm.work/persist" \
        > "$T/$b_nm.stderr" 2>&1 &
    echo $! > "$T/$b_nm.sngpid"
    omtls_wait_listen 127.0.0.1 "$b_port" 20
    RPORT=$b_port
    RPIDS=$(cat "$T/$b_nm.sngpid")
    LFRAMING="-F lf" # network() reads LF-separated messages; syslog() would be octet-counted
}

# ---- report ------------------------------------------------------------------------

bench_report() {
    # summary.csv: scenario,peer,ok,runs,rate_med,rate_min,rate_max,secs_med,recv_med,send_med,loader_med,extra_med
    awk -F, 'NR > 1 {
            k = $1 SUBSEP $2; if (!(k in runs)) { order[++no] = k }
            runs[k]++
            if ($4 == "ok") { ok[k]++; i = ok[k]; rate[k, i] = $7; secs[k, i] = $6; recv[k, i] = $8
                              send[k, i] = $9; ld[k, i] = $10; ex[k, i] = $11 } }
        function med(a, k, n,   i, j, t, v) {
            if (n == 0) return ""
            for (i = 1; i <= n; i++) v[i] = a[k, i] + 0
            for (i = 2; i <= n; i++) { t = v[i]; for (j = i - 1; j >= 1 && v[j] > t; j--) v[j + 1] = v[j]; v[j + 1] = t }
            if (n % 2) return v[(n + 1) / 2]
            return (v[n / 2] + v[n / 2 + 1]) / 2 }
        function mn(a, k, n,   i, m) { m = ""; for (i = 1; i <= n; i++) if (m == "" || a[k, i] + 0 < m) m = a[k, i] + 0; return m }
        function mx(a, k, n,   i, m) { m = ""; for (i = 1; i <= n; i++) if (m == "" || a[k, i] + 0 > m) m = a[k, i] + 0; return m }
        END { print "scenario,peer,ok,runs,rate_med,rate_min,rate_max,secs_med,recv_med,send_med,loader_med,extra_med"
              for (o = 1; o <= no; o++) { k = order[o]; split(k, p, SUBSEP); n = ok[k] + 0
                  printf "%s,%s,%d,%d,%s,%s,%s,%s,%s,%s,%s,%s\n", p[1], p[2], n, runs[k], med(rate, k, n),
                      mn(rate, k, n), mx(rate, k, n), med(secs, k, n), med(recv, k, n),
                      (send[k, 1] == "" ? "" : med(send, k, n)), med(ld, k, n), (ex[k, 1] == "" ? "" : med(ex, k, n)) } }' \
        "$CSV" > "$RESULTS/summary.csv"
    bench_markdown > "$RESULTS/results.md"
    cat "$RESULTS/results.md"
    bench_chart
    echo "bench: results in $RESULTS (results.md, results.csv, summary.csv$([ -s "$RESULTS/chart.png" ] && echo ", chart.png"))"
}

bench_markdown() {
    echo "# Benchmark results"
    echo
    sed 's/^/    /' "$RESULTS/machine.txt"
    echo
    echo "msg/s: median (min-max) of the runs that passed the sequence check; CPU: microseconds per message"
    echo "(per handshake in connect-*, per session in many) of the receiving daemon(s), the sender (forward)"
    echo "and the loader. Ratios: imtls/omtls divided by the peer, same invocation (connect and many: the"
    echo "peer's time divided by imtls's, i.e. how many times faster). haproxy: imtls directly against"
    echo "imtls behind HAProxy (send-proxy-v2, proxyProtocol=\"v2\"); receiver CPU is imtls's, HAProxy's own"
    echo "CPU is in the extra column."
    echo
    echo "| scenario | peer | runs ok | msg/s (sessions/s) | time s | receiver CPU µs | sender CPU µs | loader CPU µs | KiB/session (many), resumed (connect-resumed), HAProxy CPU µs (haproxy) | imtls ratio (rate) | imtls ratio (receiver CPU) | imtls ratio (sender CPU) |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
    awk -F, 'NR > 1 { k = $1 SUBSEP $2; line[++n] = $0; rate[k] = $5; secs[k] = $8; recv[k] = $9; send[k] = $10 }
        function ratio(a, b) { if (a == "" || b == "" || b + 0 == 0) return "-"; return sprintf("%.2f×", a / b) }
        END { for (i = 1; i <= n; i++) { split(line[i], f, ","); s = f[1]; p = f[2]; ik = s SUBSEP "imtls"
                  if (s ~ /^(connect|many)/) r = ratio(secs[s, p], secs[ik]); else r = ratio(rate[ik], rate[s, p])
                  rc = ratio(recv[ik], recv[s, p]); sc = ratio(send[ik], send[s, p])
                  if (p == "imtls") { r = "-"; rc = "-"; sc = "-" }
                  rt = f[5] == "" ? "failed" : sprintf("%s (%s-%s)", f[5], f[6], f[7])
                  printf "| %s | %s | %s/%s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", s,
                      (p == "imtls" && s == "forward") ? "omtls->imtls" : (p == "gtls" && s == "forward") ? "omfwd->imtcp (gtls)" : p,
                      f[3], f[4], rt, f[8], f[9], (f[10] == "" ? "-" : f[10]), f[11], (f[12] == "" ? "-" : f[12]), r, rc, sc } }' \
        "$RESULTS/summary.csv"
    # the resumed handshake against a full one, receiver CPU, per peer
    awk -F, 'NR > 1 && $1 == "connect-ecdsa" { full[$2] = $9 } NR > 1 && $1 == "connect-resumed" { res[$2] = $9; n[$2] = $12 }
        END { first = 1
              for (p in res) if (full[p] != "" && res[p] != "" && full[p] > 0) {
                  if (first) { print ""; first = 0 }
                  printf "Resumed handshake, %s: receiver %s µs per resumed handshake (%s resumed) vs %s µs per full one (ECDSA P-256): %.2f× (target for imtls: ≤ 0.3×)\n\n",
                      p, res[p], (n[p] == "" ? "0" : n[p]), full[p], res[p] / full[p] } }' "$RESULTS/summary.csv"
    if [ -s "$RESULTS/timing.txt" ]; then
        echo
        awk '$1 == "total" { t = $2; next } { l = l (l == "" ? "" : ", ") $1 " " $2 " s" }
            END { printf "Wall time of this invocation: %s s (%s).\n", t, l }' "$RESULTS/timing.txt"
    fi
    if [ -s "$NOTES" ]; then
        echo
        echo "Notes:"
        echo
        sed 's/^/- /' "$NOTES"
    fi
}

bench_chart() {
    command -v gnuplot >/dev/null 2>&1 || { echo "bench: gnuplot not installed: no chart"; return 0; }
    # one row per scenario with a rate, one column per peer
    awk -F, -v peers="$PEERS" 'BEGIN { np = split(peers, pp, " ") }
        NR > 1 && $1 !~ /^(connect|many)/ { if (!($1 in seen)) { seen[$1] = 1; sc[++ns] = $1 }
                   rate[$1, $2] = $5; cpu[$1, $2] = $9 }
        END { printf "scenario"; for (j = 1; j <= np; j++) printf " %s", pp[j]; print ""
              for (i = 1; i <= ns; i++) { printf "%s", sc[i]
                  for (j = 1; j <= np; j++) printf " %s", ((sc[i], pp[j]) in rate && rate[sc[i], pp[j]] != "" ? rate[sc[i], pp[j]] : "0"); print "" }
              print ""; print ""
              printf "scenario"; for (j = 1; j <= np; j++) printf " %s", pp[j]; print ""
              for (i = 1; i <= ns; i++) { printf "%s", sc[i]
                  for (j = 1; j <= np; j++) printf " %s", ((sc[i], pp[j]) in cpu && cpu[sc[i], pp[j]] != "" ? cpu[sc[i], pp[j]] : "0"); print "" } }' \
        "$RESULTS/summary.csv" > "$RESULTS/chart.dat"
    b_np=$(echo $PEERS | wc -w)
    gnuplot > "$RESULTS/gnuplot.log" 2>&1 <<EOF
set terminal pngcairo size 1100,700 font ",9" noenhanced
set output "$RESULTS/chart.png"
set multiplot layout 2,1
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set key outside right top
set grid ytics
set title "messages per second (median; higher is better)"
set format y "%.0s%c"
plot for [c=2:$((b_np + 1))] "$RESULTS/chart.dat" index 0 using c:xtic(1) title columnheader(c)
set title "receiver CPU microseconds per message (median; lower is better)"
set format y "%g"
plot for [c=2:$((b_np + 1))] "$RESULTS/chart.dat" index 1 using c:xtic(1) title columnheader(c)
unset multiplot
EOF
    [ -s "$RESULTS/chart.png" ] || echo "bench: gnuplot failed (see $RESULTS/gnuplot.log)"
}
