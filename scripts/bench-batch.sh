#!/usr/bin/env bash
# Benchmark: `isopen batch` on a 300-model shortlist against the in-process fake hub with 20 ms of
# latency a request, at the default settings (-j 64 --requests 32), at -j 8 and at the earlier
# defaults (-j 32 --requests 16) (ISOPEN_BENCH_RUNS="-j 128;..." adds others), and the same
# fetches made with the huggingface_hub Python client on 8 threads (installed into a private
# virtualenv when PyPI can be reached; skipped otherwise). Prints wall time, requests per model,
# peak memory, and how close each run comes to the floor (requests x latency / concurrency).
# TMPDIR=/dev/shm keeps the file system's inode allocation out of the figures.
#
#   scripts/bench-batch.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
venv=${ISOPEN_BENCH_VENV:-/tmp/isopen-bench-venv}
python=python3
if [ -x "$venv/bin/python" ] || python3 -m venv "$venv" >/dev/null 2>&1; then
  if "$venv/bin/python" -m pip install --quiet huggingface_hub >/dev/null 2>&1; then
    python="$venv/bin/python"
  else
    echo "could not install huggingface_hub; the Python peer run will be skipped" >&2
  fi
fi
ISOPEN_BIN="$PWD/target/release/isopen" ISOPEN_BENCH_PYTHON="$python" \
  cargo test --release --quiet --test bench_batch -- --ignored --nocapture 2>&1 \
  | grep -v -E '^(running|test |$)'
