#!/bin/sh
# maxFrameSize="200" with each oversizeMode, on a connection carrying a short
# message, a 560-byte one, and a short one (LF framing; for truncate also
# octet-counted): truncate delivers all three, the long one cut to at most 200
# bytes; discard drops the long one only; close delivers the first and ends the
# session.  frames.oversize counts it; a client is served afterwards.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
need_tool gnutls-cli
imtls_only || skip "imtls behaviour only (TB_RECEIVER=imtcp)"

pad=$(awk 'BEGIN { while (n++ < 500) printf "X" }')
msg() { printf '<13>1 2026-01-01T00:00:00Z tbhost tbtest - - - msgnum:%08d:%s' "$1" "$2"; }
{ msg 1 ''; echo; msg 2 " $pad"; echo; msg 3 ''; echo; } > "$T/lf.in"
: > "$T/oc.in"
for i in 11 12 13; do
    if [ $i = 12 ]; then m=$(msg $i " $pad"); else m=$(msg $i ''); fi
    printf '%s %s' "$(printf '%s' "$m" | wc -c | tr -d ' ')" "$m" >> "$T/oc.in"
done

start_imtls trunc 'maxFrameSize="200"' 'oversizeMode="truncate"'
send_gnutls_cli "$PORT" client < "$T/lf.in" || fail "gnutls-cli exited $?"
send_gnutls_cli "$PORT" client < "$T/oc.in" || fail "gnutls-cli exited $?"
wait_for_count "$T/trunc.out" 6
wait_for_stat "$T/trunc.stats" trunc frames.oversize 2
stop_rsyslogd trunc
[ "$(msgnums "$T/trunc.out" | tr '\n' ' ')" = "1 2 3 11 12 13 " ] \
    || fail "truncate: got msgnums $(msgnums "$T/trunc.out" | tr '\n' ' ')"
for i in 2 12; do
    x=$(grep "msgnum:$(printf %08d $i):" "$T/trunc.out" | tr -cd X | wc -c)
    [ "$x" -gt 0 ] && [ "$x" -lt 200 ] || fail "truncate: message $i kept $x of 500 pad bytes"
done

start_imtls disc 'maxFrameSize="200"' 'oversizeMode="discard"'
send_gnutls_cli "$PORT" client < "$T/lf.in" || fail "gnutls-cli exited $?"
wait_for_count "$T/disc.out" 2
wait_for_stat "$T/disc.stats" disc frames.oversize 1
assert_grep "$T/disc.log" '127\.0\.0\.1:[0-9]+.*larger than 200 bytes.*discarded'
stop_rsyslogd disc
[ "$(msgnums "$T/disc.out" | tr '\n' ' ')" = "1 3 " ] \
    || fail "discard: got msgnums $(msgnums "$T/disc.out" | tr '\n' ' ')"

start_imtls close 'maxFrameSize="200"' 'oversizeMode="close"'
send_gnutls_cli "$PORT" client < "$T/lf.in"
wait_for_stat "$T/close.stats" close frames.oversize 1
wait_for_grep "$T/close.log" '127\.0\.0\.1:[0-9]+.*closed.*maxFrameSize 200'
assert_serves_good_client close
stop_rsyslogd close
[ "$(msgnums "$T/close.out" | tr '\n' ' ')" = "1 " ] \
    || fail "close: got msgnums $(msgnums "$T/close.out" | tr '\n' ' ')"
