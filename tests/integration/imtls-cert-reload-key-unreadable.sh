#!/bin/sh
# A key file that rsyslogd cannot read at reload time (after it dropped its
# privileges) is reported with the file and the user rsyslogd runs as, and
# the credentials in force stay: a client is still served. As root the
# daemon drops to user nobody (global(privDrop.user.name)) and the new key
# is root's, mode 0600; as another user the new key gets mode 0000.
# as root the work dir is in $TMPDIR: user nobody must reach it
[ "$(id -u)" -ne 0 ] || TB_WORK_IN_TMP=1
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
need_tool gnutls-cli certtool openssl
imtls_only || skip "imtls behaviour only (TB_RECEIVER=imtcp)"

gen_extra_cert server2 localhost 3650 server
live_certs server
if [ "$(id -u)" -eq 0 ]; then
    user=nobody
    group=$(id -gn nobody)
    conf_extra="global(privDrop.user.name=\"nobody\" privDrop.group.name=\"$group\")"
    # what the daemon opens after the drop: the logs (omfile reopens them
    # by name at HUP) and the certificate and CA files
    chmod 755 "$T" "$T/live"
    chmod 644 "$T/live/cert.pem" "$T/live/ca.pem"
    for f in recv.log recv.out recv.stats; do : > "$T/$f" && chmod 666 "$T/$f"; done
else
    user=$(id -un)
    conf_extra=""
fi
imtls_conf recv tls.caFile="\"$T/live/ca.pem\"" tls.certFile="\"$T/live/cert.pem\"" \
    tls.keyFile="\"$T/live/key.pem\"" > "$T/recv.conf" || exit $?
echo "$conf_extra" >> "$T/recv.conf"
start_rsyslogd recv "$T/recv.conf" "$T/recv.port"
PORT=$(port_of "$T/recv.port") || exit $?
wait_for_grep "$T/recv.log" "own certificate subject 'CN=localhost'"

swap_file "$CERTS/server2-cert.pem" "$T/live/cert.pem"
chmod 644 "$T/live/cert.pem"
swap_file "$CERTS/server2-key.pem" "$T/live/key.pem"
[ "$user" = nobody ] || chmod 000 "$T/live/key.pem"
hup_and_wait recv "reload \(HUP\) failed: cannot read tls\.keyFile '$T/live/key\.pem': Permission denied \(rsyslogd runs as user '$user'\); the current certificates stay in force"
assert_serves_good_client recv
stop_rsyslogd recv
assert_no_grep "$T/recv.log" "reloaded tls\."
echo "PASS: unreadable key at reload reported with user '$user'; the old credentials kept serving"
