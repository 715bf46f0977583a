"""The Markdown of a `run.py` report: per size, every figure beside the peers', then the targets.

A ratio says how many times better Parlsearch does than the peer on that row: the peer's time
(or size) over ours, or our rate over the peer's. Above 1 Parlsearch is better, below 1 worse.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

PEERS = (("whoosh", "naive Whoosh"), ("fts5", "SQLite FTS5"))
# The issues' targets on a 2-core machine, at this many documents unless said otherwise.
TARGET_SIZE = 100_000
BUNDLED_SIZE = 4000
# Where the build and the index are compared with naive Whoosh's (issue 13).
COMPARED_SIZE = 20_000


@dataclass(frozen=True)
class Row:
    """One figure: its label, how to read it from ours and from a peer, and which way is better."""

    label: str
    ours: Callable[[dict], float]
    peer: Callable[[dict], float] | None = None
    higher_is_better: bool = False
    digits: int = 1


def _get(*keys: str) -> Callable[[dict], float]:
    def read(figures: dict) -> float:
        value = figures
        for key in keys:
            value = value[key]
        return value

    return read


def _rows() -> list[Row]:
    rows = []
    for procs in (1, 2):
        build = f"build_{procs}_procs"
        label = f"{procs} process{'es' if procs > 1 else ''}"
        rows += [
            Row(f"full build, {label} (s)", _get(build, "seconds"), _get("build_seconds")),
            Row(
                f"documents/s, {label}",
                _get(build, "docs_per_s"),
                _get("docs_per_s"),
                higher_is_better=True,
                digits=0,
            ),
            Row(f"build peak memory, {label} (MB)", _get(build, "peak_mb"), digits=0),
        ]
    rows.append(Row("index size (MB)", _get("index_mb"), _get("size_mb")))
    for name, _ in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99)):
        rows.append(Row(f"search {name} (ms)", _get("search", name), _get("search", name)))
    rows.append(Row("search p95 of the slowest kind (ms)", _slowest_kind, _slowest_kind))
    for clients in (1, 8):
        key = f"{clients}_clients"
        who = f"HTTP, {clients} client{'s' if clients > 1 else ''}"
        rows.append(Row(f"{who}: requests/s", _get("http", key, "rps"), higher_is_better=True))
        for name in ("p50", "p95", "p99"):
            rows.append(Row(f"{who}: {name} (ms)", _get("http", key, name)))
        rows.append(
            Row(
                f"{who}: turned away by the time budget (503)",
                _get("http", key, "over_budget"),
                digits=0,
            )
        )
    rows.append(Row("server peak memory (MB)", _get("http", "server_peak_mb"), digits=0))
    rows.append(
        Row("private memory of the worker (MB)", _get("http", "worker_private_mb"), digits=0)
    )
    who = "HTTP, 8 clients, --workers 2"
    rows.append(
        Row(f"{who}: requests/s", _get("http", "8_clients_2_workers", "rps"), higher_is_better=True)
    )
    for name in ("p50", "p95", "p99"):
        rows.append(Row(f"{who}: {name} (ms)", _get("http", "8_clients_2_workers", name)))
    rows.append(
        Row(
            "server peak memory, --workers 2, all processes (MB)",
            _get("http", "server_peak_mb_2_workers"),
            digits=0,
        )
    )
    rows.append(
        Row(
            "private memory of the largest worker, --workers 2 (MB)",
            _get("http", "worker_private_mb_2_workers"),
            digits=0,
        )
    )
    rows.append(
        Row(
            "of which written by the worker itself (Private_Dirty), --workers 2 (MB)",
            _get("http", "worker_dirty_mb_2_workers"),
            digits=0,
        )
    )
    rows.append(Row("update, 100 new documents (s)", _get("update", "seconds")))
    rows.append(
        Row("update, 100 new documents: peak memory (MB)", _get("update", "peak_mb"), digits=0)
    )
    rows.append(
        Row("update, nothing to do (s)", _get("update", "nothing_to_do", "seconds"), digits=2)
    )
    return rows


def _slowest_kind(figures: dict) -> float:
    """The 95th percentile latency of the slowest kind of query of the mix."""
    return max(figures["search"]["p95_by_kind"].values())


def _p95_ratio(peer: str) -> Callable[[dict], float]:
    """How many times a peer's search p95 ours is (above 1: ours is faster)."""
    return lambda figures: figures[peer]["search"]["p95"] / figures["search"]["p95"]


def markdown(report: dict) -> str:
    """The report as Markdown: the environment, a table per size, the targets."""
    env = report["environment"]
    lines = [
        f"Measured {env['date']} at commit {env['commit']}: Python {env['python']}, "
        f"{env['cpus']} CPUs, SQLite {env['sqlite']}; median of {report['options']['runs']} "
        f"run(s), each query {report['options']['repeats']} time(s) per run.",
        "",
    ]
    first_start = report.get("first_start") or {}
    if "seconds" in first_start:
        lines += [
            f"First start of `parlsearch serve` on the bundled corpus "
            f"({first_start['documents']:,} documents, no index): {first_start['seconds']:.1f} s "
            "until the site answers, the build in a child process included.",
            "",
        ]
    for figures in report["sizes"]:
        lines += _size_table(figures)
    lines += _targets(report["sizes"])
    lines += _first_start_target(first_start)
    return "\n".join(lines) + "\n"


def _size_table(figures: dict) -> list[str]:
    header = "| | Parlsearch |" + "".join(f" {name} | ratio |" for _, name in PEERS)
    lines = [f"### {figures['docs']:,} documents", "", header, "|---|---:|" + "---:|---:|" * 2]
    for row in _rows():
        ours = _value(row.ours, figures)
        cells = [row.label, _format(ours, row.digits)]
        for key, _ in PEERS:
            theirs = _value(row.peer, figures.get(key)) if row.peer else None
            cells += [_format(theirs, row.digits), _ratio(ours, theirs, row.higher_is_better)]
        lines.append("| " + " | ".join(cells) + " |")
    notes = [
        f"- {name}: {value.get('error') or value.get('skipped')}"
        for name, value in figures.items()
        if isinstance(value, dict) and ("error" in value or "skipped" in value)
    ]
    if "peers_parse_seconds" in figures:
        notes.append(
            f"- The peers' build times leave out reading and parsing the corpus "
            f"({figures['peers_parse_seconds']:.1f} s); Parlsearch's include it and the start of "
            "the `parlsearch build` process."
        )
    return [*lines, "", *notes, *([""] if notes else [])]


def _value(read: Callable[[dict], float] | None, figures: dict | None) -> float | None:
    if read is None or figures is None:
        return None
    try:
        return float(read(figures))
    except (KeyError, TypeError):
        return None


def _format(value: float | None, digits: int) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def _ratio(ours: float | None, theirs: float | None, higher_is_better: bool) -> str:
    if not ours or not theirs:
        return ""
    return f"{(ours / theirs if higher_is_better else theirs / ours):.2f}×"


@dataclass(frozen=True)
class Target:
    """One of the issue's targets: the size it is set at, the figure, the test; `monotone` when
    a figure that misses it at a smaller size can only miss it at the larger one too."""

    label: str
    size: int
    read: Callable[[dict], float]
    met: Callable[[float], bool]
    monotone: bool = True


TARGETS = (
    # Issue 12, archive-scale search: the results page's core call and the server.
    Target("search p50 ≤ 15 ms", TARGET_SIZE, _get("search", "p50"), lambda v: v <= 15),
    Target("search p95 ≤ 50 ms", TARGET_SIZE, _get("search", "p95"), lambda v: v <= 50),
    Target("p95 of the slowest query kind ≤ 80 ms", TARGET_SIZE, _slowest_kind, lambda v: v <= 80),
    Target(
        "≥ 10× faster than naive Whoosh at p95",
        TARGET_SIZE,
        _p95_ratio("whoosh"),
        lambda v: v >= 10,
        monotone=False,
    ),
    Target(
        "≥ 0.5× SQLite FTS5's speed at p95",
        TARGET_SIZE,
        _p95_ratio("fts5"),
        lambda v: v >= 0.5,
        monotone=False,
    ),
    Target(
        "HTTP p95 ≤ 150 ms, 8 clients, --workers 2",
        TARGET_SIZE,
        _get("http", "8_clients_2_workers", "p95"),
        lambda v: v <= 150,
    ),
    Target(
        "HTTP requests/s with --workers 2 ≥ 1.7× one worker's, 8 clients",
        TARGET_SIZE,
        lambda f: f["http"]["8_clients_2_workers"]["rps"] / f["http"]["8_clients"]["rps"],
        lambda v: v >= 1.7,
        monotone=False,
    ),
    Target(
        "HTTP p95 ≤ 100 ms, 8 clients, --workers 2 (the default on 2 cores)",
        BUNDLED_SIZE,
        _get("http", "8_clients_2_workers", "p95"),
        lambda v: v <= 100,
    ),
    Target(
        "private memory per worker ≤ 300 MB, --workers 2",
        TARGET_SIZE,
        _get("http", "worker_private_mb_2_workers"),
        lambda v: v <= 300,
    ),
    # Issue 5's build targets, which stand until the builds are made faster (issue 13).
    Target(
        "full build ≤ 180 s, 2 processes",
        TARGET_SIZE,
        _get("build_2_procs", "seconds"),
        lambda v: v <= 180,
    ),
    Target(
        "build peak memory ≤ 2 GB",
        TARGET_SIZE,
        _get("build_2_procs", "peak_mb"),
        lambda v: v <= 2048,
    ),
    Target(
        "update of 100 documents ≤ 10 s", TARGET_SIZE, _get("update", "seconds"), lambda v: v <= 10
    ),
    # Issue 13: archive-scale builds and updates.
    Target(
        "full build ≤ 300 s, 2 processes",
        TARGET_SIZE,
        _get("build_2_procs", "seconds"),
        lambda v: v <= 300,
    ),
    Target(
        "full build no slower than naive Whoosh's (ratio ≥ 1.0), 2 processes",
        COMPARED_SIZE,
        lambda figures: figures["whoosh"]["build_seconds"] / figures["build_2_procs"]["seconds"],
        lambda v: v >= 1.0,
        monotone=False,
    ),
    Target(
        "update with nothing to do ≤ 1 s",
        TARGET_SIZE,
        _get("update", "nothing_to_do", "seconds"),
        lambda v: v <= 1,
    ),
    Target(
        "index size ≥ 0.6× naive Whoosh's (naive size over ours)",
        COMPARED_SIZE,
        lambda figures: figures["whoosh"]["size_mb"] / figures["index_mb"],
        lambda v: v >= 0.6,
        monotone=False,
    ),
)
# The first start of `parlsearch serve` on the bundled corpus (issue 13), in seconds.
FIRST_START_TARGET = 15


def _targets(sizes: list[dict]) -> list[str]:
    """Each target with the figure measured at the size nearest the one it is set at."""
    lines = [
        "### Targets",
        "",
        "| target | set at | measured at | value | met |",
        "|---|--:|--:|--:|---|",
    ]
    for target in TARGETS:
        measured = [f for f in sizes if _value(target.read, f) is not None]
        if not measured:
            lines.append(f"| {target.label} | {target.size:,} | – | – | not measured |")
            continue
        figures = min(measured, key=lambda f: abs(f["docs"] - target.size))
        value = _value(target.read, figures)
        lines.append(
            f"| {target.label} | {target.size:,} | {figures['docs']:,} | {value:,.1f} "
            f"| {_verdict(target, figures['docs'], value)} |"
        )
    return lines


def _first_start_target(first_start: dict) -> list[str]:
    label = f"first start on the bundled corpus ≤ {FIRST_START_TARGET} s"
    if "seconds" not in first_start:
        return [f"| {label} | bundled | – | – | not measured |"]
    seconds = first_start["seconds"]
    met = "yes" if seconds <= FIRST_START_TARGET else "no"
    return [f"| {label} | bundled | {first_start['documents']:,} | {seconds:,.1f} | {met} |"]


def _verdict(target: Target, size: int, value: float) -> str:
    met = target.met(value)
    if size == target.size:
        return "yes" if met else "no"
    if size < target.size and target.monotone and not met:
        return f"no (already at {size:,})"
    return f"unknown ({'met' if met else 'missed'} at {size:,})"
