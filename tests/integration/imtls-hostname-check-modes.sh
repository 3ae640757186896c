#!/bin/sh
# tls.hostnameCheck, each mode, on sessions of a client whose certificate
# names a.example and a2.example, sending genuine and spoofed HOSTNAMEs
# interleaved (RFC 5424 and RFC 3164 lines, an IP literal, messages without
# HOSTNAME). Two sessions per mode: the counters (impstats) add up over both,
# and each session logs exactly one line (peer IP:port, the certificate's
# names, the first offending HOSTNAME, what was done), not one per message.
# Also: an anonymous input does not check (and says so at startup).
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
need_tool gnutls-cli
imtls_only || skip "imtls behaviour only (TB_RECEIVER=imtcp)"

cat > "$T/in.txt" <<'EOF'
<13>1 2026-01-01T00:00:00Z a.example tbtest - - - msgnum:00000001:
<13>1 2026-01-01T00:00:00Z evil.example tbtest - - - msgnum:00000002:
<13>Jan  1 00:00:00 a2.example tbtest: msgnum:00000003:
<13>Jan  1 00:00:00 spoof.example tbtest: msgnum:00000004:
<13>1 2026-01-01T00:00:00Z A.EXAMPLE tbtest - - - msgnum:00000005:
<13>1 2026-01-01T00:00:00Z evil.example tbtest - - - msgnum:00000006:
<13>1 2026-01-01T00:00:00Z - tbtest - - - msgnum:00000007:
<13>Jan  1 00:00:00 tbtest: msgnum:00000008:
<13>1 2026-01-01T00:00:00Z 127.0.0.1 tbtest - - - msgnum:00000009:
<13>Jan  1 00:00:00 a.example tbtest: msgnum:00000010:
EOF
SPOOFED="2 4 6 9"   # a HOSTNAME that is none of the certificate's names
NOHOST="7 8"        # no HOSTNAME at all

gen_certs
template='template(name="t_host" type="string" string="%msg% host=[%hostname%] mismatch=[%$!metadata!tls_hostname_mismatch%] claimed=[%$!metadata!tls_claimed_hostname%] cn=[%$!metadata!tls_peer_cn%] root=[%$!tls_hostname_mismatch%%$!tls_claimed_hostname%]\n")'

# run NAME MODE CERT [PARAM...]: a receiver NAME with tls.hostnameCheck=MODE,
# two sessions with certificate CERT, each sending in.txt
run() {
    MODE=$1
    _mode=$2 _cert=$3
    shift 3
    { echo "$template"; OUT_TEMPLATE=t_host imtls_conf "$MODE" "tls.hostnameCheck=\"$_mode\"" "$@"; } \
        > "$T/$MODE.conf" || exit $?
    start_rsyslogd "$MODE" "$T/$MODE.conf" "$T/$MODE.port"
    PORT=$(port_of "$T/$MODE.port") || exit $?
    send_gnutls_cli "$PORT" "$_cert" < "$T/in.txt" || fail "$MODE: gnutls-cli exited $?"
    send_gnutls_cli "$PORT" "$_cert" < "$T/in.txt" || fail "$MODE: gnutls-cli exited $?"
}

# line N: the output line(s) of msgnum N
line() {
    grep "msgnum:$(printf %08d "$1"):" "$T/$MODE.out"
}
# expect_line N REGEX: both copies of message N arrived and match REGEX
expect_line() {
    [ "$(line "$1" | grep -Ec -- "$2")" -eq 2 ] || fail "$MODE: message $1 not twice /$2/: $(line "$1")"
}

# counters MISMATCH DROPPED REPLACED: impstats totals of both sessions, after
# everything was counted
counters() {
    wait_for_stat "$T/$MODE.stats" "$MODE" hostname.mismatch "$1"
    wait_for_stat "$T/$MODE.stats" "$MODE" submitted $(( 20 - $2 ))
    for _c in "hostname.mismatch $1" "hostname.dropped $2" "hostname.replaced $3" "submitted $(( 20 - $2 ))"; do
        set -- $_c
        _v=$(stat_value "$T/$MODE.stats" "$MODE" "$1")
        [ "$_v" = "$2" ] || fail "$MODE: impstats $1 = '$_v', expected $2"
    done
}

# one_line_per_session REGEX: exactly two hostnameCheck lines (one per
# session, from two different peer ports), each matching REGEX
one_line_per_session() {
    grep 'tls\.hostnameCheck=' "$T/$MODE.log" > "$T/$MODE.policy-lines"
    assert_count "$T/$MODE.policy-lines" 2
    while read -r _l; do
        echo "$_l" | grep -Eq -- "$1" || fail "$MODE: log line does not match /$1/: $_l"
    done < "$T/$MODE.policy-lines"
    _ports=$(sed -n 's/.*peer 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$T/$MODE.policy-lines" | sort -u | wc -l)
    [ "$_ports" -eq 2 ] || fail "$MODE: the two lines do not name two sessions"
}

who="peer 127\\.0\\.0\\.1:[0-9]+ \\(subject 'CN=a\\.example'\\), certificate CN 'a\\.example' SAN 'a\\.example,a2\\.example'"

# ---- off: nothing checked -----------------------------------------------------------
run off off ida
wait_for_count "$T/off.out" 20
counters 0 0 0
stop_rsyslogd off
expect_line 2 'host=\[evil\.example\] mismatch=\[\] claimed=\[\]'
assert_no_grep "$T/off.log" 'hostnameCheck'

# ---- warn: counted and logged once per session, messages unchanged --------------------
run warn warn ida
wait_for_count "$T/warn.out" 20
counters 8 0 0
stop_rsyslogd warn
for n in $SPOOFED; do expect_line "$n" 'mismatch=\[\] claimed=\[\] cn=\[\] '; done
expect_line 2 'host=\[evil\.example\]'
expect_line 4 'host=\[spoof\.example\]'
expect_line 9 'host=\[127\.0\.0\.1\]'
expect_line 3 'host=\[a2\.example\]'
one_line_per_session "^warning .*$who: a message with HOSTNAME 'evil\\.example' that matches none of the certificate's names: counted .*tls\\.hostnameCheck=\"warn\".*further mismatches of this session are counted, not logged"

# ---- tag: mismatching messages carry $!metadata!tls_hostname_mismatch = 1 ---------------
# with the peer's metadata too: the message's entry and the session's arrive
# together under $!metadata (one msgAddMultiMetadata call)
run tag tag ida 'tls.addPeerMetadata="on"'
wait_for_count "$T/tag.out" 20
counters 8 0 0
stop_rsyslogd tag
for n in $SPOOFED; do expect_line "$n" 'mismatch=\[1\] claimed=\[\] '; done
for n in 1 3 5 7 8 10; do expect_line "$n" 'mismatch=\[\] claimed=\[\] '; done
for n in 1 2 3 4 5 6 7 8 9 10; do expect_line "$n" 'cn=\[a\.example\] root=\[\]$'; done
one_line_per_session "^warning .*$who: a message with HOSTNAME 'evil\\.example' .*tagged with \\\$!metadata!tls_hostname_mismatch .*\"tag\""

# ---- enforce: mismatching messages and those without HOSTNAME are dropped --------------
run enforce enforce ida
wait_for_count "$T/enforce.out" 8
counters 12 12 0
stop_rsyslogd enforce
assert_count "$T/enforce.out" 8
for n in 1 3 5 10; do expect_line "$n" 'host=\[a2?\.example\]|host=\[A\.EXAMPLE\]'; done
for n in $SPOOFED $NOHOST; do
    [ -z "$(line "$n")" ] || fail "enforce: message $n was not dropped: $(line "$n")"
done
one_line_per_session "^err .*$who: a message with HOSTNAME 'evil\\.example' .*dropped \\(counter hostname\\.dropped\\) .*\"enforce\""

# ---- replace: the certificate's first DNS name, the claim kept in metadata --------------
run replace replace ida 'tls.addPeerMetadata="on"'
wait_for_count "$T/replace.out" 20
counters 8 0 8
stop_rsyslogd replace
expect_line 2 'host=\[a\.example\] mismatch=\[\] claimed=\[evil\.example\] cn=\[a\.example\] root=\[\]$'
expect_line 4 'host=\[a\.example\] mismatch=\[\] claimed=\[spoof\.example\] cn=\[a\.example\] root=\[\]$'
expect_line 6 'host=\[a\.example\] mismatch=\[\] claimed=\[evil\.example\] cn=\[a\.example\] root=\[\]$'
expect_line 9 'host=\[a\.example\] mismatch=\[\] claimed=\[127\.0\.0\.1\] cn=\[a\.example\] root=\[\]$'
expect_line 3 'host=\[a2\.example\] mismatch=\[\] claimed=\[\] cn=\[a\.example\] root=\[\]$'
expect_line 5 'host=\[A\.EXAMPLE\] mismatch=\[\] claimed=\[\] cn=\[a\.example\] root=\[\]$'
expect_line 10 'host=\[a\.example\] mismatch=\[\] claimed=\[\] cn=\[a\.example\] root=\[\]$'
# none claimed: left alone (rsyslog shows RFC 5424's "-" as is, and the peer's
# address for an RFC 3164 message without HOSTNAME)
expect_line 7 'host=\[-\] mismatch=\[\] claimed=\[\] cn=\[a\.example\] root=\[\]$'
expect_line 8 'host=\[127\.0\.0\.1\] mismatch=\[\] claimed=\[\] cn=\[a\.example\] root=\[\]$'
one_line_per_session "^warning .*$who: a message with HOSTNAME 'evil\\.example' .*HOSTNAME replaced by 'a\\.example', the original kept in \\\$!metadata!tls_claimed_hostname .*\"replace\""

# ---- an IP literal matches an IP SAN (certificate idfull: IP:127.0.0.1) ----------------
run ipsan enforce idfull
wait_for_count "$T/ipsan.out" 2
stop_rsyslogd ipsan
assert_count "$T/ipsan.out" 2
expect_line 9 'host=\[127\.0\.0\.1\]'

# ---- anonymous input: no certificate, nothing checked; said at startup ------------------
MODE=anon
{ echo "$template"; OUT_TEMPLATE=t_host imtls_conf anon 'tls.hostnameCheck="enforce"' 'tls.authMode="anon"'; } \
    > "$T/anon.conf" || exit $?
start_rsyslogd anon "$T/anon.conf" "$T/anon.port"
PORT=$(port_of "$T/anon.port") || exit $?
send_gnutls_cli "$PORT" - < "$T/in.txt" || fail "anon: gnutls-cli exited $?"
send_gnutls_cli "$PORT" - < "$T/in.txt" || fail "anon: gnutls-cli exited $?"
wait_for_count "$T/anon.out" 20
counters 0 0 0
stop_rsyslogd anon
assert_grep "$T/anon.log" "parameter 'tls\\.hostnameCheck': has no effect with tls\\.authMode=.anon."
assert_no_grep "$T/anon.log" 'tls\.hostnameCheck="enforce"'
