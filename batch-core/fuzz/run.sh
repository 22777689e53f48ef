#!/usr/bin/env bash
# Runs every fuzz target in turn for N seconds (default 60), one at a time, growing its corpus
# in corpus/<target>/, and prints each one's executions and coverage from libFuzzer's final
# stats. Needs the nightly toolchain and cargo-fuzz. Builds into the workspace's target/fuzz.
# Without a sanitizer: batch-core has no unsafe code, and an uninstrumented build runs faster.
# A finding stops the run of its target and is written to artifacts/<target>/.
set -uo pipefail
cd "$(dirname "$0")"
seconds=${1:-60}
targets=(sqs sqs_fifo sqs_fifo_skip_group kinesis dynamodb kafka)
fuzz=(cargo +nightly fuzz run --sanitizer none --target-dir ../../target/fuzz)
mkdir -p logs
cargo +nightly fuzz build --sanitizer none --target-dir ../../target/fuzz
printf '%-22s %8s %12s %8s %8s %8s  %s\n' target seconds executions cov ft corpus result
for target in "${targets[@]}"; do
  log=logs/$target.log
  "${fuzz[@]}" "$target" -- -max_total_time="$seconds" -timeout=10 -max_len=1024 -print_final_stats=1 >"$log" 2>&1
  status=$?
  runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$')
  last=$(grep -E '^#[0-9]+' "$log" | tail -1)
  cov=$(grep -oE 'cov: [0-9]+' <<<"$last" | grep -oE '[0-9]+')
  ft=$(grep -oE 'ft: [0-9]+' <<<"$last" | grep -oE '[0-9]+')
  corpus=$(ls "corpus/$target" | wc -l)
  result=$([ "$status" -eq 0 ] && echo "no finding" || echo "FINDING (exit $status, see $log)")
  printf '%-22s %8s %12s %8s %8s %8s  %s\n' "$target" "$seconds" "${runs:-?}" "${cov:-?}" "${ft:-?}" "$corpus" "$result"
done
