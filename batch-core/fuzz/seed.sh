#!/usr/bin/env bash
# Builds the seed corpus of each target from the sample events (examples/events, tests/fixtures):
# each event behind several flag bytes (see `Config::from_byte`: bit 0 structured, bit 1
# concurrency 4, bit 2 stop_on_first_failure, bit 3 extract the payload, bit 4 no raise on an
# entire batch failure, bits 5-7 the salt of the handler's hash), plus a few structured inputs.
# Run `cargo +nightly fuzz cmin <target>` afterwards to keep only what adds coverage.
set -euo pipefail
cd "$(dirname "$0")"
root=../..
seed() { # target, flag byte (decimal), file
  local dir=corpus/$1
  mkdir -p "$dir"
  local tmp
  tmp=$(mktemp)
  { printf "\\$(printf %03o "$2")"; cat "$3"; } > "$tmp"
  mv "$tmp" "$dir/seed-$(sha1sum < "$tmp" 2>/dev/null | cut -c1-12 || true)$(basename "$3" .json)-$2"
}
for target in sqs sqs_fifo sqs_fifo_skip_group kinesis dynamodb kafka; do
  case $target in
    sqs*) pattern='sqs*.json' ;;
    kinesis) pattern='kinesis*.json' ;;
    dynamodb) pattern='dynamodb*.json' ;;
    kafka) pattern='kafka*.json' ;;
  esac
  for file in $root/examples/events/$pattern $root/tests/fixtures/$pattern; do
    for flags in 0 2 6 8 10 16 46 200; do
      seed "$target" "$flags" "$file"
    done
  done
  # Structured inputs: the flag byte with bit 0 set, then raw material for the generator.
  for flags in 1 3 7 9 27 129; do
    printf "\\$(printf %03o "$flags")%s" "$(head -c 64 /dev/urandom | base64)" > "corpus/$target/seed-structured-$flags"
  done
done
