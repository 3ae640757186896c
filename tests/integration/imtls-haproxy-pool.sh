#!/bin/sh
# HAProxy (mode tcp, balance roundrobin, send-proxy-v2, check) in front of
# two imtls receivers with proxyProtocol="v2" trusting only 127.0.0.1 (the
# balancer): eight TLS senders bound to 127.0.1.1 .. 127.0.1.8 deliver
# through it. Every message arrives exactly once, with %fromhost-ip% equal
# to its own sender's address and $!metadata!proxy_peer the balancer's;
# both receivers carry traffic; the session log names the client and the
# balancer; HAProxy's health checks (v2 LOCAL) are counted in
# proxy.healthchecks and never logged as refusals.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
imtls_only || skip "imtls behaviour only (TB_RECEIVER=imtcp)"
need_tool haproxy ss
gen_certs
N=300 SENDERS=8

# pool_receiver NAME PARAM...: an imtls receiver printing fromhost-ip,
# input name, proxy_peer and the message
pool_receiver() {
    _pn=$1
    shift
    { printf '%s\n' 'template(name="t_px" type="string" string="%fromhost-ip% %inputname% [%$!metadata!proxy_peer%] %msg%\n")'
      OUT_TEMPLATE=t_px imtls_conf "$_pn" 'address="127.0.0.1"' 'proxyProtocol="v2"' \
          'proxyProtocol.trustedSources=["127.0.0.1"]' 'tls.addPeerMetadata="on"' "$@"; } > "$T/$_pn.conf" || exit $?
    start_rsyslogd "$_pn" "$T/$_pn.conf" "$T/$_pn.port"
}
pool_receiver r1
pool_receiver r2
P1=$(port_of "$T/r1.port") || exit $?
P2=$(port_of "$T/r2.port") || exit $?

start_haproxy_pool lb "$P1" "$P2" "inter 300ms fall 2 rise 1"
# Both receivers answer the balancer's checks (PROXY v2 LOCAL, closed quietly).
wait_for_stat "$T/r1.stats" r1 proxy.healthchecks 1
wait_for_stat "$T/r2.stats" r2 proxy.healthchecks 1

ld=$(loader_tool) || exit $?
k=1
while [ $k -le $SENDERS ]; do
    start_bg "ld$k" "$ld" -t 127.0.0.1 -p "$HAPROXY_PORT" --source "127.0.1.$k" --ca "$CERTS/ca.pem" \
        --cert "$CERTS/client-cert.pem" --key "$CERTS/client-key.pem" --servername localhost \
        --hostname tbhost --tag tbtest -n $N --start $(( (k - 1) * N + 1 )) --batch 16
    k=$((k + 1))
done
k=1
while [ $k -le $SENDERS ]; do
    wait_bg "ld$k" 60 || fail "sender 127.0.1.$k exited $?: $(cat "$T/ld$k.stdout" "$T/ld$k.stderr")"
    k=$((k + 1))
done

TOTAL=$((N * SENDERS))
_n=$(_tb_timeout 30)
while [ $(( $(_tb_lines "$T/r1.out") + $(_tb_lines "$T/r2.out") )) -lt $TOTAL ]; do
    [ "$_n" -gt 0 ] || fail "$(( $(_tb_lines "$T/r1.out") + $(_tb_lines "$T/r2.out") )) of $TOTAL messages within 30 s"
    sleep 0.1
    _n=$((_n - 1))
done
stop_haproxy lb
stop_rsyslogd r1
stop_rsyslogd r2

cat "$T/r1.out" "$T/r2.out" > "$T/all.out"
count_check "$T/all.out" 1 $TOTAL   # every message exactly once
# Each line: the sender's own address (from the message's number) and the balancer as proxy_peer.
bad=$(awk -v n=$N '{
    if (!match($0, /msgnum:[0-9]+/)) { print "no msgnum: " $0; exit }
    num = substr($0, RSTART + 7, RLENGTH - 7) + 0
    want = "127.0.1." (int((num - 1) / n) + 1)
    if ($1 != want || $3 != "[127.0.0.1]") { print "msgnum " num ": fromhost-ip " $1 " proxy_peer " $3 ", expected " want " [127.0.0.1]"; exit }
}' "$T/all.out")
[ -z "$bad" ] || fail "$bad"
c1=$(_tb_lines "$T/r1.out") c2=$(_tb_lines "$T/r2.out")
[ "$c1" -gt 0 ] && [ "$c2" -gt 0 ] || fail "one receiver carried no traffic (r1 $c1, r2 $c2 messages)"
k=1
while [ $k -le $SENDERS ]; do
    grep -Eq "session opened: peer 127\\.0\\.1\\.$k:[0-9]+, subject '[^']*client\\.example\\.net[^']*', TLS[^,]*, [^,]*, through 127\\.0\\.0\\.1:[0-9]+ \\(PROXY protocol\\)" \
        "$T/r1.log" "$T/r2.log" || fail "no session log line for sender 127.0.1.$k through the balancer"
    k=$((k + 1))
done
for r in r1 r2; do
    assert_no_grep "$T/$r.log" 'refused|evicted'
    [ "$(stat_value "$T/$r.stats" $r proxy.invalid)" -eq 0 ] || fail "$r counted an invalid PROXY header"
    [ "$(stat_value "$T/$r.stats" $r sessions.refused)" -eq 0 ] || fail "$r refused a session"
done
echo "PASS: $TOTAL messages from $SENDERS senders through HAProxy, exactly once, each with its sender's address (r1 $c1, r2 $c2)"
