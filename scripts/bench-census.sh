#!/usr/bin/env bash
# Benchmark: `isopen census` over a generated listing of 20,000 and 200,000 models served by the
# in-process fake hub in pages of 500 (ISOPEN_BENCH_SIZES="20000,50000,200000" for others).
# Prints, for each size, wall time, listing calls, models a second, peak memory, the lineage
# join's time and the size of what was written.
#
#   scripts/bench-census.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
ISOPEN_BIN="$PWD/target/release/isopen" \
  cargo test --release --quiet --test bench_census -- --ignored --nocapture 2>&1 \
  | grep -v -E '^(running|test |$)'
