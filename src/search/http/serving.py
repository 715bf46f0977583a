"""Run the web app in a production server: gunicorn (Unix) with worker processes under a
supervisor, or waitress (one process, any system).

gunicorn's master process binds nothing itself here: `serve` binds the listening socket first
(so that a busy port is one clear error, before anything starts) and hands it over. The master
forks `workers` processes from the loaded app (`preload_app`: imports and the Dutch lexicon,
loaded before the fork and kept out of the garbage collector's sight, are shared copy-on-write,
and a replacement worker is up in a fraction of a second) and starts a new one whenever one
dies, whatever killed it. Each worker is a `gthread` worker: a pool of
`threads` threads handles requests, while its main loop holds idle and kept-alive connections
(up to `CONNECTIONS` per worker) and closes them after `KEEPALIVE_SECONDS` of silence, so idle
clients never take a thread.

Both servers answer their own protocol errors (a request line that is not HTTP, a header too
large) without the app; `SecureThreadWorker` gives gunicorn's answers the app's security
headers too (`search.http.gunicorn_worker`; waitress's lack them: SECURITY.md).
"""

from __future__ import annotations

import errno
import gc
import os
import socket
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from search.errors import ParlsearchError
from search.malloc import M_ARENA_MAX, keep_freed_memory, mallopt

# Connections one worker holds open at most, idle or busy: far more than a client holds.
CONNECTIONS = 1000
# Seconds an idle connection stays open (kept alive after a response, or silent since it was
# opened); then it is closed.
KEEPALIVE_SECONDS = 5
# Seconds a worker may stay silent towards the supervisor before it is killed and replaced.
# Requests run in threads, so a long search does not silence it; only a hung worker does.
WORKER_TIMEOUT = 60
SERVER_NAME = "parlsearch"  # the `Server` header (waitress; gunicorn_worker says the same)
GUNICORN, WAITRESS = "gunicorn", "waitress"
# Threads per core. Searches are CPU work under one interpreter lock per process: with 8
# clients against 2 workers on 2 cores, 2 threads each gave the most pages a second and the
# lowest p95 at 3,813, 100,000 and 500,000 documents (against 4 and 8: 114.6 against 109.0 and
# 110.7 a second with the bundled corpus, 72.2 against 66.1 and 67.3 at 100,000) and the least
# memory per worker at 500,000 (292 MB against 399 and 506; `docs/performance.md`). A thread
# is taken only by a request whose head has arrived whole: idle and slow connections take none.
THREADS_PER_CORE = 2
# The arenas of glibc's malloc the threads of a server process share (`share_malloc_arenas`).
MALLOC_ARENAS = 2


class PortInUseError(ParlsearchError, OSError):
    """The address to listen on is taken (or not this machine's)."""


@dataclass(frozen=True)
class ServeOptions:
    """Where and how to serve."""

    host: str
    port: int
    workers: int
    threads: int
    server: str


def default_server() -> str:
    """gunicorn where it runs (Unix), else waitress."""
    try:
        import gunicorn.app.base  # noqa: F401
    except ImportError:
        return WAITRESS
    return GUNICORN if os.name == "posix" else WAITRESS


def default_threads(server: str) -> int:
    """Threads per process: `THREADS_PER_CORE` for each gunicorn worker (one worker per core),
    as many for all cores in waitress's one process."""
    return THREADS_PER_CORE * (1 if server == GUNICORN else default_workers())


def default_workers() -> int:
    """One worker process per core this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def share_malloc_arenas(arenas: int = MALLOC_ARENAS) -> None:
    """Let this process's threads allocate from `arenas` arenas of glibc's malloc, which
    otherwise gives each thread that allocates at the same time as another one of its own (up
    to 8 a core) and keeps in each what the searches freed there: at 500,000 documents the
    arrays a search makes over every document and chunk left a worker of 8 threads 787 MB of
    memory of its own, against 531 MB with 2 arenas (`bench/run.py`, 8 clients). Nothing
    where the C library has no `mallopt` (not glibc)."""
    mallopt(M_ARENA_MAX, arenas)


def listen(host: str, port: int) -> socket.socket:
    """The listening socket, bound; `PortInUseError` with a one-line Dutch message if not."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(2048)
    except OSError as error:
        sock.close()
        if error.errno == errno.EADDRINUSE:
            reason = "is al in gebruik (draait Parlsearch al?); kies een andere met --port"
        else:
            reason = f"kan niet gebruikt worden ({error.strerror})"
        raise PortInUseError(f"Poort {port} op {host} {reason}.") from None
    return sock


def serve(config: dict[str, Any], options: ServeOptions, ready: Callable[[], None]) -> None:
    """Serve the app made from `config` until stopped; `ready` is called once it answers."""
    sock = listen(options.host, options.port)
    share_malloc_arenas()
    # Inherited by the workers, which fork from this process.
    keep_freed_memory()
    if options.server == GUNICORN:
        _serve_with_gunicorn(config, options, sock, ready)
    else:
        _serve_with_waitress(config, options, sock, ready)


def _serve_with_waitress(
    config: dict[str, Any], options: ServeOptions, sock: socket.socket, ready: Callable[[], None]
) -> None:
    from waitress.server import create_server

    from search.http.app import create_app

    app = create_app(config)
    app.extensions["parlsearch"].prepare()
    server = create_server(
        app,
        sockets=[sock],
        threads=options.threads,
        ident=SERVER_NAME,
        connection_limit=CONNECTIONS,
        channel_timeout=KEEPALIVE_SECONDS,
        # How often it looks for connections idle past the timeout (by default every 30 s).
        cleanup_interval=KEEPALIVE_SECONDS,
    )
    ready()
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()


def _serve_with_gunicorn(
    config: dict[str, Any], options: ServeOptions, sock: socket.socket, ready: Callable[[], None]
) -> None:
    from gunicorn.app.base import BaseApplication

    from search.http.app import create_app
    from search.text.compounds import dutch_lexicon

    settings = {
        "bind": [f"fd://{sock.fileno()}"],
        "workers": options.workers,
        "worker_class": "search.http.gunicorn_worker.SecureThreadWorker",
        "threads": options.threads,
        "worker_connections": CONNECTIONS,
        "keepalive": KEEPALIVE_SECONDS,
        "timeout": WORKER_TIMEOUT,
        "graceful_timeout": 5,
        "preload_app": True,
        "proc_name": SERVER_NAME,
        # Only warnings and errors (a worker that died, one that hung): no start-up chatter in
        # English beside our own lines.
        "loglevel": "warning",
        "when_ready": lambda _arbiter: ready(),
        # Each worker verifies and maps the index as it starts (after a crash too), so that it
        # never serves a generation another found damaged, and its first search does not wait.
        "post_worker_init": lambda worker: worker.wsgi.extensions["parlsearch"].prepare(),
    }

    class ParlsearchApplication(BaseApplication):
        def load_config(self) -> None:
            for name, value in settings.items():
                self.cfg.set(name, value)

        def load(self):
            app = create_app(config)
            # Loaded here, once, the lexicon is shared by the workers forked from this process
            # (else each loads it, 70 MB, at its first unknown word); frozen out of the garbage
            # collector's sight, its objects are not written to when a worker collects.
            dutch_lexicon()
            gc.freeze()
            return app

    os.set_inheritable(sock.fileno(), True)
    # gunicorn reads sys.argv for its own options; it must not see ours.
    sys.argv = sys.argv[:1]
    ParlsearchApplication().run()
