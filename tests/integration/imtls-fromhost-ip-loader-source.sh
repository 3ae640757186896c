#!/bin/sh
# A TLS client bound to source address 127.0.0.2 (the load tool, --source) is
# seen as %fromhost-ip% 127.0.0.2 for every message, and the session log names
# 127.0.0.2 with the client certificate's subject.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"

start_imtls recv
run_loader -n 50 --start 1 --source 127.0.0.2 || fail "loader exited $?: $(cat "$T/loader.out")"
wait_for_count "$T/recv.out" 50
stop_rsyslogd recv
seq_check "$T/recv.out" 1 50
[ "$(grep -c '^127\.0\.0\.2 recv ' "$T/recv.out")" -eq 50 ] \
    || fail "not every message shows fromhost-ip 127.0.0.2"
if imtls_only; then
    assert_grep "$T/recv.log" 'session opened.*127\.0\.0\.2:[0-9]+.*client\.example\.net'
fi
