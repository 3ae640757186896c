#!/bin/sh
# A message whose template renders empty cannot be sent in octet-counted
# framing (RFC 5425: MSG-LEN > 0). omtls drops it, counts it in the impstats
# counter messages.dropped (not in messages.sent), logs that once per action
# with the reason, and sends every other message.
# Here msgnum 10, 20, ..., 100 render empty: 90 of 100 arrive.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "$abs_top_srcdir/tests/integration/lib-omtls.sh"
omtls_needs_omtls
gen_certs

start_imtls rcv 'address="127.0.0.1"'
omtls_feed 1 100
# $.out is empty for lines ending in "0:" (msgnum 10, 20, ...), else an
# RFC 5424 message carrying the line
omtls_sender_conf snd "$(cat <<EOF2
if (\$msg contains "0:") then {
    set \$.out = "";
} else {
    set \$.out = "<13>1 2026-01-01T00:00:00Z tbhost tbtest - - - " & \$msg;
}
$(omtls_action target=127.0.0.1 port="$PORT" template=maybe_empty $(omtls_client_tls))
EOF2
)"
# the action's template must be known before the action: put it first
{ echo 'template(name="maybe_empty" type="string" string="%$.out%")'; cat "$T/snd.conf"; } > "$T/snd.conf.new"
mv "$T/snd.conf.new" "$T/snd.conf"
start_rsyslogd snd "$T/snd.conf"
wait_for_count "$T/rcv.out" 90 15
wait_for_stat "$T/snd.stats" omtls messages.dropped 10 10
wait_for_stat "$T/snd.stats" omtls messages.sent 90 10
stop_rsyslogd snd
stop_rsyslogd rcv

[ "$(omtls_stat snd messages.dropped)" -eq 10 ] ||
    fail "messages.dropped is $(omtls_stat snd messages.dropped), expected 10 (the empty ones)"
[ "$(omtls_stat snd messages.sent)" -eq 90 ] ||
    fail "messages.sent is $(omtls_stat snd messages.sent), expected 90 (the dropped ones must not count)"
[ "$(omtls_count "$T/rcv.out")" -eq 90 ] || fail "$(omtls_count "$T/rcv.out") messages arrived, expected 90"
[ "$(omtls_distinct "$T/rcv.out")" -eq 90 ] || fail "only $(omtls_distinct "$T/rcv.out") distinct messages arrived"
grep -Eq 'msgnum:[0-9]{7}0:' "$T/rcv.out" && fail "a message that rendered empty arrived with content"
_n=$(grep -c 'was dropped: .*messages\.dropped' "$T/snd.log" || true)
[ "$_n" -eq 1 ] || fail "the drop was logged $_n times (expected once per action): $(cat "$T/snd.log")"
assert_grep "$T/snd.log" "omtls: a message to 127\\.0\\.0\\.1 was dropped: .*empty"
echo "PASS: empty messages dropped, counted in messages.dropped, logged once"
