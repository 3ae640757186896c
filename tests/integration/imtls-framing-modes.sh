#!/bin/sh
# framing="lf" takes a message that starts with digits ("42 ...") as text, not
# as an octet count; framing="octet-counted" refuses an LF-framed stream as
# invalid (frames.invalid counts it, the reason is logged) and keeps serving.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
need_tool gnutls-cli
imtls_only || skip "imtls behaviour only (TB_RECEIVER=imtcp)"

printf '42 starts with digits msgnum:00000001:\n7 more msgnum:00000002:\n' > "$T/digits.in"
OUT_TEMPLATE=t_raw start_imtls lf 'framing="lf"'
send_gnutls_cli "$PORT" client < "$T/digits.in" || fail "gnutls-cli exited $?"
wait_for_count "$T/lf.out" 2
stop_rsyslogd lf
seq_check "$T/lf.out" 1 2
assert_grep "$T/lf.out" '^42 starts with digits msgnum:00000001:$'
assert_grep "$T/lf.out" '^7 more msgnum:00000002:$'

gen_syslog "$T/lf.in" 1 3
start_imtls oc 'framing="octet-counted"'
send_gnutls_cli "$PORT" client < "$T/lf.in"
wait_for_stat "$T/oc.stats" oc frames.invalid 1
wait_for_grep "$T/oc.log" '127\.0\.0\.1:[0-9]+.*closed: invalid octet count'
printf '<13>1 2026-01-01T00:00:00Z tbhost goodclient - - - still serving client' > "$T/m"
printf '%s %s' "$(wc -c < "$T/m" | tr -d ' ')" "$(cat "$T/m")" > "$T/oc-good.in"
send_gnutls_cli "$PORT" client < "$T/oc-good.in" || fail "gnutls-cli exited $?"
wait_for_grep "$T/oc.out" 'still serving client'
stop_rsyslogd oc
assert_no_grep "$T/oc.out" 'msgnum'
