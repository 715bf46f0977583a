"""Latency of `POST /api/similar` on the bundled corpus: whole questions pasted one at a time.

    python bench/similar.py [--corpus DIR] [--index DIR] [--n 200] [--seed 1] [--workers 1]

Starts `parlsearch serve` on loopback (`serving.py`; without an index it builds one first, not
timed), sends the question of `--n` Chamber records of the corpus chosen at random (`--seed`),
each `{"text": question}` to `POST /api/similar` on a connection of its own, one after another
as a researcher pastes them, after `--warmup` requests that are not counted, and prints the
latency percentiles in ms beside the target (p95 at most 150 ms). Exits 1 if a request failed.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import subprocess
import sys
import time
from pathlib import Path

from search.config import resolve_paths
from search.index.generations.folders import index_exists
from serving import ServerError, percentile, post_json, running_server

TARGET_P95_MS = 150


def main() -> int:
    """Measure and print; 1 if any request failed, else 0."""
    options = parse_options()
    paths = resolve_paths(options.corpus, options.index)
    questions = chamber_questions(paths.corpus)
    chosen = random.Random(options.seed).sample(questions, min(options.n, len(questions)))
    if not index_exists(paths.index):
        print(f"No index in {paths.index}: building it first (not timed).")
        build = ["build", "--corpus", str(paths.corpus), "--index", str(paths.index)]
        subprocess.run([sys.executable, "-m", "search", *build], check=True)
    latencies, errors = [], []
    try:
        with running_server(paths.index, workers=options.workers) as server:
            for text in chosen[: options.warmup]:
                post_json(server.port, "/api/similar", {"text": text})
            for text in chosen:
                began = time.perf_counter()
                error = post_json(server.port, "/api/similar", {"text": text})
                latencies.append((time.perf_counter() - began) * 1000)
                if error:
                    errors.append(error)
    except ServerError as error:
        raise SystemExit(str(error)) from error
    latencies.sort()
    p50, p95 = percentile(latencies, 0.5), percentile(latencies, 0.95)
    verdict = "ok" if p95 <= TARGET_P95_MS else "too slow"
    print(f"POST /api/similar, {len(latencies)} questions of the corpus, one at a time:")
    print(f"  p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {latencies[-1]:.1f} ms")
    print(f"  target p95 <= {TARGET_P95_MS} ms: {verdict}; failed requests: {len(errors)}")
    for error in errors[:5]:
        print("  " + error)
    return 1 if errors else 0


def parse_options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, help="Corpus folder [$PARLSEARCH_CORPUS, ./corpus].")
    parser.add_argument("--index", type=Path, help="Index folder [$PARLSEARCH_INDEX, ./index].")
    parser.add_argument("--n", type=int, default=200, help="Questions sent (timed).")
    parser.add_argument("--warmup", type=int, default=20, help="Questions sent first, untimed.")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=1, help="Server processes.")
    return parser.parse_args()


def chamber_questions(corpus: Path) -> list[str]:
    """The question text of every Chamber record of the corpus (its `.jsonl.gz` files)."""
    questions = []
    for path in sorted(corpus.rglob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            questions += [json.loads(line).get("question") or "" for line in lines]
    return [question for question in questions if question.strip()]


if __name__ == "__main__":
    sys.exit(main())
