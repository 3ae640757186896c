#!/bin/sh
# imtls-gnutls-cli-client-cert.sh with the receiving rsyslogd under valgrind:
# no invalid reads/writes or uses of uninitialised memory in imtls.
TB_VALGRIND=1
TB_TIMEOUT_FACTOR=${TB_TIMEOUT_FACTOR:-4}
. "${abs_top_srcdir:-.}/tests/integration/imtls-gnutls-cli-client-cert.sh"
