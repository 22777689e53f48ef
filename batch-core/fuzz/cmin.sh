#!/usr/bin/env bash
# Minimizes every target's corpus to the inputs that keep its edge coverage (libFuzzer's
# merge without hit counters, inputs of at most 1 KB): what is checked in stays small. Inputs
# named `regression-*` reproduce findings and are always kept.
set -euo pipefail
cd "$(dirname "$0")"
kept=$(mktemp -d)
trap 'rm -rf "$kept"' EXIT
for target in sqs sqs_fifo sqs_fifo_skip_group kinesis dynamodb kafka; do
  mkdir -p "$kept/$target"
  cp corpus/"$target"/regression-* "$kept/$target/" 2>/dev/null || true
  cargo +nightly fuzz cmin --sanitizer none --target-dir ../../target/fuzz "$target" -- \
    -max_len=1024 -use_counters=0 2>&1 | grep -E 'MERGE-OUTER: [0-9]+ new files' || true
  cp "$kept/$target"/* corpus/"$target"/ 2>/dev/null || true
done
du -sb corpus/*
