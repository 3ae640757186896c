#!/bin/sh
# run-fuzz.sh TARGET CORPUS SECONDS WORKDIR - runs one libFuzzer target for
# SECONDS on a scratch copy of its seed corpus CORPUS (the repository's
# corpus is never written), in WORKDIR/<target>/. Exits 0 when it ran the
# whole time without a crash; else prints which input made it fail (the
# file libFuzzer saved, its bytes, and the end of the sanitizer report) and
# exits 1. Used by make fuzz-check (tests/fuzz/fuzz.am).
set -u
target=$1 corpus=$2 seconds=$3 work=$4
name=$(basename "$target")
dir=$work/$name
rm -rf "$dir"
mkdir -p "$dir/corpus" "$dir/artifacts"
if [ ! -d "$corpus" ] || [ -z "$(ls -A "$corpus")" ]; then
  echo "fuzz-check: $name: no seed corpus in $corpus" >&2
  exit 1
fi
cp "$corpus"/* "$dir/corpus/"
seeds=$(ls "$dir/corpus" | wc -l)
started=$(date +%s)
# -timeout: an input taking longer than 25 s counts as a failure (a hang).
"$target" -max_total_time="$seconds" -timeout=25 -print_final_stats=1 \
  -artifact_prefix="$dir/artifacts/" "$dir/corpus" >"$dir/log" 2>&1
rc=$?
took=$(($(date +%s) - started))
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log" | tail -n 1)
if [ "$rc" -eq 0 ]; then
  echo "fuzz-check: $name: ok, ${runs:-?} runs in $took s from $seeds seeds, corpus now $(ls "$dir/corpus" | wc -l) inputs"
  exit 0
fi
echo "fuzz-check: $name: FAILED (exit $rc after $took s); log: $dir/log" >&2
found=0
for a in "$dir"/artifacts/*; do
  [ -f "$a" ] || continue
  found=1
  echo "fuzz-check: $name: crashing input: $a ($(wc -c <"$a") bytes); reproduce with: $target $a" >&2
  od -A d -c "$a" | head -n 20 >&2
done
[ "$found" -eq 1 ] || echo "fuzz-check: $name: libFuzzer saved no input (see the log)" >&2
grep -E 'ERROR: |SUMMARY: |runtime error: |deadly signal|#[0-9]+ 0x' "$dir/log" | head -n 30 >&2
exit 1
