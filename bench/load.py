"""Load test: concurrent clients against `parlsearch serve` on loopback while the index is rebuilt.

    python bench/load.py [--clients 8] [--seconds 60] [--writer build|update|none]
                         [--corpus DIR] [--index DIR]

Starts `parlsearch serve` on 127.0.0.1 (a free port), runs the clients through the fixed
request mix in `bench/load-queries.tsv` for `--seconds`, while a writer swaps the index
underneath: `build` (the default) runs full rebuilds of the corpus back to back, starting one
while time is left; `update` toggles one real document out of and back into a copy of the
corpus and runs `parlsearch update`, a swap per run; `none` leaves the index alone. The
clients keep going until the last writer run has finished, so that every swap happens under
load, but never longer than `--max-seconds`. Then it prints requests, failed requests, latency
percentiles and the server's peak memory (VmHWM from /proc), and exits 1 if any request failed.

Bounded: at most 64 clients, each stopping after `--max-requests / clients` requests; loopback
only. Without an index it builds one first (not timed). The default index folder is the CLI's
($PARLSEARCH_INDEX, else ./index): `build` replaces it with a rebuild of the same corpus.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from search.config import resolve_paths
from search.engine.searching import SearchEngine
from search.http.serving import default_workers
from search.index.generations.folders import CURRENT_FILE, index_exists
from serving import (
    HOST,
    Results,
    ServerError,
    bounded,
    client,
    percentile,
    running_server,
    server_memory,
)

MIX_FILE = Path(__file__).with_name("load-queries.tsv")
# The document that `--writer update` takes out of the corpus copy and puts back, in turn.
TOGGLED_DOCUMENT = Path("vlaams-parlement") / "vrg_en_antw.58.txt"


@dataclass
class WriterRun:
    """One run of the writer: when it started and ended (seconds into the test), its exit code."""

    started: float
    ended: float
    returncode: int


def main() -> int:
    """Run the load test and print its figures; 1 if any request failed, else 0."""
    options = parse_options()
    paths = resolve_paths(options.corpus, options.index)
    mix = read_mix(MIX_FILE)
    if not index_exists(paths.index):
        print(f"No index in {paths.index}: building it first (not part of the test).")
        parlsearch("build", "--corpus", str(paths.corpus), "--index", str(paths.index))
    try:
        with running_server(paths.index, options.threads, options.workers) as server:
            with writer_corpus(options.writer, paths.corpus) as corpus:
                pid = server.process.pid
                report = run_load(options, mix, server.port, pid, corpus, paths.index)
            server_log = server.log()
    except ServerError as error:
        raise SystemExit(str(error)) from error
    print_report(options, paths.index, server.port, report)
    if "Traceback" in server_log:
        print("server log (end):\n" + server_log[-3000:])
    return 1 if report["results"].errors else 0


def parse_options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=bounded(1, 64), default=8)
    parser.add_argument("--seconds", type=bounded(1, 3600), default=60)
    parser.add_argument("--max-seconds", type=bounded(1, 7200), default=900)
    parser.add_argument("--max-requests", type=bounded(1, 10_000_000), default=1_000_000)
    parser.add_argument(
        "--threads", type=bounded(1, 64), help="threads per process [serve's default]"
    )
    parser.add_argument(
        "--workers", type=bounded(1, 64), default=default_workers(), help="server processes"
    )
    parser.add_argument("--writer", choices=("build", "update", "none"), default="build")
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--index", type=Path)
    return parser.parse_args()


def read_mix(path: Path) -> list[tuple[int, str]]:
    """The request mix: (expected status, path) per line."""
    mix = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            status, target = line.split("\t")
            mix.append((int(status), target))
    return mix


def run_load(options, mix, port: int, server_pid: int, corpus: Path, index: Path) -> dict:
    """Run the clients, the writer and the swap watcher; return what they saw."""
    stop = threading.Event()
    started = time.monotonic()
    per_client = [Results() for _ in range(options.clients)]
    quota = max(1, options.max_requests // options.clients)
    clients = [
        threading.Thread(target=client, args=(port, mix, n * 7, quota, stop, per_client[n]))
        for n in range(options.clients)
    ]
    swaps: list[tuple[float, str]] = []
    watcher = threading.Thread(target=watch_swaps, args=(index, started, stop, swaps))
    for thread in [*clients, watcher]:
        thread.start()
    try:
        runs = run_writer(options, corpus, index, started)
        while time.monotonic() - started < options.seconds:
            time.sleep(0.1)
        peak_memory = server_memory(server_pid)
    finally:
        stop.set()
        for thread in [*clients, watcher]:
            thread.join()
    results = Results()
    for part in per_client:
        results.merge(part)
    return {
        "results": results,
        "elapsed": time.monotonic() - started,
        "runs": runs,
        "swaps": swaps,
        "memory": peak_memory,
    }


def run_writer(options, corpus: Path, index: Path, started: float) -> list[WriterRun]:
    """Run the writer while time is left (at least once), each run to its end; `update` ends
    with the toggled document back in place."""
    runs: list[WriterRun] = []
    if options.writer == "none":
        return runs
    toggled = corpus / TOGGLED_DOCUMENT
    kept = toggled.read_bytes() if options.writer == "update" else b""
    while not runs or time.monotonic() - started < options.seconds or not toggled.exists():
        if options.writer == "update":
            if toggled.exists():
                toggled.unlink()
            else:
                toggled.write_bytes(kept)
        begin = time.monotonic() - started
        left = options.max_seconds - begin
        arguments = ("--corpus", str(corpus), "--index", str(index))
        returncode = parlsearch(options.writer, *arguments, timeout=left)
        runs.append(WriterRun(begin, time.monotonic() - started, returncode))
        if returncode != 0:
            break
    return runs


def watch_swaps(index: Path, started: float, stop: threading.Event, swaps: list) -> None:
    """Note each change of CURRENT: when, and the generation it names."""
    current = (index / CURRENT_FILE).read_text().strip()
    while not stop.wait(0.02):
        name = (index / CURRENT_FILE).read_text().strip()
        if name != current:
            swaps.append((time.monotonic() - started, name))
            current = name


@contextmanager
def writer_corpus(writer: str, corpus: Path) -> Iterator[Path]:
    """The corpus the writer reads: for `update` a temporary copy that it may change."""
    if writer != "update":
        yield corpus
        return
    with tempfile.TemporaryDirectory(prefix="parlsearch-load-") as folder:
        yield Path(shutil.copytree(corpus, Path(folder) / "corpus"))


def parlsearch(*arguments: str, timeout: float | None = None) -> int:
    """Run the CLI; its exit code, or -9 if it ran out of time and was killed."""
    try:
        completed = subprocess.run(
            [sys.executable, "-m", "search", *arguments],
            stdout=subprocess.DEVNULL,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return -9
    return completed.returncode


def print_report(options, index: Path, port: int, report: dict) -> None:
    results, runs, swaps = report["results"], report["runs"], report["swaps"]
    latencies = sorted(results.latencies)
    print(f"parlsearch load test on http://{HOST}:{port}, {len(read_mix(MIX_FILE))}-request mix")
    print(
        f"clients: {options.clients}, asked {options.seconds} s, ran {report['elapsed']:.1f} s "
        f"(until the writer's last run ended), index {index}"
    )
    if runs:
        done = ", ".join(f"{r.started:.1f}-{r.ended:.1f} s (exit {r.returncode})" for r in runs)
        print(f"writer: {options.writer} x{len(runs)}: {done}")
    print(
        f"swaps seen under load: {len(swaps)}"
        + (f" (at {', '.join(f'{t:.1f}' for t, _ in swaps[:10])} s)" if swaps else "")
    )
    rate = len(latencies) / report["elapsed"]
    print(f"requests: {len(latencies)} ({rate:.1f}/s), failed: {len(results.errors)}")
    if latencies:
        figures = "  ".join(
            f"{name} {percentile(latencies, share) * 1000:.1f}"
            for name, share in (("p50", 0.50), ("p95", 0.95), ("p99", 0.99), ("max", 1.0))
        )
        print(f"latency ms: {figures}")
    memory = report["memory"]
    print(
        f"server memory: peak {memory['VmHWM']:.1f} MB (VmHWM); at the end {memory['VmRSS']:.1f} MB"
        f" = {memory['RssAnon']:.1f} MB own + {memory['RssFile']:.1f} MB mapped index files"
    )
    for error in results.errors[:10]:
        print(f"  {error}")
    stats = SearchEngine(index).stats()
    print(f"index in use after the test: {stats.documents} documents, built {stats.built}")


if __name__ == "__main__":
    sys.exit(main())
