#!/usr/bin/env bash
# Benchmark: the decision page (`--format html`) for a 50-model shortlist — the fake hub's
# fixture repositories and every closed API model of the catalog. Prints the page's size, the
# time to audit and render it, and the time a headless chromium takes to load it, run its
# script and dump the DOM, against an empty page (scripts/install-browser.sh installs chromium;
# ISOPEN_BROWSER names another).
#
#   scripts/bench-html.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --release --quiet --test bench_html -- --ignored --nocapture 2>&1 \
  | grep -v -E '^(running|test |$)'
