"""The peer for scripts/bench-batch.sh: the same fetches isopen makes for a shortlist (model info,
README and license files at the commit, each declared dataset's info, each base model's info and
files, each shared look-up once), made with the official huggingface_hub client on N threads.

usage: python3 bench_hf_client.py ENDPOINT SHORTLIST THREADS CACHE_DIR
"""

import concurrent.futures as cf
import os
import sys
import threading
import time

endpoint, shortlist, threads, cache_dir = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
os.environ["HF_ENDPOINT"] = endpoint
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
os.environ["HF_HUB_DISABLE_PROGRESS_BARS"] = "1"

from huggingface_hub import HfApi, hf_hub_download  # noqa: E402

api = HfApi(endpoint=endpoint)
LICENSE_PREFIXES = ("LICENSE", "LICENCE", "COPYING", "NOTICE", "USE_POLICY", "MODEL_LICENSE")
lock = threading.Lock()
seen = {}


def once(key, fn):
    """Each shared look-up once, as isopen does."""
    with lock:
        if key in seen:
            return None
        seen[key] = True
    return fn()


def fetch_model(repo_id):
    info = api.model_info(repo_id, files_metadata=True)
    names = [s.rfilename for s in info.siblings or []]
    wanted = [n for n in names if n == "README.md" or ("/" not in n and n.upper().startswith(LICENSE_PREFIXES))]
    for name in wanted:
        hf_hub_download(repo_id, name, revision=info.sha, cache_dir=cache_dir)
    card = info.card_data.to_dict() if info.card_data else {}
    return card


def audit(repo_id):
    card = fetch_model(repo_id)
    datasets = card.get("datasets") or []
    for d in [datasets] if isinstance(datasets, str) else datasets:
        once(("dataset", d), lambda d=d: api.dataset_info(d))
    bases = card.get("base_model") or []
    queue = [bases] if isinstance(bases, str) else list(bases)
    while queue:
        base = queue.pop()
        parent = once(("model", base), lambda b=base: fetch_model(b))
        if parent:
            more = parent.get("base_model") or []
            queue.extend([more] if isinstance(more, str) else more)
    return repo_id


ids = [line.strip() for line in open(shortlist) if line.strip() and not line.startswith("#")]
start = time.perf_counter()
errors = 0
with cf.ThreadPoolExecutor(max_workers=threads) as pool:
    for future in cf.as_completed([pool.submit(audit, i) for i in ids]):
        try:
            future.result()
        except Exception as e:  # a failure is counted, like isopen's error reports
            errors += 1
            print(f"error: {e}", file=sys.stderr)
elapsed = time.perf_counter() - start
print(f"{elapsed:.3f} {len(ids) - errors} {errors}")
