"""The benchmark: build, update and search figures of Parlsearch beside two peers, per corpus size.

    python bench/run.py [--docs 4000,20000,100000] [--runs 3] [--out FILE] [--quick]

Per size it writes a scaled corpus (`scaled_corpus.py`) into the work folder, then measures:
- the full build (`parlsearch build`, a child process) with 1 and with 2 processes: seconds,
  documents per second, peak memory (the child's ru_maxrss from wait4, and the sampled
  resident memory of its whole process tree, whichever is larger), the index size on disk;
- the core search call as the results page makes it (`SearchEngine.search` with snippets and
  facets) over the query mix in `bench/queries.tsv`: p50/p95/p99 latency, in this process with
  its memory allocator tuned as `parlsearch serve` tunes its workers' (`keep_freed_memory`);
- the same mix end to end over HTTP (`/search?...` against `parlsearch serve`) with 1 and with
  8 concurrent clients: requests per second and p50/p95/p99, and the server's peak memory;
- the two peers of `peers.py` on the same documents in this process: build time, size, latency;
- on the largest size only, `parlsearch update` adding 100 new documents, then the same update
  again, which finds nothing to do;
- once, the first start of `parlsearch serve` on the bundled corpus without an index: the
  seconds from the command until the site answers (the build in a child process included).
Figures are medians over `--runs` runs (the peers' builds run once). A measurement that fails is
reported with its error and the others go on; the exit code is then 1.

Writes the figures as JSON (`--out`) and as a Markdown table (`--markdown`, printed as well).
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs

from peers import NaiveWhoosh, SqliteFts5
from report import markdown
from scaled_corpus import Sources, extra_records, write_corpus, write_jsonl
from search.engine.evaluation import unique_documents
from search.engine.request import parse_request
from search.engine.searching import SearchEngine
from search.index.generations.folders import index_exists
from search.malloc import keep_freed_memory
from serving import (
    DIRTY,
    Results,
    client,
    percentile,
    running_server,
    server_memory,
    turned_away,
    worker_private_mb,
)

BENCH = Path(__file__).resolve().parent
QUERIES = BENCH / "queries.tsv"
BUNDLED_CORPUS = BENCH.parent / "corpus"
# How long the first start may take before it counts as failed.
FIRST_START_TIMEOUT = 600
DEFAULT_SIZES = (4000, 20000, 100_000)
PEERS = {"whoosh": NaiveWhoosh, "fts5": SqliteFts5}
UPDATE_DOCUMENTS = 100
HTTP_CLIENTS = (1, 8)
# Server processes of the second HTTP row (`serve --workers`), beside one.
WORKERS = 2
PERCENTILES = (("p50", 0.50), ("p95", 0.95), ("p99", 0.99))


@dataclass(frozen=True)
class Query:
    """One query of the mix: its kind, the search page's URL parameters, the peers' text."""

    kind: str
    params: str
    peer_text: str

    @property
    def target(self) -> str:
        return f"/search?{self.params}"


class Failures:
    """Measurements that failed, with their errors, so the run can go on and report them."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def attempt(self, figures: dict, name: str, measure: Callable[[], object]) -> None:
        """Set figures[name] to what `measure` returns, or to its error."""
        print(f"  {name} ...", flush=True)
        try:
            figures[name] = measure()
            print(f"  {name}: {_summary(figures[name])}", flush=True)
        except Exception as error:
            message = f"{type(error).__name__}: {error}"
            figures[name] = {"error": message}
            self.errors.append(f"{name}: {message}")
            print(f"  {name} FAILED: {message}", flush=True)
            traceback.print_exc()


def _summary(value: object) -> str:
    """A measurement's figures on one line for the log, without the figures of each run."""
    if isinstance(value, dict):
        return json.dumps({k: v for k, v in value.items() if k != "runs"}, default=str)[:400]
    return str(value)


def main() -> int:
    """Run the benchmark, write its JSON and Markdown; 1 if any measurement failed."""
    options = parse_options()
    mix = read_queries(QUERIES)
    failures = Failures()
    report = {"environment": environment(), "options": _options_dict(options), "sizes": []}
    sources = Sources.read()
    with work_folder(options.work) as work:
        print("first start:", flush=True)
        failures.attempt(report, "first_start", lambda: first_start_figures(work))
        for size in options.docs:
            print(f"{size} documents:", flush=True)
            largest = size == max(options.docs)
            figures = measure_size(size, largest, options, mix, sources, work, failures)
            report["sizes"].append(figures)
    report["failures"] = failures.errors
    table = markdown(report)
    print(table)
    if options.out:
        options.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    markdown_path = options.markdown or (options.out.with_suffix(".md") if options.out else None)
    if markdown_path:
        markdown_path.write_text(table)
    for error in failures.errors:
        print(f"FAILED: {error}", file=sys.stderr)
    return 1 if failures.errors else 0


def parse_options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=_sizes, default=DEFAULT_SIZES, help="sizes, e.g. 4000,20000")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (the median counts)")
    parser.add_argument("--repeats", type=int, default=5, help="times each query runs per run")
    parser.add_argument("--http-requests", type=int, default=300, help="requests per HTTP run")
    parser.add_argument(
        "--procs", type=_sizes, help="build processes to measure [1,2; with --quick 2]"
    )
    parser.add_argument(
        "--one-proc-up-to",
        type=int,
        default=20000,
        help="skip the 1-process build above this size (it alone would take too long)",
    )
    parser.add_argument("--peer-runs", type=int, help="runs of the peers' searches [--runs]")
    parser.add_argument(
        "--peers",
        type=_peer_names,
        default=tuple(PEERS),
        help=f"peers to measure, comma-separated [{','.join(PEERS)}] (at 500,000 documents "
        "the plain Whoosh build alone takes about an hour: --peers fts5)",
    )
    parser.add_argument("--no-peers", dest="peers", action="store_const", const=())
    parser.add_argument(
        "--quick", action="store_true", help="1 run, each query once, one build (CI smoke)"
    )
    parser.add_argument("--work", type=Path, help="keep corpora and indexes here (else a temp)")
    parser.add_argument(
        "--reuse-index",
        action="store_true",
        help="measure on the index a size already has in --work, without building it again",
    )
    parser.add_argument("--out", type=Path, help="write the figures as JSON")
    parser.add_argument("--markdown", type=Path, help="write the table (default: --out as .md)")
    options = parser.parse_args()
    if options.quick:
        options.runs, options.repeats, options.http_requests = 1, 1, 40
    options.procs = options.procs or ((2,) if options.quick else (1, 2))
    options.peer_runs = options.peer_runs or options.runs
    return options


def _peer_names(text: str) -> tuple[str, ...]:
    names = tuple(name.strip() for name in text.split(",") if name.strip())
    unknown = [name for name in names if name not in PEERS]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown peer {unknown[0]!r}; known: {', '.join(PEERS)}")
    return names


def _sizes(text: str) -> tuple[int, ...]:
    sizes = tuple(int(part) for part in text.split(","))
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("give positive numbers, comma-separated")
    return sizes


def _options_dict(options: argparse.Namespace) -> dict:
    return {
        name: str(value) if isinstance(value, Path) else value
        for name, value in vars(options).items()
    }


def read_queries(path: Path) -> list[Query]:
    """The query mix: kind, URL parameters and peer text per line."""
    mix = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            kind, params, peer_text = line.split("\t")
            mix.append(Query(kind, params, peer_text))
    return mix


def environment() -> dict:
    """Where and on what the figures were measured."""
    commit = subprocess.run(
        ["git", "-C", str(BENCH), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "commit": commit,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "machine": platform.machine(),
        "sqlite": sqlite3.sqlite_version,
    }


@contextmanager
def work_folder(folder: Path | None) -> Iterator[Path]:
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
        yield folder
        return
    with tempfile.TemporaryDirectory(prefix="parlsearch-bench-") as temporary:
        yield Path(temporary)


def measure_size(size, largest, options, mix, sources, work, failures) -> dict:
    """Every figure of one corpus size."""
    corpus, index = work / f"corpus-{size}", work / f"index-{size}"
    if not corpus.exists():
        # Written beside and renamed, so that an interrupted run leaves no partial corpus.
        partial = work / f"corpus-{size}.partial"
        _remove(partial)
        write_corpus(partial, size, sources)
        partial.rename(corpus)
    figures: dict = {"docs": size}
    reused = options.reuse_index and index_exists(index)
    for procs in options.procs:
        name = f"build_{procs}_procs"
        if reused:
            figures[name] = {"skipped": f"the index in {index} was reused (--reuse-index)"}
            continue
        if procs == 1 and size > options.one_proc_up_to and len(options.procs) > 1:
            figures[name] = {"skipped": f"1-process build skipped above {options.one_proc_up_to}"}
            continue
        failures.attempt(figures, name, lambda p=procs: median_build(corpus, index, p, options))
    failures.attempt(figures, "index_mb", lambda: SearchEngine(index).stats().size_bytes / 1e6)
    failures.attempt(figures, "search", lambda: median_latency(core_search(index), mix, options))
    failures.attempt(figures, "http", lambda: http_figures(index, mix, options))
    if options.peers:
        began = time.perf_counter()
        documents = list(unique_documents(corpus))
        figures["peers_parse_seconds"] = time.perf_counter() - began
        for key in options.peers:
            peer = PEERS[key](work / f"{key}-{size}")
            measure = functools.partial(peer_figures, peer, documents, mix, options)
            failures.attempt(figures, key, measure)
    if largest:
        failures.attempt(figures, "update", lambda: update_figures(corpus, index, size, sources))
    return figures


# Builds


def median_build(corpus: Path, index: Path, procs: int, options) -> dict:
    """Full builds of the corpus with `procs` processes: median seconds, docs/s and peak MB."""
    runs = [build_once(corpus, index, procs) for _ in range(options.runs)]
    seconds = statistics.median(run["seconds"] for run in runs)
    documents = runs[0]["documents"]
    return {
        "seconds": seconds,
        "docs_per_s": documents / seconds,
        "peak_mb": statistics.median(run["peak_mb"] for run in runs),
        "documents": documents,
        "runs": runs,
    }


def build_once(corpus: Path, index: Path, procs: int) -> dict:
    command = ["build", "--corpus", str(corpus), "--index", str(index), "--procs", str(procs)]
    seconds, peak_mb, output = run_measured(command)
    documents = SearchEngine(index).stats().documents
    return {"seconds": seconds, "peak_mb": peak_mb, "documents": documents, "output": output[-500:]}


def run_measured(arguments: list[str]) -> tuple[float, float, str]:
    """Run `parlsearch ARGUMENTS` in a child; its wall seconds, peak resident MB and output.

    The peak is the larger of the child's own ru_maxrss (from wait4) and the largest sum of
    resident memory over its process tree seen while it ran (sampled every 0.1 s), which is
    what counts when it forks workers.
    """
    began = time.perf_counter()
    with tempfile.TemporaryFile("w+") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "search", *arguments],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        sampled = TreeMemory(process.pid)
        sampled.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - began
        sampled.stop()
        process.returncode = os.waitstatus_to_exitcode(status)
        log.seek(0)
        output = log.read()
    if process.returncode != 0:
        raise RuntimeError(
            f"parlsearch {arguments[0]} exited {process.returncode}: {output[-800:]}"
        )
    return seconds, max(usage.ru_maxrss / 1024, sampled.peak_mb), output


class TreeMemory(threading.Thread):
    """Samples the resident memory of a process and its descendants; keeps the largest sum."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_mb = 0.0
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.wait(0.1):
            self.peak_mb = max(self.peak_mb, sum(_rss_mb(pid) for pid in _tree(self.pid)))

    def stop(self) -> None:
        self._done.set()
        self.join()


def _tree(pid: int) -> list[int]:
    pids, found = [pid], [pid]
    while found:
        children = []
        for parent in found:
            with suppress(OSError):
                children += [
                    int(c)
                    for c in Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
                ]
        pids += children
        found = children
    return pids


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def update_figures(corpus: Path, index: Path, size: int, sources: Sources) -> dict:
    """`parlsearch update` with 100 new documents in the corpus, then the same update again,
    which finds nothing to do; then (not measured) the documents taken out of the corpus and
    the index again, so that a later run on the same index (`--reuse-index`) adds them anew."""
    recombined = size - min(size, sources.bundled_size + len(sources.records_2020))
    path = corpus / "dekamer" / "update.jsonl.gz"
    write_jsonl(path, extra_records(sources, recombined, UPDATE_DOCUMENTS))
    update = ["update", "--corpus", str(corpus), "--index", str(index)]
    try:
        seconds, peak_mb, output = run_measured(update)
        nothing_seconds, nothing_peak_mb, nothing_output = run_measured(update)
    finally:
        path.unlink()
        run_measured(update)
    for expected, said in (
        (f"{UPDATE_DOCUMENTS} toegevoegd", output),
        ("er veranderde niets", nothing_output),
    ):
        if expected not in said:
            raise RuntimeError(f"expected '{expected}' in: {said[-500:]}")
    return {
        "seconds": seconds,
        "documents": UPDATE_DOCUMENTS,
        "peak_mb": peak_mb,
        "nothing_to_do": {"seconds": nothing_seconds, "peak_mb": nothing_peak_mb},
    }


def first_start_figures(work: Path) -> dict:
    """`parlsearch serve` on the bundled corpus without an index (a new installation's first
    start): seconds until the site answers, the build in a child process included."""
    index = work / "first-start-index"
    _remove(index)
    began = time.perf_counter()
    with running_server(index, workers=1, corpus=BUNDLED_CORPUS, timeout=FIRST_START_TIMEOUT):
        seconds = time.perf_counter() - began
    documents = SearchEngine(index).stats().documents
    _remove(index)
    return {"seconds": seconds, "documents": documents}


# Searches


def core_search(index: Path) -> Callable[[Query], None]:
    """The results page's core call: one long-lived engine, the request parsed from the URL,
    in a process that keeps the memory its searches free, as a server's worker does (from then
    on: the peers are measured in this process too)."""
    keep_freed_memory()
    engine = SearchEngine(index)

    def search(query: Query) -> None:
        engine.search(parse_request(parse_qs(query.params)))

    return search


def median_latency(search: Callable[[Query], object], mix: list[Query], options) -> dict:
    """Each query once to warm up, then `--repeats` times per run: median p50/p95/p99 in ms,
    and the median and 95th percentile latency of each kind of query over all runs."""
    for query in mix:
        search(query)
    runs = []
    by_kind: dict[str, list[float]] = {}
    for _ in range(options.runs):
        latencies = []
        for _ in range(options.repeats):
            for query in mix:
                began = time.perf_counter()
                search(query)
                latencies.append(time.perf_counter() - began)
                by_kind.setdefault(query.kind, []).append(latencies[-1] * 1000)
        runs.append(_percentiles_ms(latencies))
    return _median_of(runs) | {
        "queries": len(mix) * options.repeats,
        "p50_by_kind": {kind: statistics.median(ms) for kind, ms in by_kind.items()},
        "p95_by_kind": {kind: percentile(sorted(ms), 0.95) for kind, ms in by_kind.items()},
    }


def _percentiles_ms(latencies: list[float]) -> dict[str, float]:
    ordered = sorted(latencies)
    return {name: percentile(ordered, share) * 1000 for name, share in PERCENTILES}


def _median_of(runs: list[dict[str, float]]) -> dict[str, float]:
    return {name: statistics.median(run[name] for run in runs) for name in runs[0]}


def http_figures(index: Path, mix: list[Query], options) -> dict:
    """The mix over HTTP with 1 and 8 clients against one server process, and with 8 clients
    against `WORKERS` processes; the server's peak memory (summed over its processes)."""
    targets = [(200, query.target) for query in mix]
    figures: dict = {}
    for workers, clients_counts in ((1, HTTP_CLIENTS), (WORKERS, (max(HTTP_CLIENTS),))):
        suffix = "" if workers == 1 else f"_{workers}_workers"
        with running_server(index, workers=workers) as server:
            # Warm-up, not counted: as many clients as measured, so that every worker process
            # has opened the index and served the mix (one client warmed one worker of two,
            # and the other's first searches counted in the p95).
            _http_run(server.port, targets, max(clients_counts), 2 * len(targets))
            for clients in clients_counts:
                runs = [
                    _http_run(server.port, targets, clients, options.http_requests)
                    for _ in range(options.runs)
                ]
                figures[f"{clients}_clients{suffix}"] = _median_of(runs)
            figures[f"server_peak_mb{suffix}"] = server_memory(server.process.pid)["VmHWM"]
            figures[f"worker_private_mb{suffix}"] = worker_private_mb(server.process.pid)
            figures[f"worker_dirty_mb{suffix}"] = worker_private_mb(server.process.pid, DIRTY)
    return figures


def _http_run(port: int, targets, clients: int, requests: int) -> dict[str, float]:
    per_client = [Results() for _ in range(clients)]
    quota = max(1, requests // clients)
    stop = threading.Event()
    threads = [
        threading.Thread(target=client, args=(port, targets, n * 7, quota, stop, per_client[n]))
        for n in range(clients)
    ]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    results = Results()
    for part in per_client:
        results.merge(part)
    # A 503 is the server's time budget (`limits.py`) turning a search away: a figure to
    # report (its wait counts in the latencies, it is not an answered page), not a broken run.
    over_budget = [error for error in results.errors if turned_away(error)]
    failed = [error for error in results.errors if not turned_away(error)]
    if failed:
        raise RuntimeError(f"{len(failed)} failed requests, first: {failed[0]}")
    answered = len(results.latencies) - len(over_budget)
    return {
        "rps": answered / elapsed,
        "over_budget": len(over_budget),
        **_percentiles_ms(results.latencies),
    }


def peer_figures(peer, documents, mix: list[Query], options) -> dict:
    """Build a peer once on the documents, then its latency over the mix's peer texts."""
    _remove(peer.path)
    began = time.perf_counter()
    stemming = peer.build(documents)
    seconds = time.perf_counter() - began
    figures = {"build_seconds": seconds, "docs_per_s": len(documents) / seconds}
    if stemming is not None:
        figures["stemming_seconds"] = stemming
    figures["size_mb"] = peer.size_bytes() / 1e6
    try:
        runs = argparse.Namespace(runs=options.peer_runs, repeats=options.repeats)
        figures["search"] = median_latency(lambda query: peer.search(query.peer_text), mix, runs)
    finally:
        peer.close()
    return figures


def _remove(path: Path) -> None:
    """Remove what an earlier run left in a `--work` folder."""
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()


if __name__ == "__main__":
    sys.exit(main())
