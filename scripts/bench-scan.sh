#!/usr/bin/env bash
# Benchmark: `isopen scan --list` (the walk and the finders; nothing audited, no network) with
# the release binary over real trees. Reports, per tree, files walked, files read, references
# found, wall time (best of N runs), files read per second and peak memory; then precision and
# recall on the sample repository (fixtures/scan/sample-repo: every form, plus look-alikes).
#
#   scripts/bench-scan.sh [RUNS] [TREE...]
#
# Default trees: the cargo registry sources (~/.cargo/registry/src, thousands of source files
# of every kind) and, when present, $ISOPEN_BENCH_REPO (for example a checkout of a Python ML
# repository such as huggingface/peft). `--max-files` is raised so nothing is left unread.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
shift || true
trees=("$@")
if [ ${#trees[@]} -eq 0 ]; then
  for t in "$HOME"/.cargo/registry/src "${ISOPEN_BENCH_REPO:-}"; do
    [ -n "$t" ] && [ -d "$t" ] && trees+=("$t")
  done
fi
[ ${#trees[@]} -gt 0 ] || { echo "no tree to scan; give one" >&2; exit 2; }
cargo build --release --quiet
bin=${CARGO_TARGET_DIR:-target}/release/isopen
out=$(mktemp)
trap 'rm -f "$out" "$out.time"' EXIT

for tree in "${trees[@]}"; do
  best=""
  for _ in $(seq "$runs"); do
    /usr/bin/time -f '%e %M' -o "$out.time" "$bin" scan "$tree" --list --format json \
      --max-files 10000000 >"$out" 2>/dev/null
    read -r secs rss_kb <"$out.time"
    if [ -z "$best" ] || awk "BEGIN{exit !($secs < $best)}"; then best=$secs; best_rss=$rss_kb; fi
  done
  walked=$(find "$tree" -type f 2>/dev/null | wc -l)
  python3 - "$out" "$tree" "$walked" "$best" "$best_rss" "$runs" <<'PY'
import json, sys
out, tree, walked, secs, rss_kb, runs = sys.argv[1:7]
r = json.load(open(out))
s = r["scan"]
read = s["files_read"]
places = sum(len(m["found_at"]) for m in r["references"])
rate = read / max(float(secs), 1e-3)
walk_rate = int(walked) / max(float(secs), 1e-3)
print(f"{tree}: {walked} files in the tree, {read} read, {len(r['references'])} models at {places} places, "
      f"{s['skipped_total']} skipped ({s['unread']} unread); best of {runs}: {float(secs):.2f} s, "
      f"{rate:,.0f} files read/s ({walk_rate:,.0f} files walked/s), {int(rss_kb) / 1024:.0f} MiB")
PY
done

# Precision and recall on the sample repository: tests/scan.rs holds the exact expected set.
"$bin" scan fixtures/scan/sample-repo --list --format json >"$out"
python3 - "$out" <<'PY'
import json, re, sys
r = json.load(open(sys.argv[1]))
found = {(m["model"], f["file"], f["line"]) for m in r["references"] for f in m["found_at"]}
src = open("tests/scan.rs").read()
block = src[src.index("fn expected()"):src.index("fn the_sample_repository")]
want = {(m if not m.startswith("./") else "fixtures/scan/sample-repo/" + m[2:], f, int(l))
        for m, f, l in re.findall(r'\(\s*"([^"]+)",\s*"([^"]+)",\s*(\d+),\s*\d+,\s*"[^"]+",?\s*\)', block)}
found = {(m.removeprefix("./"), f, l) for m, f, l in found}
want = {(m.removeprefix("./"), f, l) for m, f, l in want}
tp = len(found & want)
print(f"sample repository: {tp} of {len(want)} expected references found (recall {tp / len(want):.0%}), "
      f"{len(found - want)} look-alikes taken for models (precision {tp / max(len(found), 1):.0%})")
for x in sorted(found - want):
    print("  false positive:", x)
for x in sorted(want - found):
    print("  missed:", x)
PY
