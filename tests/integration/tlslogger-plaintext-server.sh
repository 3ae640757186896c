#!/bin/sh
# tlslogger toward a plaintext syslog port (rsyslog's imtcp), which never
# answers the TLS handshake: exit 4 within --timeout, one line saying so.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "$abs_top_srcdir/tests/integration/lib-tlslogger.sh"
{
    conf_head p
    echo 'module(load="imtcp")'
    echo "input(type=\"imtcp\" name=\"plain\" port=\"0\" listenPortFileName=\"$T/p.port\")"
    echo "action(type=\"omfile\" file=\"$T/p.out\" template=\"t_out\")"
} > "$T/p.conf"
start_rsyslogd p "$T/p.conf" "$T/p.port"
PORT=$(port_of "$T/p.port") || exit $?

t0=$(date +%s)
TL_SERVER=127.0.0.1 run_tlslogger --timeout 2 "must not arrive"
took=$(($(date +%s) - t0))
assert_tlslogger_failed 4 \
    "^tlslogger: server 127\\.0\\.0\\.1 \\(127\\.0\\.0\\.1:$PORT\\): handshake timeout: .*timed out after 2000 ms.*plaintext"
[ "$took" -le "$(scaled_seconds 10)" ] || fail "tlslogger took $took s with --timeout 2"
assert_no_grep "$T/p.out" "must not arrive"
echo "PASS: plaintext server, exit 4 after the handshake timeout, one line"
