#!/usr/bin/env bash
# A short fuzz run of every target, for CI: where a nightly toolchain exists, builds the targets
# as `cargo fuzz build --sanitizer none` does (coverage instrumentation, `--cfg fuzzing`; no
# cargo-fuzz needed) and runs each for N seconds (default 10) from the checked-in corpus. New
# inputs and any finding go to a scratch directory, so the checked-in corpus is left as it is.
# Without nightly it says so and succeeds: the stable corpus replay (`fuzz_corpus`) is CI's
# guarantee, this is extra.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-10}
targets=(sqs sqs_fifo sqs_fifo_skip_group kinesis dynamodb kafka)
if ! cargo +nightly --version >/dev/null 2>&1; then
  echo "fuzz smoke run skipped: no nightly toolchain (the corpus replay ran on stable)"
  exit 0
fi
host=$(rustc +nightly -vV | sed -n 's/^host: //p')
# cargo-fuzz's flags for `--sanitizer none`. `--target` keeps them off build scripts and
# proc macros, which cannot link the coverage callbacks.
export RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing"
cargo +nightly build --release --bins --target "$host" --target-dir ../../target/fuzz-smoke
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for target in "${targets[@]}"; do
  mkdir -p "$scratch/$target/new" "$scratch/$target/artifacts"
  log="$scratch/$target/log"
  if ! "../../target/fuzz-smoke/$host/release/$target" "$scratch/$target/new" "corpus/$target" \
    -max_total_time="$seconds" -timeout=10 -max_len=1024 -print_final_stats=1 \
    -artifact_prefix="$scratch/$target/artifacts/" >"$log" 2>&1; then
    tail -n 40 "$log"
    echo "fuzz target $target found a failing input (kept under batch-core/fuzz/artifacts/$target/)"
    mkdir -p "artifacts/$target"
    cp "$scratch/$target/artifacts/"* "artifacts/$target/" 2>/dev/null || true
    exit 1
  fi
  runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo '?')
  echo "fuzz $target: $seconds s, $runs executions, no finding"
done
