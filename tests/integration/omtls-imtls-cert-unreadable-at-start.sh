#!/bin/sh
# A certificate or key that cannot be read when rsyslogd starts: omtls's
# tls.keyFile does not exist, imtls's tls.certFile is a directory. Each
# module logs one error naming its file; the daemon keeps running its other
# input (imfile) and action (omfile), which deliver every message.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "$abs_top_srcdir/tests/integration/lib-omtls.sh"
omtls_needs_omtls
gen_certs
imtls_mod=$(imtls_module) || exit $?
mkdir "$T/cert-dir.pem"
N=200

omtls_sender_conf d "$(omtls_action name=forward target=127.0.0.1 port=1 \
    tls.caFile="$CERTS/ca.pem" tls.certFile="$CERTS/client-cert.pem" tls.keyFile="$T/missing-key.pem" \
    queue.type=LinkedList action.resumeRetryCount=-1)
action(type=\"omfile\" file=\"$T/local.out\")" "module(load=\"$imtls_mod\")
input(type=\"imtls\" name=\"in-tls\" port=\"0\" listenPortFileName=\"$T/d.port\" address=\"127.0.0.1\"
      tls.caFile=\"$CERTS/ca.pem\" tls.certFile=\"$T/cert-dir.pem\" tls.keyFile=\"$CERTS/server-key.pem\")"
start_rsyslogd d "$T/d.conf"
omtls_feed 1 $N
wait_for_count "$T/local.out" $N 30
rsyslogd_alive d || fail "rsyslogd died"
count_check "$T/local.out" 1 $N
stop_rsyslogd d
# rsyslogd's own log; during start-up rsyslogd also echoes each error to
# stderr, once.
cp "$T/d.log" "$T/all.log"
key_errors=$(grep -c 'missing-key\.pem' "$T/all.log" || true)
cert_errors=$(grep -c 'cert-dir\.pem' "$T/all.log" || true)
for f in missing-key cert-dir; do
    n=$(grep -c "$f\.pem" "$T/d.stderr" || true)
    [ "$n" -le 1 ] || fail "stderr names $f.pem $n times"
done
echo "errors naming the missing key: $key_errors, naming the unreadable certificate: $cert_errors"
grep -E 'missing-key\.pem|cert-dir\.pem' "$T/all.log" | cut -c1-300
[ "$key_errors" -eq 1 ] || fail "omtls: $key_errors errors name the missing key file (expected 1)"
[ "$cert_errors" -eq 1 ] || fail "imtls: $cert_errors errors name the unreadable certificate file (expected 1)"
assert_grep "$T/all.log" "omtls.*parameter 'tls\.keyFile'.*missing-key\.pem"
assert_grep "$T/all.log" "imtls.*tls\.certFile.*cert-dir\.pem"
[ ! -s "$T/d.port" ] || fail "imtls listens although its certificate could not be read"
echo "PASS: one error per unreadable file; imfile -> omfile delivered all $N"
