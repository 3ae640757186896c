#!/bin/sh
# pair.sh BUILD_DIR [COUNT] - runs a receiving rsyslogd with imtls and a
# sending rsyslogd with omtls on 127.0.0.1, writes COUNT messages into the
# sender with logger, and prints what the receiver got. Certificates are
# generated on first run into demo-work/certs (throwaway, never reused
# outside this demo).
set -eu
build=$1
count=${2:-5}
top=$(cd "$(dirname "$0")/../.." && pwd)
work="$top/demo-work"
rsyslogd=${RSYSLOGD:-/usr/sbin/rsyslogd}
imtls="$build/plugins/imtls/.libs/imtls.so"
omtls="$build/plugins/omtls/.libs/omtls.so"
export LD_LIBRARY_PATH="$build/runtime/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

for f in "$imtls" "$omtls"; do
  [ -f "$f" ] || { echo "pair.sh: $f not built" >&2; exit 1; }
done

mkdir -p "$work"
if [ ! -f "$work/certs/ca.pem" ]; then
  echo "== generating throwaway CA and certificates in $work/certs"
  rm -rf "$work/certs"
  "$top/tests/certs/gen-certs.sh" "$work/certs"
fi
rm -rf "$work/receiver" "$work/sender"
mkdir -p "$work/receiver" "$work/sender"
: > "$work/received.log"

cleanup() {
  for n in sender receiver; do
    if [ -f "$work/$n/pid" ]; then
      pid=$(cat "$work/$n/pid")
      kill "$pid" 2>/dev/null || true
      i=0
      while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    fi
  done
}
trap cleanup EXIT INT TERM

wait_for() { # wait_for SECONDS COMMAND... : polls every 0.1 s
  limit=$(($1 * 10)); shift; i=0
  until "$@"; do
    i=$((i + 1)); [ $i -ge $limit ] && return 1; sleep 0.1
  done
}

# start_daemon NAME READY-COMMAND...: runs rsyslogd with $work/NAME's config
# and pid file, and waits until READY-COMMAND succeeds.
start_daemon() {
  name=$1
  shift
  "$rsyslogd" -n -f "$work/$name/rsyslog.conf" -i "$work/$name/pid" >"$work/$name/stderr" 2>&1 &
  wait_for 10 "$@" || { cat "$work/$name/stderr"; exit 1; }
}

cat > "$work/receiver/rsyslog.conf" <<CONF
global(workDirectory="$work/receiver" processInternalMessages="on")
module(load="$imtls")
template(name="shown" type="string"
         string="from %fromhost-ip% via %inputname%: %app-name%:%msg%\n")
input(type="imtls" name="demo" address="127.0.0.1" port="0"
      listenPortFileName="$work/receiver/port"
      tls.caFile="$work/certs/ca.pem"
      tls.certFile="$work/certs/server-cert.pem"
      tls.keyFile="$work/certs/server-key.pem"
      tls.permittedPeer=["client.example.net"])
if \$inputname == "demo" then {
  action(type="omfile" file="$work/received.log" template="shown")
} else {
  action(type="omfile" file="$work/receiver/internal.log")
}
CONF

echo "== starting the receiver (imtls on 127.0.0.1, client certificate required)"
start_daemon receiver test -s "$work/receiver/port"
port=$(cat "$work/receiver/port")
echo "   listening on 127.0.0.1:$port"

cat > "$work/sender/rsyslog.conf" <<CONF
global(workDirectory="$work/sender" processInternalMessages="on")
module(load="imuxsock" SysSock.Use="off")
input(type="imuxsock" Socket="$work/sender/log.sock")
module(load="$omtls")
if \$syslogtag startswith "demo" then {
  action(type="omtls" target="localhost" port="$port"
         tls.caFile="$work/certs/ca.pem"
         tls.certFile="$work/certs/client-cert.pem"
         tls.keyFile="$work/certs/client-key.pem"
         queue.type="LinkedList" action.resumeInterval="1")
} else {
  action(type="omfile" file="$work/sender/internal.log")
}
CONF

echo "== starting the sender (omtls -> localhost:$port, server name verified)"
start_daemon sender test -S "$work/sender/log.sock"

echo "== logger writes $count messages into the sender"
i=1
while [ $i -le "$count" ]; do
  logger -u "$work/sender/log.sock" -t demo "hello over TLS, message $i of $count"
  i=$((i + 1))
done

if ! wait_for 20 sh -c "[ \$(wc -l < '$work/received.log') -ge $count ]"; then
  echo "pair.sh: only $(wc -l < "$work/received.log") of $count messages arrived" >&2
  cat "$work/sender/internal.log" "$work/receiver/internal.log" 2>/dev/null >&2 || true
  exit 1
fi

echo "== the receiver got:"
sed 's/^/   /' "$work/received.log"
echo "== the sender's connection log:"
grep "omtls" "$work/sender/internal.log" | sed 's/^/   /' || true
echo "== the receiver's session log (names the sender's certificate):"
grep "imtls" "$work/receiver/internal.log" | sed 's/^/   /' || true
echo "== done: $count of $count messages arrived over TLS (logs in $work)"
