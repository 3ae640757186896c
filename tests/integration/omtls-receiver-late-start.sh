#!/bin/sh
# The receiver is down when the sender starts and comes up later: omtls
# keeps retrying (action.resumeInterval=1) and, once imtls listens, every
# message arrives, once except for at most one: nothing was ever half-sent,
# but the message during which omtls's beginTransaction found no receiver is
# both sent when the action resumes and put back into the queue by rsyslog
# (README, Delivery guarantees).
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "$abs_top_srcdir/tests/integration/lib-omtls.sh"
N=5000
gen_certs

# learn a port, then take the receiver down before the sender starts
start_imtls rcv 'address="127.0.0.1"'
stop_rsyslogd rcv
imtls_conf rcv "port=\"$PORT\"" 'address="127.0.0.1"' > "$T/rcv.conf" || exit $?

omtls_feed 1 $N
omtls_sender_conf snd "$(omtls_action target=127.0.0.1 port="$PORT" $(omtls_client_tls) \
    connectTimeout=2 queue.type=LinkedList queue.size=20000 \
    action.resumeRetryCount=-1 action.resumeInterval=1)"
start_rsyslogd snd "$T/snd.conf"
if [ "$OMTLS_SENDER" = omtls ]; then
    wait_for_stat "$T/snd.stats" omtls connect.failed 2 30
    wait_for_grep "$T/snd.log" "cannot connect to target '127\.0\.0\.1' port $PORT.*refused" 30
else
    wait_for_grep "$T/snd.log" 'suspended' 30
fi
[ -s "$T/rcv.out" ] && fail "messages arrived while the receiver was down?"

start_rsyslogd rcv "$T/rcv.conf"
omtls_wait_listen 127.0.0.1 "$PORT"
omtls_wait_distinct $N 30 "$T/rcv.out"
stop_rsyslogd snd
stop_rsyslogd rcv
omtls_tally $N "$T/rcv.out"
[ "$DUPLICATES" -le 1 ] || fail "$DUPLICATES duplicates (at most 1: the message of the failed beginTransaction)"
echo "PASS: all $N messages delivered once the late receiver came up ($DUPLICATES duplicates)"
