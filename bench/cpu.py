"""CPU per request: the core search and the HTML results page over the query mix, in-process.

    python bench/cpu.py [--index DIR] [--rounds 5] [--profile FILE]

Runs every line of `bench/queries.tsv` once to warm up, then `--rounds` times, and prints the
CPU time (process time, not wall) per request of the round that took least: of the core
search as the results page makes it (`run.core_search`, as `bench/run.py` times it), and of
the whole page through the Flask app (template and all, no server). Least CPU over rounds is
steady on a machine that other work shares, where latency percentiles are not: use it to
compare two commits on one index. With `--profile`, the page mix runs once more under
cProfile, written to FILE, and the functions taking most time are printed.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time
from collections.abc import Callable
from pathlib import Path

from run import core_search, read_queries
from search.config import resolve_paths
from search.http.app import create_app

QUERIES = Path(__file__).with_name("queries.tsv")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, help="Index folder [$PARLSEARCH_INDEX, ./index].")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", type=Path, help="write a cProfile of the page mix here")
    options = parser.parse_args()
    index = resolve_paths(index=options.index).index
    mix = read_queries(QUERIES)
    core = core_search(index)
    client = create_app({"INDEX_DIR": str(index)}).test_client()
    paths = [f"/search?{query.params}" for query in mix]

    def search() -> None:
        for query in mix:
            core(query)

    def pages() -> None:
        for path in paths:
            response = client.get(path)
            if response.status_code != 200:
                raise SystemExit(f"{path}: HTTP {response.status_code}")

    print(f"{index}, {len(mix)} requests of {QUERIES.name}, least CPU of {options.rounds} rounds:")
    print(f"  core search  {least_cpu(search, options.rounds) / len(mix) * 1000:.2f} ms")
    print(f"  HTML page    {least_cpu(pages, options.rounds) / len(mix) * 1000:.2f} ms")
    if options.profile:
        profile = cProfile.Profile()
        profile.runcall(pages)
        profile.dump_stats(options.profile)
        pstats.Stats(str(options.profile)).sort_stats("tottime").print_stats(20)


def least_cpu(run: Callable[[], None], rounds: int) -> float:
    """The least process time (seconds) of `rounds` runs of `run`, after one to warm up."""
    run()
    times = []
    for _ in range(rounds):
        start = time.process_time()
        run()
        times.append(time.process_time() - start)
    return min(times)


if __name__ == "__main__":
    main()
