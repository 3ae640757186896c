#!/bin/sh
# An octet-counted frame (RFC 5425 "MSG-LEN SP SYSLOG-MSG") whose message holds
# line feeds arrives as one message, and the frame after it is not disturbed.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
need_tool gnutls-cli

OUT_TEMPLATE=t_json start_imtls recv
m1=$(printf '<13>1 2026-01-01T00:00:00Z tbhost tbtest - - - line one\nline two\nline three')
m2='<13>1 2026-01-01T00:00:00Z tbhost tbtest - - - msgnum:00000002:'
# byte lengths (LC_ALL=C: wc -c counts bytes)
printf '%s %s%s %s' "$(printf '%s' "$m1" | wc -c | tr -d ' ')" "$m1" \
    "$(printf '%s' "$m2" | wc -c | tr -d ' ')" "$m2" > "$T/frames.bin"
send_gnutls_cli "$PORT" client < "$T/frames.bin" || fail "gnutls-cli exited $?"

wait_for_count "$T/recv.out" 2
stop_rsyslogd recv
assert_count "$T/recv.out" 2
# one record; the LFs are kept (\n in JSON) or escaped by rsyslog (#012)
assert_grep "$T/recv.out" '^127\.0\.0\.1 recv +line one(\\n|#012)line two(\\n|#012)line three$'
assert_grep "$T/recv.out" '^127\.0\.0\.1 recv +msgnum:00000002:$'
