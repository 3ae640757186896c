#!/bin/sh
# address="127.0.0.1" listens on loopback only: ss shows the port bound to
# 127.0.0.1 by our rsyslogd and no wildcard socket; a connection to another
# local address (127.0.0.2) on that port is refused; a client on 127.0.0.1 works.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
need_tool ss bash gnutls-cli

start_imtls recv 'address="127.0.0.1"'
pid=$(cat "$T/recv.pid")
ss -Hltnp "sport = :$PORT" > "$T/ss.out" 2>&1
assert_count "$T/ss.out" 1
assert_grep "$T/ss.out" "^LISTEN .* 127\\.0\\.0\\.1:$PORT .*pid=$pid,"
assert_no_grep "$T/ss.out" "(0\\.0\\.0\\.0|\\*|\\[::\\]):$PORT "

if bash -c 'exec 3<>"/dev/tcp/127.0.0.2/$1"' x "$PORT" 2>/dev/null; then
    fail "connection to 127.0.0.2:$PORT was accepted"
fi

gen_syslog "$T/in.txt" 1 10
send_gnutls_cli "$PORT" client < "$T/in.txt" || fail "gnutls-cli exited $?"
wait_for_count "$T/recv.out" 10
stop_rsyslogd recv
seq_check "$T/recv.out" 1 10
