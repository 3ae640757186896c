# Verbs for the tlslogger-*.sh tests. Source it after lib.sh:
#   . "$abs_top_srcdir/tests/integration/lib-tlslogger.sh"
#
#   tlslogger_tool                 print the path of tools/tlslogger
#                                  (tl=$(tlslogger_tool) || exit $?)
#   run_tlslogger [ARGS...]        run tlslogger toward port $PORT of
#                                  ${TL_SERVER:-localhost}, trusting ca.pem,
#                                  presenting certificate "client"; ARGS are added
#                                  (a later --ca, --server... overrides); stdin is
#                                  passed through; stdout in $T/tlslogger.out,
#                                  stderr in $T/tlslogger.err; sets $TL_STATUS
#                                  and returns it
#   assert_tlslogger_failed STATUS REGEX
#                                  the last run exited with STATUS and wrote
#                                  exactly one line to stderr, matching REGEX (-E)

tlslogger_tool() {
    built_tool tlslogger
}

run_tlslogger() {
    _tl=$(tlslogger_tool) || exit $?
    gen_certs
    TL_STATUS=0
    "$_tl" --server "${TL_SERVER:-localhost}" --port "$PORT" --ca "$CERTS/ca.pem" \
        --cert "$CERTS/client-cert.pem" --key "$CERTS/client-key.pem" "$@" \
        > "$T/tlslogger.out" 2> "$T/tlslogger.err" || TL_STATUS=$?
    return "$TL_STATUS"
}

assert_tlslogger_failed() {
    [ "$TL_STATUS" -eq "$1" ] || fail "tlslogger exit status $TL_STATUS, expected $1 (stderr: $(cat "$T/tlslogger.err"))"
    _l=$(wc -l < "$T/tlslogger.err" | tr -d ' ')
    [ "$_l" -eq 1 ] || fail "tlslogger wrote $_l lines to stderr, expected one: $(cat "$T/tlslogger.err")"
    grep -Eq -- "$2" "$T/tlslogger.err" || fail "tlslogger's line does not match /$2/: $(cat "$T/tlslogger.err")"
}
