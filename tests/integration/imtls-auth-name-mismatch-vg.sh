#!/bin/sh
# imtls-auth-name-mismatch.sh with the receiving rsyslogd under valgrind: the
# refusal path and the following good session are free of memory errors.
TB_VALGRIND=1
TB_TIMEOUT_FACTOR=${TB_TIMEOUT_FACTOR:-4}
. "${abs_top_srcdir:-.}/tests/integration/imtls-auth-name-mismatch.sh"
