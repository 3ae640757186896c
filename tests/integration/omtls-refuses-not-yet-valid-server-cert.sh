#!/bin/sh
# omtls refuses a server certificate whose validity starts in the future
# (chain and name are fine), and its log line gives the start date.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
. "$abs_top_srcdir/tests/integration/lib-omtls.sh"
need_tool certtool
gen_extra_cert future localhost 30 server "2040-01-01 00:00:00 UTC"
omtls_refusal_case future '' 'not valid before 2040-01-01 00:00:00 UTC' "subject 'CN=localhost'" \
    $(omtls_client_tls)
echo "PASS: not-yet-valid server certificate refused with its start date, logged once"
