#!/usr/bin/env bash
# Fuzz the CSV reader with libFuzzer (clang, AddressSanitizer, UBSan) for a while.
# Usage: tools/fuzz.sh [seconds]   (default 60). New inputs go to tests/fuzz/corpus.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
command -v clang >/dev/null || { echo "fuzz: needs clang (apt-get install clang libclang-rt-14-dev)"; exit 1; }
out=build-fuzz
mkdir -p "$out"
clang -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -Iinclude -Ilib tests/fuzz/fuzz_csv.c lib/*.c -o "$out/fuzz_csv" -lgsl -lgslcblas -lz -lm -lpthread
"$out/fuzz_csv" -max_total_time="$secs" -max_len=4096 tests/fuzz/corpus
