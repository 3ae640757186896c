#!/bin/sh
# tlslogger toward a port nobody listens on (held bound, not listening, by
# a helper so that no other process can take it): exit 3, one line.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "$abs_top_srcdir/tests/integration/lib-tlslogger.sh"
need_tool perl
start_bg holder perl -e '
use strict; use Socket;
socket(my $s, PF_INET, SOCK_STREAM, 0) or die "socket: $!\n";
bind($s, pack_sockaddr_in(0, inet_aton("127.0.0.1"))) or die "bind: $!\n";
my ($port) = unpack_sockaddr_in(getsockname($s));
open(my $f, ">", "$ARGV[0].tmp") or die "$ARGV[0]: $!\n";
print $f "$port\n";
close $f;
rename("$ARGV[0].tmp", $ARGV[0]) or die "rename: $!\n";
sleep 600;' "$T/holder.port"
wait_for_file "$T/holder.port" 10
PORT=$(port_of "$T/holder.port") || exit $?

TL_SERVER=127.0.0.1 run_tlslogger "nobody listens"
assert_tlslogger_failed 3 \
    "^tlslogger: server 127\\.0\\.0\\.1 \\(127\\.0\\.0\\.1:$PORT\\): connection failed: .*Connection refused"
run_tlslogger "nobody listens"
assert_tlslogger_failed 3 "^tlslogger: server localhost \\(127\\.0\\.0\\.1:$PORT\\): connection failed: "
echo "PASS: refused port, exit 3, one line"
