#!/bin/sh
# socketBacklog: the listen() backlog is 1024 by default (capped by
# net.core.somaxconn) and the parameter's value when set; 1,000 simultaneous
# connects cause no listen-queue overflow (TcpExt ListenOverflows in
# /proc/net/netstat unchanged) and a client is served meanwhile.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
need_tool ss gnutls-cli
imtls_only || skip "imtls behaviour only (TB_RECEIVER=imtcp)"
storm=$(built_tool tests/tools/tls-storm) || exit $?
[ -r /proc/net/netstat ] || skip "no /proc/net/netstat"
ulimit -n 4096 2>/dev/null || [ "$(ulimit -n)" -ge 1200 ] || skip "descriptor limit $(ulimit -n) below 1200"
overflows() {
    awk '$1 == "TcpExt:" { if (!h) { for (i = 2; i <= NF; i++) n[i] = $i; h = 1 } else for (i = 2; i <= NF; i++) if (n[i] == "ListenOverflows") print $i }' /proc/net/netstat
}
backlog_of() {  # the Send-Q of a listening socket is its backlog
    ss -Hltn "sport = :$1" | awk '{ print $3; exit }'
}
somaxconn=$(cat /proc/sys/net/core/somaxconn)
expect=1024
[ "$somaxconn" -lt 1024 ] && expect=$somaxconn

start_imtls recv
[ "$(backlog_of "$PORT")" = "$expect" ] || fail "backlog $(backlog_of "$PORT"), expected $expect"
before=$(overflows)
start_bg burst "$storm" --silent -p "$PORT" -c 1000 --timeout "$(scaled_seconds 60)"
wait_for_grep "$T/burst.stdout" '^silent connections open 1000$'
# everything accepted: the listen queue is empty again
n=$(_tb_timeout 30)
while [ "$(ss -Hltn "sport = :$PORT" | awk '{ print $2; exit }')" != 0 ]; do
    [ $n -gt 0 ] || fail "the listen queue did not drain"
    sleep 0.1
    n=$((n - 1))
done
after=$(overflows)
echo "ListenOverflows before $before, after $after"
[ "$after" -eq "$before" ] || fail "ListenOverflows went from $before to $after"
assert_serves_good_client recv
stop_bg burst
stop_rsyslogd recv

start_imtls small 'socketBacklog="64"'
[ "$(backlog_of "$PORT")" = 64 ] || fail "socketBacklog=64: backlog $(backlog_of "$PORT")"
stop_rsyslogd small
