#!/usr/bin/env bash
# The README's picture of the decision page (docs/decision-page.png): the mixed shortlist of the
# page's test (fixtures/shortlists/mixed.txt against the fake hub), rendered by isopen and
# captured by the headless browser in that test.
#
#   scripts/screenshot.sh
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p docs
ISOPEN_SCREENSHOT="$PWD/docs/decision-page.png" \
  cargo test --quiet --test html the_page_renders_in_a_headless_browser
ls -l docs/decision-page.png
