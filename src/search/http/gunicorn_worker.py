"""The gunicorn worker `parlsearch serve` runs: gunicorn's threaded worker (`gthread`), which
waits for a new connection's first bytes in its poller instead of in a thread, reads requests
under a timeout, and answers its own errors (a malformed request, a header too large) with the
app's security headers.

gunicorn's own `gthread` hands every accepted connection to a thread, which waits up to 5 s for
data before giving it back to the poller: 200 silent connections kept 8 threads busy for
minutes while real requests queued behind them. Here a connection takes a thread only once it
has sent something, and one that stays silent is closed after the keep-alive time, as gunicorn
does with connections it gave back. This leans on gunicorn's internals (`pending_conns`,
`on_pending_socket_readable`, `TConn`), hence the pinned major version in pyproject.toml;
tests/test_serve.py holds 200 idle connections open against it.

Unix only, like gunicorn; imported by gunicorn in its worker processes, by name.
"""

from __future__ import annotations

import errno
import selectors
import textwrap
import time
from functools import partial

from gunicorn import util
from gunicorn.http import wsgi
from gunicorn.workers.gthread import TConn, ThreadWorker

from search.http.app import SECURITY_HEADERS

SERVER_NAME = "parlsearch"
# Seconds a request may take to arrive once it has begun, and a response to be taken: a client
# that sends a byte and stalls holds a thread no longer than this.
READ_TIMEOUT = 10.0


class SecureThreadWorker(ThreadWorker):
    """gunicorn's threaded worker, answering its own errors with the security headers and
    calling itself parlsearch."""

    def init_process(self) -> None:
        # gunicorn looks both up as module globals when it writes a response; this process is
        # a worker forked for this app alone.
        wsgi.SERVER = SERVER_NAME
        util.write_error = write_error_with_headers
        super().init_process()

    def accept(self, listener) -> None:
        """Accept a connection and wait for its first bytes in the poller, not in a thread."""
        try:
            client, address = listener.accept()
        except OSError as error:
            if error.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        self.nr_conns += 1
        conn = TimedConn(self.cfg, client, address, listener.getsockname())
        conn.timeout = time.monotonic() + self.cfg.keepalive
        self.pending_conns.append(conn)
        self.poller.register(
            conn.sock, selectors.EVENT_READ, partial(self.on_pending_socket_readable, conn)
        )


class TimedConn(TConn):
    """A connection whose socket reads and writes time out (gunicorn's block for ever)."""

    def init(self) -> None:
        super().init()
        self.sock.settimeout(READ_TIMEOUT)


def write_error_with_headers(sock, status_int: int, reason: str, mesg: str) -> None:
    """gunicorn's own error answer (`gunicorn.util.write_error`), in Dutch, with the security
    headers; `mesg`, gunicorn's English detail, goes to its log, not to the client."""
    body = textwrap.dedent(
        f"""\
        <!doctype html>
        <html lang="nl"><head><title>{status_int} {reason}</title></head>
        <body><h1>{status_int} {reason}</h1><p>Dit verzoek kan niet gelezen worden.</p></body>
        </html>
        """
    ).encode("utf-8")
    headers = "".join(f"{name}: {value}\r\n" for name, value in SECURITY_HEADERS.items())
    head = (
        f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\nServer: {SERVER_NAME}\r\n"
        f"Content-Type: text/html; charset=utf-8\r\nContent-Length: {len(body)}\r\n"
        f"{headers}\r\n"
    )
    util.write_nonblock(sock, head.encode("latin-1") + body)
