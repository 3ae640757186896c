#!/bin/sh
# Every message carries the time it was received: imtls reads the core's
# clock once per read and builds that read's messages with it. With rsyslogd
# in a zone of UTC+05:30, %timegenerated% of each message lies between the
# moments before the send and after the last write, its RFC 3339 form shows
# the +05:30 offset and the same second as its Unix form, and a message
# without a timestamp of its own (RFC 3164 "<13>tag: ...") reports that
# same time as %timereported%.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
need_tool date

zone='IST-5:30'   # POSIX TZ: 5 h 30 min east of UTC, no tzdata needed
OUT_TEMPLATE=t_time
{
    echo 'template(name="t_time" type="string"'
    echo '         string="%timegenerated:::date-unixtimestamp% %timegenerated:::date-rfc3339% %timereported:::date-rfc3339% %msg%\n")'
    imtls_conf recv
} > "$T/recv.conf"
TZ=$zone
export TZ
start_rsyslogd recv "$T/recv.conf" "$T/recv.port"
PORT=$(port_of "$T/recv.port") || exit $?

awk 'BEGIN { for (i = 1; i <= 40; i++) printf "<13>tbtest: msgnum:%08d:\n", i }' > "$T/in.txt"
t0=$(date +%s)
send_gnutls_cli "$PORT" client < "$T/in.txt" || fail "gnutls-cli could not send"
wait_for_count "$T/recv.out" 40
t1=$(date +%s)
stop_rsyslogd recv
seq_check "$T/recv.out" 1 40

while read -r unix gen rep _; do
    [ "$unix" -ge "$t0" ] && [ "$unix" -le "$t1" ] \
        || fail "timegenerated $unix is outside the send window $t0..$t1: $unix $gen $rep"
    want=$(date -d "@$unix" +%Y-%m-%dT%H:%M:%S)
    case $gen in
        "$want".[0-9][0-9][0-9][0-9][0-9][0-9]+05:30) ;;
        *) fail "timegenerated $gen is not ${want}.ffffff+05:30 (Unix time $unix in $zone)" ;;
    esac
    [ "$rep" = "$gen" ] || fail "timereported $rep of a message without a timestamp is not its received time $gen"
done < "$T/recv.out"
