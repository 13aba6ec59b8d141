#!/usr/bin/env bash
# Brings ScanCode Toolkit's license database (the wheel from PyPI, pinned) into
# target/scancode/: licenses/<key>.LICENSE (full texts) and rules/<key>_N.RULE (notices and
# references). Tests read real license texts from there (support::scancode); under CI=true a
# missing database fails them. Nothing from it is committed. Idempotent: a second run is a no-op.
#
#   scripts/fetch-scancode.sh
set -euo pipefail
cd "$(dirname "$0")/.."
version=32.5.0
dest=target/scancode
if [ -f "$dest/.version" ] && [ "$(cat "$dest/.version")" = "$version" ]; then
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m pip download --quiet --no-deps --only-binary=:all: -d "$tmp" "scancode-toolkit==$version"
rm -rf "$dest"
mkdir -p "$dest"
python3 - "$tmp"/scancode_toolkit-*.whl "$dest" <<'PY'
import sys, zipfile, os
wheel, dest = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as z:
    for name in z.namelist():
        for part in ("licenses", "rules"):
            prefix = f"licensedcode/data/{part}/"
            if name.startswith(prefix) and not name.endswith("/"):
                out = os.path.join(dest, part, name[len(prefix):])
                os.makedirs(os.path.dirname(out), exist_ok=True)
                with z.open(name) as src, open(out, "wb") as dst:
                    dst.write(src.read())
PY
echo "$version" >"$dest/.version"
echo "ScanCode $version license database in $dest ($(ls "$dest/licenses" | wc -l) licenses, $(ls "$dest/rules" | wc -l) rules)"
