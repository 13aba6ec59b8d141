#!/usr/bin/env bash
# Benchmark: name every license text in the corpus with the release binary, as a user would
# (`isopen license identify FILE...`). Reports accuracy against the rules' `corpus` lists,
# texts per second (best of N runs) and peak memory (max RSS from GNU time).
#
#   scripts/bench-identify.sh [RUNS]        (corpus: $ISOPEN_CORPUS or ../shared/corpus)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
corpus=${ISOPEN_CORPUS:-../shared/corpus}
texts=("$corpus"/licenses/*.txt)
[ -e "${texts[0]}" ] || { echo "no corpus texts under $corpus/licenses" >&2; exit 2; }
cargo build --release --quiet
bin=target/release/isopen
out=$(mktemp)
trap 'rm -f "$out" "$out.time"' EXIT

best=""
for _ in $(seq "$runs"); do
  /usr/bin/time -f '%e %M' -o "$out.time" "$bin" license identify "${texts[@]}" --format json >"$out"
  read -r secs rss_kb <"$out.time"
  if [ -z "$best" ] || awk "BEGIN{exit !($secs < $best)}"; then best=$secs; best_rss=$rss_kb; fi
done

python3 - "$out" "$corpus" "${#texts[@]}" "$best" "$best_rss" "$runs" <<'PY'
import json, sys, subprocess, os
out, corpus, n, secs, rss_kb, runs = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
report = json.load(open(out))
rules = json.loads(subprocess.run(["target/release/isopen", "license", "list", "--format", "json"],
                                  capture_output=True, check=True).stdout)["licenses"]
# Which rule owns each corpus file is in the rule files' `corpus` lists; `license list` does not
# print them, so read them from the YAML the binary embeds.
import re, glob
owner = {}
for path in glob.glob("license-rules/*.yaml"):
    current = None
    for line in open(path):
        m = re.match(r"\s+- id: (\S+)", line)
        if m: current = m.group(1)
        m = re.match(r"\s+corpus: \[(.*)\]", line)
        if m and current:
            for f in [x.strip() for x in m.group(1).split(",") if x.strip()]:
                owner[f] = current
hub = {r["id"]: (r["hub_id"] or r["id"]) for r in rules}
right = 0
for f in report["files"]:
    name = os.path.basename(f["file"])
    want = hub.get(owner.get(name, ""), "?")
    if f["id"] == want: right += 1
    else: print(f"  WRONG {name}: named {f['id']}, expected {want}")
print(f"texts:        {n}")
print(f"named right:  {right}/{n}")
print(f"wall time:    {secs:.3f} s (best of {runs}, whole process: start-up, rule loading, all texts)")
print(f"throughput:   {n / secs:.0f} texts/s")
print(f"peak memory:  {rss_kb / 1024:.1f} MiB (max RSS)")
PY
