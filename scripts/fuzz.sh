#!/usr/bin/env bash
# Fuzzing on the stable toolchain: runs the property suite of tests/fuzz.rs (the card parser,
# the YAML, JSON and GGUF readers, the license matcher, the whole assessment) in rounds of
# PROPTEST_CASES random and mutated inputs each, with a fresh random seed per round, until
# SECONDS have passed (default 300). A failing input is shrunk, printed, and saved in
# tests/fuzz.proptest-regressions, which every later run replays first: commit it with the fix.
#
#   scripts/fuzz.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
budget=${1:-300}
cases=${PROPTEST_CASES:-2000}
cargo build --release --quiet --tests
end=$(( $(date +%s) + budget ))
round=0
while [ "$(date +%s)" -lt "$end" ]; do
  round=$((round + 1))
  left=$(( end - $(date +%s) ))
  echo "round $round: $cases cases a property (${left}s left)"
  if ! PROPTEST_CASES=$cases timeout "$((left + 60))" \
      cargo test --release --quiet --test fuzz 2>&1 | grep -v -E '^(running|$)'; then
    echo "fuzz: a property failed (see above and tests/fuzz.proptest-regressions)" >&2
    exit 1
  fi
done
echo "fuzz: $round rounds, no failure"
