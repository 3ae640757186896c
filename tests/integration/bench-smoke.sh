#!/bin/sh
# The benchmark's driver as a correctness check (no timing assertion): every
# scenario of bench/run.sh with small N (BENCH_QUICK=1), imtls/omtls and
# rsyslog's imtcp/omfwd with gtls. Every run must pass the driver's sequence
# check (each sequence number exactly once), and the table and the CSV must
# be written with a row for each scenario and peer. The sequence check itself
# must refuse output with a duplicate, a gap or a stray number.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
need_tool ss openssl
loader_tool > /dev/null || exit $?
RESULTS=$T/results
mkdir -p "$RESULTS"

# the driver's sequence check
. "$abs_top_srcdir/bench/lib-bench.sh"
gen_lines "$T/seq.ok" 1 100
[ "$(seqcheck "$T/seq.ok" 1 100)" = ok ] || fail "seqcheck refuses a complete sequence"
{ cat "$T/seq.ok"; echo "msgnum:00000042:"; } > "$T/seq.dup"
seqcheck "$T/seq.dup" 1 100 | grep -q '^failed: .*1 duplicates' || fail "seqcheck misses a duplicate"
grep -v 'msgnum:00000077:' "$T/seq.ok" > "$T/seq.gap"
seqcheck "$T/seq.gap" 1 100 | grep -q '^failed: 99 lines, 99 distinct of 100' || fail "seqcheck misses a gap"
{ cat "$T/seq.ok"; echo "msgnum:00000101:"; } > "$T/seq.out"
seqcheck "$T/seq.out" 1 100 | grep -q '^failed: .*1 out of range' || fail "seqcheck misses a stray number"

BENCH_QUICK=1 BENCH_PEERS="imtls gtls" BENCH_RESULTS=$RESULTS BENCH_MANY=300 \
    sh "$abs_top_srcdir/bench/run.sh" > "$T/bench.stdout" 2>&1 || {
    tail -n 40 "$T/bench.stdout" >&2
    fail "bench/run.sh exited $?"
}
cat "$RESULTS/results.md"
[ -s "$RESULTS/results.csv" ] || fail "no results.csv"
[ -s "$RESULTS/results.md" ] || fail "no results.md"
for sc in bulk-1 bulk-16 rec-1 rec-16 forward connect-ecdsa connect-rsa connect-resumed many; do
    for peer in imtls gtls; do
        grep -q "^$sc,$peer,1,ok," "$RESULTS/results.csv" ||
            fail "no passing run of $sc with $peer: $(grep "^$sc,$peer," "$RESULTS/results.csv")"
    done
    grep -q "^| $sc | " "$RESULTS/results.md" || fail "results.md lacks $sc"
done
# 9 columns of figures per row, the ratio to gtls of every scenario filled in
rows=$(grep -c '^[a-z0-9-]*,gtls,1,ok,[0-9]*,[0-9.]*,[0-9]*,[0-9.]*,' "$RESULTS/results.csv")
[ "$rows" -eq 9 ] || fail "expected 9 complete gtls rows, found $rows"
grep -E '^\| (bulk|rec)-[0-9]+ \| gtls \|' "$RESULTS/results.md" | grep -qv '| - | - | - |$' ||
    fail "no ratio to gtls in results.md"
# many sessions: the memory per session was measured
awk -F, '$1 == "many" && $2 == "imtls" && $11 + 0 > 0 { found = 1 } END { exit !found }' "$RESULTS/results.csv" ||
    fail "no memory-per-session figure"
# the resumed connections of imtls did resume (the warm-up connection's session)
awk -F, '$1 == "connect-resumed" && $2 == "imtls" && $11 + 0 > 0 { found = 1 } END { exit !found }' "$RESULTS/results.csv" ||
    fail "no resumed handshake with imtls: $(grep '^connect-resumed,imtls' "$RESULTS/results.csv")"
grep -q '^Resumed handshake, imtls: ' "$RESULTS/results.md" || fail "results.md lacks the resumed-handshake line"
if command -v gnuplot >/dev/null 2>&1; then
    [ -s "$RESULTS/chart.png" ] || fail "gnuplot is installed but no chart.png"
fi
echo "PASS: bench driver, every scenario with imtls and gtls passed its sequence check"
