"""`parlsearch serve` on loopback and the HTTP clients that load it, for `load.py` and `run.py`.

The server runs as a child process on a free port, its log in a temporary file (a pipe nobody
reads while a test runs could fill up); each client sends its requests one connection each and
notes every latency and every failure.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

HOST = "127.0.0.1"
REQUEST_TIMEOUT = 30.0


class ServerError(RuntimeError):
    """The server stopped or did not answer in time."""


@dataclass
class Results:
    """What the clients saw; each client appends to its own lists, merged at the end."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def merge(self, other: Results) -> None:
        self.latencies += other.latencies
        self.errors += other.errors


@dataclass
class Server:
    """A running `parlsearch serve`: its process, port and log file."""

    process: subprocess.Popen
    port: int
    log_file: IO[str]

    def log(self) -> str:
        """The server's output so far."""
        self.log_file.seek(0)
        return self.log_file.read()


@contextmanager
def running_server(
    index: Path,
    threads: int | None = None,
    workers: int = 1,
    corpus: Path | None = None,
    timeout: float = 120,
    server: str = "gunicorn",
) -> Iterator[Server]:
    """Start `parlsearch serve` on the index with `server` (gunicorn: `workers` processes) of
    `threads` threads (None: serve's default) (and the corpus it builds from when there is no
    index), wait until it answers (at most `timeout` seconds), stop it on leaving."""
    port = free_port()
    serve = ["serve", "--index", str(index), "--host", HOST, "--port", str(port)]
    serve += ["--server", server]
    if threads is not None:
        serve += ["--threads", str(threads)]
    if server == "gunicorn":
        serve += ["--workers", str(workers)]
    if corpus is not None:
        serve += ["--corpus", str(corpus)]
    with tempfile.TemporaryFile("w+") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "search", *serve],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_serving(process, port, timeout)
            yield Server(process, port, log)
        finally:
            process.terminate()
            process.wait(timeout=30)


def client(port, mix, offset, quota, stop: threading.Event, results: Results) -> None:
    """Send the mix's (expected status, path) requests in turn, one connection each, until
    stopped or over quota."""
    for number in range(quota):
        if stop.is_set():
            return
        expected, target = mix[(offset + number) % len(mix)]
        began = time.perf_counter()
        error = request(port, target, expected)
        results.latencies.append(time.perf_counter() - began)
        if error:
            results.errors.append(error)


def request(port: int, target: str, expected: int) -> str | None:
    """GET one path; the reason it failed, or None."""
    return _exchange(port, "GET", target, expected)


def post_json(port: int, target: str, body: dict) -> str | None:
    """POST a JSON body to one path, expecting a 200 with JSON; the reason it failed, or None."""
    data = json.dumps(body).encode()
    return _exchange(port, "POST", target, 200, data, {"Content-Type": "application/json"})


def _exchange(
    port: int,
    method: str,
    target: str,
    expected: int,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> str | None:
    """Send one request on a connection of its own; the reason it failed, or None."""
    connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
    try:
        connection.request(method, target, body, headers or {})
        response = connection.getresponse()
        answer = response.read()
    except (OSError, http.client.HTTPException) as error:
        return f"{method} {target}: {type(error).__name__}: {error}"
    finally:
        connection.close()
    if response.status != expected:
        return f"{method} {target}: {_status(response.status, expected)}: {answer[:200]!r}"
    if target.startswith("/api/"):
        try:
            json.loads(answer)
        except ValueError:
            return f"{method} {target}: not JSON: {answer[:200]!r}"
    return None


def _status(status: int, expected: int) -> str:
    return f"{status} (expected {expected})"


def turned_away(error: str) -> bool:
    """Whether a `request` error is the server's time budget answering 503 for a search."""
    return f": {_status(503, 200)}: " in error


def server_memory(pid: int) -> dict[str, float]:
    """The server's resident memory in MB, summed over its processes (the supervisor and its
    workers; pages they share, copy-on-write or mapped, count in each): peak (VmHWM), now
    (VmRSS), and now split into own memory (RssAnon) and mapped index files (RssFile, shared
    with the page cache)."""
    memory = dict.fromkeys(("VmHWM", "VmRSS", "RssAnon", "RssFile"), 0.0)
    for process in (pid, *_children(pid)):
        try:
            status = Path(f"/proc/{process}/status").read_text()
        except FileNotFoundError:  # a worker that just ended
            continue
        for line in status.splitlines():
            key, _, value = line.partition(":")
            if key in memory:
                memory[key] += int(value.split()[0]) / 1024
    return memory


# The lines of /proc/<pid>/smaps_rollup counted as a worker's private memory: all its private
# pages, or only those it wrote (`DIRTY`).
PRIVATE = ("Private_Clean:", "Private_Dirty:")
DIRTY = ("Private_Dirty:",)


def worker_private_mb(pid: int, kinds: tuple[str, ...] = PRIVATE) -> float:
    """The private resident memory (RSS less the pages shared with other processes and the page
    cache's mapped index files) of the server's largest worker, in MB: its workers' if it has
    any, else its own. `kinds` (`DIRTY`): only the pages it wrote itself, its own heap, without
    the clean pages of the mapped index files that no other process happens to have read."""
    largest = 0.0
    for process in _children(pid) or [pid]:
        try:
            rollup = Path(f"/proc/{process}/smaps_rollup").read_text()
        except FileNotFoundError:
            continue
        private = sum(
            int(line.split()[1]) for line in rollup.splitlines() if line.startswith(kinds)
        )
        largest = max(largest, private / 1024)
    return largest


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except FileNotFoundError:
        return []


def wait_until_serving(server: subprocess.Popen, port: int, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while request(port, "/", 200):
        if server.poll() is not None:
            raise ServerError(f"the server stopped with exit code {server.returncode}")
        if time.monotonic() > deadline:
            raise ServerError("the server did not answer in time")
        time.sleep(0.2)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def bounded(low: int, high: int):
    """An argparse type: an integer from `low` to `high`."""

    def parse(text: str) -> int:
        value = int(text)
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be between {low} and {high}")
        return value

    return parse


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile of sorted `values`."""
    return values[min(len(values) - 1, max(0, math.ceil(share * len(values)) - 1))]
