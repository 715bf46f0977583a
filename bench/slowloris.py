"""Slow clients against `parlsearch serve`: do connections that trickle their headers stop the
site answering others?

    python bench/slowloris.py [--slow 300] [--interval 3] [--seconds 30] [--index DIR]
                              [--workers N] [--threads N] [--server gunicorn|waitress]

Starts `parlsearch serve` on 127.0.0.1 (a free port) with the command's defaults (one worker
per core, 2 threads each) unless told otherwise, then opens `--slow` connections that each send
a request line and then one header line every `--interval` seconds, never finishing their
headers (a "slowloris"); a connection the server closes is opened again at once, as an attacker
would. Meanwhile one client sends `GET /search?q=trein` one after another, each with a 5 s
timeout, for `--seconds`. It prints the slow connections held open, the requests of the client,
how many failed (an error, a timeout or a status other than 200) and their latency percentiles
(a failed request counts with its time until it failed). Exit code 1 when the p95 is 1 s or
more or a request failed.

Loopback only, at most 1,000 slow connections and 600 s. Without an index it builds one first
(not timed).
"""

from __future__ import annotations

import argparse
import http.client
import socket
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from search.config import resolve_paths
from search.http.serving import default_workers
from search.index.generations.folders import index_exists
from serving import HOST, ServerError, bounded, percentile, running_server

TARGET = "/search?q=trein"
REQUEST_TIMEOUT = 5.0


@dataclass
class Attack:
    """The slow connections: how many are open now and how often they were opened."""

    open: int = 0
    opened: int = 0
    peak: int = 0
    stop: threading.Event = field(default_factory=threading.Event)


def main() -> int:
    """Run the test and print its figures; 1 if the site did not keep answering."""
    options = parse_options()
    paths = resolve_paths(options.corpus, options.index)
    if not index_exists(paths.index):
        print(f"No index in {paths.index}: building it first (not part of the test).")
        from search.index.generations.writing import build_index

        build_index(paths.corpus, paths.index)
    try:
        with running_server(
            paths.index, options.threads, options.workers, server=options.server
        ) as server:
            latencies, failures = measure(server.port, options)
    except ServerError as error:
        raise SystemExit(str(error)) from error
    return report(options, latencies, failures)


def parse_options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--slow", type=bounded(0, 1000), default=300)
    parser.add_argument("--interval", type=float, default=3.0)
    parser.add_argument("--seconds", type=bounded(1, 600), default=30)
    parser.add_argument("--workers", type=bounded(1, 64), default=default_workers())
    parser.add_argument("--threads", type=bounded(1, 64), help="threads per process [serve's]")
    parser.add_argument("--server", choices=("gunicorn", "waitress"), default="gunicorn")
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--index", type=Path)
    return parser.parse_args()


def measure(port: int, options: argparse.Namespace) -> tuple[list[float], list[str]]:
    """Hold the slow connections open while one client measures; its latencies and failures."""
    attack = Attack()
    attacker = threading.Thread(target=trickle, args=(port, options, attack), daemon=True)
    attacker.start()
    # Let the slow connections take their places first.
    while attack.opened < options.slow and attacker.is_alive():
        time.sleep(0.1)
    time.sleep(options.interval)
    latencies, failures = [], []
    ends = time.monotonic() + options.seconds
    while time.monotonic() < ends:
        began = time.perf_counter()
        failure = get(port, TARGET)
        latencies.append(time.perf_counter() - began)
        if failure:
            failures.append(failure)
    attack.stop.set()
    attacker.join()
    print(
        f"slow connections: {options.slow} wanted, {attack.peak} open at most, "
        f"{attack.opened} opened in all"
    )
    return latencies, failures


def trickle(port: int, options: argparse.Namespace, attack: Attack) -> None:
    """Open the slow connections and send each a header line every `interval` seconds,
    reopening those the server closes."""
    sockets: list[socket.socket | None] = [None] * options.slow
    line = 0
    while not attack.stop.is_set():
        for number, sock in enumerate(sockets):
            if attack.stop.is_set():
                break
            try:
                if sock is None:
                    sock = socket.create_connection((HOST, port), timeout=2)
                    sock.sendall(b"GET /search?q=trein HTTP/1.1\r\nHost: localhost\r\n")
                    attack.opened += 1
                else:
                    sock.sendall(f"X-Langzaam-{line}: ja\r\n".encode())
                sockets[number] = sock
            except OSError:
                if sock is not None:
                    sock.close()
                sockets[number] = None
        attack.open = sum(sock is not None for sock in sockets)
        attack.peak = max(attack.peak, attack.open)
        line += 1
        attack.stop.wait(options.interval)
    for sock in sockets:
        if sock is not None:
            sock.close()


def get(port: int, target: str) -> str | None:
    """GET one path with the timeout; why it failed, or None."""
    connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
    try:
        connection.request("GET", target)
        response = connection.getresponse()
        response.read()
    except (OSError, http.client.HTTPException) as error:
        return f"{type(error).__name__}: {error}"
    finally:
        connection.close()
    return None if response.status == 200 else f"status {response.status}"


def report(options: argparse.Namespace, latencies: list[float], failures: list[str]) -> int:
    """Print the figures; 1 if the p95 is 1 s or more or any request failed."""
    ordered = sorted(latencies)
    p50, p95, p99 = (percentile(ordered, share) * 1000 for share in (0.5, 0.95, 0.99))
    processes = f"{options.workers} worker(s)" if options.server == "gunicorn" else "1 process"
    print(
        f"{options.server}, {processes} x {options.threads or 'default'} threads, "
        f"{options.slow} slow connections (a header line every {options.interval:g} s), "
        f"{options.seconds} s:"
    )
    print(f"requests: {len(latencies)}, failed: {len(failures)}")
    print(f"latency ms: p50 {p50:.0f}, p95 {p95:.0f}, p99 {p99:.0f}, max {ordered[-1] * 1000:.0f}")
    for failure in sorted(set(failures))[:5]:
        print(f"  {failures.count(failure)}x {failure}")
    return 1 if failures or p95 >= 1000 else 0


if __name__ == "__main__":
    sys.exit(main())
