#!/bin/sh
# rsyslog's own omfwd with the gtls driver and LF framing (traditional, RFC 6587 section 3.4.2)
# sends 1000 messages to imtls: every message arrives exactly once, in order.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"

start_imtls recv
gen_lines "$T/in.txt" 1 1000
sender_conf send "$T/in.txt" \
    "$(omfwd_gtls_action "$PORT" 'TCP_Framing="traditional"')" > "$T/send.conf"
start_rsyslogd send "$T/send.conf"

wait_for_count "$T/recv.out" 1000
stop_rsyslogd send
stop_rsyslogd recv
assert_count "$T/recv.out" 1000
seq_check "$T/recv.out" 1 1000
assert_grep "$T/recv.out" '^127\.0\.0\.1 recv +msgnum:00000001:$'
assert_no_grep "$T/send.log" 'error'
