#!/bin/sh
# address="::1" listens on the IPv6 loopback only; a TLS client on ::1 is
# served and seen as %fromhost-ip% ::1.  tls="off" on ::1 passes the config
# check (it is a loopback address).
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
need_tool ss gnutls-cli

start_imtls recv 'address="::1"'
ss -Hltn "sport = :$PORT" > "$T/ss.out" 2>&1
assert_count "$T/ss.out" 1
assert_grep "$T/ss.out" "^LISTEN .* \\[::1\\]:$PORT "

gen_syslog "$T/in.txt" 1 20
TB_PEER_HOST=::1 send_gnutls_cli "$PORT" client < "$T/in.txt" || fail "gnutls-cli exited $?"
wait_for_count "$T/recv.out" 20
stop_rsyslogd recv
seq_check "$T/recv.out" 1 20
[ "$(grep -c '^::1 recv ' "$T/recv.out")" -eq 20 ] || fail "not every message shows fromhost-ip ::1"

if imtls_only; then
    imtls_conf off 'tls="off"' 'address="::1"' > "$T/off.conf"
    rsyslogd_check "$T/off.conf" || fail "tls=\"off\" on ::1 refused: $(cat "$T/check.out")"
fi
