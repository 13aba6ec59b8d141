#!/usr/bin/env bash
# Accuracy on a public license database: ScanCode Toolkit's (fetched from PyPI by
# fetch-scancode.sh). For the AI-model and ML-data licenses in data/scancode-ai.tsv, the
# permissive look-alikes in data/lookalikes.tsv (each with the commercial verdict we expect,
# established by reading the text) and the short notices in data/notices.tsv, it runs
# `isopen license identify` with the release binary and prints how many get the right verdict,
# how many come out more permissive than expected (the errors that matter), how many
# look-alikes are still named as a permissive license, and the time for 1,000 texts.
#
#   scripts/eval-scancode.sh [-v]      (-v lists every miss)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/fetch-scancode.sh
cargo build --release --quiet
python3 - "$@" <<'PY'
import csv, json, os, subprocess, sys, tempfile, time

verbose = "-v" in sys.argv
sc = os.environ.get("ISOPEN_SCANCODE", "target/scancode")
bin = "target/release/isopen"
order = {"allowed": 0, "conditional": 1, "unknown": 2, "prohibited": 3}

def body(path):
    raw = open(path, encoding="utf-8", errors="replace").read()
    if raw.startswith("---"):
        end = raw.find("\n---", 3)
        if end != -1:
            return raw[end + 4:].lstrip("\r\n")
    return raw

def rows(name):
    with open(f"scripts/data/{name}", newline="") as f:
        return [r for r in csv.DictReader((l for l in f if not l.startswith("#")), delimiter="\t")]

def identify(texts):
    """texts: list of (label, text) -> {label: file entry}"""
    out = {}
    with tempfile.TemporaryDirectory() as d:
        paths = []
        for i, (label, text) in enumerate(texts):
            p = os.path.join(d, f"{i}.txt")
            open(p, "w").write(text)
            paths.append((label, p))
        for start in range(0, len(paths), 300):
            chunk = paths[start:start + 300]
            r = subprocess.run([bin, "license", "identify", "--format", "json"] + [p for _, p in chunk],
                               capture_output=True, text=True)
            files = json.loads(r.stdout)["files"]
            for (label, _), f in zip(chunk, files):
                out[label] = f
    return out

def score(title, items):
    """items: list of (label, expected, text)"""
    found = identify([(l, t) for l, _, t in items])
    right = looser = stricter = 0
    misses = []
    for label, expected, _ in items:
        f = found[label]
        got = f.get("verdict") or "unknown"
        if got == expected:
            right += 1
            continue
        if order[got] < order[expected]:
            looser += 1
        else:
            stricter += 1
        misses.append(f"{label}: expected {expected}, got {got} ({f['id']})")
    n = len(items)
    print(f"{title}: {right}/{n} right ({100*right/max(n,1):.0f}%), {looser} more permissive than expected, {stricter} stricter")
    if verbose:
        for m in misses:
            print("   ", m)
    return found

lic = rows("scancode-ai.tsv")
items = [(r["key"], r["expected"], body(f"{sc}/licenses/{r['key']}.LICENSE")) for r in lic
         if os.path.exists(f"{sc}/licenses/{r['key']}.LICENSE")]
score(f"AI-model and ML-data license texts", items)

look = rows("lookalikes.tsv")
items = [(r["key"], r["expected"], body(f"{sc}/licenses/{r['key']}.LICENSE")) for r in look
         if os.path.exists(f"{sc}/licenses/{r['key']}.LICENSE")]
found = score("permissive look-alikes", items)
rules = json.loads(subprocess.run([bin, "license", "list", "--format", "json"], capture_output=True,
                                  text=True, check=True).stdout)["licenses"]
permissive = {r["id"] for r in rules if r.get("verdict") == "allowed"} | \
             {r.get("hub_id") for r in rules if r.get("verdict") == "allowed" and r.get("hub_id")}
named_permissive = [l for l, f in found.items() if f["id"] in permissive]
print(f"look-alikes still named as a permissive license: {len(named_permissive)} {named_permissive if named_permissive else ''}")

notes = rows("notices.tsv") if os.path.exists("scripts/data/notices.tsv") else []
items = [(r["rule_file"], r["expected"], body(f"{sc}/rules/{r['rule_file']}")) for r in notes
         if os.path.exists(f"{sc}/rules/{r['rule_file']}")]
score("short notices and references", items)

# Speed: 1,000 texts of the database, whatever their license, in one process.
names = sorted(os.listdir(f"{sc}/licenses"))[:1000]
with tempfile.TemporaryDirectory() as d:
    paths = []
    for i, n in enumerate(names):
        p = os.path.join(d, f"{i}.txt")
        open(p, "w").write(body(f"{sc}/licenses/{n}"))
        paths.append(p)
    t = time.perf_counter()
    subprocess.run([bin, "license", "identify", "--format", "json"] + paths, capture_output=True, check=True)
    secs = time.perf_counter() - t
print(f"license identify on 1,000 texts: {secs:.2f} s ({1000*secs/len(paths):.1f} ms a text, one process)")
PY
