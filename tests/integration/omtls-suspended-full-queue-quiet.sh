#!/bin/sh
# omtls suspended toward a plaintext syslog port (plain imtcp: it never
# answers the handshake and later drops the connection) while its action
# queue (size 1000) overflows: rsyslogd must not spin on the action, neither
# while running nor while shutting down with the action still suspended.
# rsyslog's "suspended" notice stays rare, impstats keeps reporting omtls,
# and the ruleset's second action keeps getting messages. The operator's
# policy here is to drop on a full queue (queue.timeoutEnqueue="0"; the
# default blocks the whole ruleset batch for 2 s per message), and rsyslog
# counts those drops (discarded.full).
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "$abs_top_srcdir/tests/integration/lib-omtls.sh"
omtls_needs_omtls
gen_certs

omtls_receiver_imtcp_conf plain 0 ptcp
start_rsyslogd plain "$T/plain.conf" "$T/plain.port"
PORT=$(port_of "$T/plain.port") || exit $?

omtls_feed 1 1000
omtls_sender_conf snd "$(omtls_action name=to-plain target=127.0.0.1 port="$PORT" $(omtls_client_tls) \
    tls.handshakeTimeout=2 connectTimeout=2 queue.type=LinkedList queue.size=1000 queue.timeoutEnqueue=0 \
    action.resumeRetryCount=-1 action.resumeInterval=1)
action(type=\"omfile\" name=\"copy\" file=\"$T/copy.out\")"
start_rsyslogd snd "$T/snd.conf"
wait_for_count "$T/copy.out" 1000 30
wait_for_stat "$T/snd.stats" 'omtls\(to-plain\)' handshake.failed 1 30
omtls_feed 1001 2000
reports=$(grep -c '"name": "omtls(to-plain)", "origin": "omtls"' "$T/snd.stats")
wait_for_count "$T/copy.out" 2000 30
n=$(_tb_timeout 30)
while [ "$(grep -c '"name": "omtls(to-plain)", "origin": "omtls"' "$T/snd.stats")" -lt $((reports + 3)) ]; do
    [ "$n" -gt 0 ] || fail "impstats did not report omtls(to-plain) 3 more times within 30s"
    sleep 0.1
    n=$((n - 1))
done
noise=$(cat "$T/snd.log" "$T/snd.stderr" | grep -c 'suspended' || true)
[ "$noise" -le 10 ] || fail "$noise 'suspended' notices: the action spins"
# the action's queue is "<action name> queue" (matched by name, never by a path)
wait_for_stat "$T/snd.stats" 'to-plain queue' discarded.full 1 30
stop_rsyslogd snd
stop_rsyslogd plain
# rsyslog's shutdown calls commit back to back on a suspended action; omtls
# must pause there instead of spinning (the pause bounds this to a few
# notices per second of rsyslog's queue shutdown timeout).
after=$(grep -c 'suspended' "$T/snd.stderr" || true)
[ "$after" -le 200 ] || fail "$after 'suspended' notices during shutdown: the action spins"
echo "PASS: suspended omtls with an overflowing queue stays quiet ($noise notices running, $after at shutdown)"
