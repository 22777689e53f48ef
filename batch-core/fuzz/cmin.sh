#!/usr/bin/env bash
# Minimizes every target's corpus to the inputs that keep its edge coverage (libFuzzer's
# merge without hit counters, inputs of at most 1 KB): what is checked in stays small.
set -euo pipefail
cd "$(dirname "$0")"
for target in sqs sqs_fifo sqs_fifo_skip_group kinesis dynamodb kafka; do
  cargo +nightly fuzz cmin --sanitizer none --target-dir ../../target/fuzz "$target" -- \
    -max_len=1024 -use_counters=0 2>&1 | grep -E 'MERGE-OUTER: [0-9]+ new files' || true
done
du -sb corpus/*
