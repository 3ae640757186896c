#!/bin/sh
# A server that accepts TCP and never answers the TLS handshake: a plain
# imtcp rsyslogd frozen with SIGSTOP after it bound its port (the kernel
# still completes TCP connections into its backlog; nobody reads). omtls
# gives up after tls.handshakeTimeout (2 s) and suspends; the daemon keeps
# running its other action (an omfile copy keeps growing), and shuts down
# within a few seconds.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "$abs_top_srcdir/tests/integration/lib-omtls.sh"
omtls_needs_omtls
gen_certs

omtls_receiver_imtcp_conf hang 0 ptcp
start_rsyslogd hang "$T/hang.conf" "$T/hang.port"
PORT=$(port_of "$T/hang.port") || exit $?
kill -STOP "$(cat "$T/hang.bgpid")"

omtls_feed 1 1000
omtls_sender_conf snd "$(omtls_action target=127.0.0.1 port="$PORT" $(omtls_client_tls) \
    tls.handshakeTimeout=2 connectTimeout=2 queue.type=LinkedList queue.size=20000 \
    action.resumeRetryCount=-1 action.resumeInterval=1)
action(type=\"omfile\" file=\"$T/copy.out\")"
start_rsyslogd snd "$T/snd.conf"

wait_for_count "$T/copy.out" 1000 30
wait_for_grep "$T/snd.log" "TLS handshake with 127\.0\.0\.1:$PORT timed out after 2000 ms" 30
wait_for_stat "$T/snd.stats" omtls handshake.failed 1 30
# still suspended, still processing the other action
omtls_feed 1001 2000
wait_for_count "$T/copy.out" 2000 30
[ "$(omtls_stat snd messages.sent)" -eq 0 ] || fail "messages counted as sent to a server that never answered"
noise=$(cat "$T/snd.log" "$T/snd.stderr" | grep -c 'suspended' || true)
[ "$noise" -le 10 ] || fail "$noise 'suspended' notices: the action spins"

start=$(date +%s)
stop_rsyslogd snd
took=$(( $(date +%s) - start ))
[ "$took" -le "$(scaled_seconds 5)" ] || fail "shutdown took $took s with a hung handshake pending"
kill -CONT "$(cat "$T/hang.bgpid")"
stop_rsyslogd hang
echo "PASS: handshake timed out after 2 s, other action unaffected, shutdown in ${took} s"
