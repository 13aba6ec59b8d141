#!/usr/bin/env bash
# Installs the headless browser the decision page's test runs (tests/html.rs): Debian's
# `chromium` package. Does nothing when a chromium is already on PATH. Needs root (apt-get).
#
#   scripts/install-browser.sh
set -euo pipefail
if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium >/dev/null
command -v chromium
