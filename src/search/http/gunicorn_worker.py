"""The gunicorn worker `parlsearch serve` runs: gunicorn's threaded worker (`gthread`), whose
threads only ever get a request whose head (request line and headers) has arrived whole, and
which answers its own errors (a malformed request, a head too large) with the app's security
headers, in JSON under `/api/`.

gunicorn's own `gthread` hands a connection to a thread as soon as it has sent something, and
the thread then reads the head with blocking reads: 16 connections that each sent a header line
every 3 s ("slowloris") held all 8 threads of both workers for as long as they kept it up, and
every other request timed out. Here the worker's main loop collects each connection's head in
its poller (`_on_head_bytes`, non-blocking reads into a buffer), for new and kept-alive
connections alike, and a thread gets the connection with the whole head already read
(`TimedConn.init` hands it to gunicorn's parser). A head must be whole within `HEAD_SECONDS` of
the connection's first byte and hold at most `HEAD_BYTES`; a connection silent for the
keep-alive time is closed. Slow clients then cost a buffer each, never a thread:
`bench/slowloris.py` measures it, tests/test_serve.py holds slow and idle connections open
against it.

This leans on gunicorn's internals (`pending_conns`, `keepalived_conns`, `finish_request`,
`TConn`, the parser's `unreader`), hence the pinned major version in pyproject.toml.

Unix only, like gunicorn; imported by gunicorn in its worker processes, by name.
"""

from __future__ import annotations

import contextlib
import errno
import json
import re
import selectors
import socket
import textwrap
import threading
import time
from functools import partial

from gunicorn import util
from gunicorn.http import wsgi
from gunicorn.http.body import LengthReader
from gunicorn.workers.gthread import TConn, ThreadWorker

from search.http.app import SECURITY_HEADERS
from search.render.shapes import ERROR

SERVER_NAME = "parlsearch"
# Seconds a request may take to be sent once it has begun, and a response to be taken: a client
# that sends a body byte by byte, or reads a response byte by byte, holds a thread no longer
# than this per read or write.
READ_TIMEOUT = 10.0
# Seconds a request's head may take to arrive whole, from its first byte; and the most bytes it
# may take (gunicorn's own limits, a request line of 4 KB and 100 fields of 8 KB, come first
# for any head that arrives whole).
HEAD_SECONDS = 10.0
HEAD_BYTES = 64 * 1024
# Seconds a refused connection is read from before it is closed.
LINGER_SECONDS = 2.0
_HEAD_END = b"\r\n\r\n"
# A request for the JSON API: its answers are JSON, errors included.
_API_REQUEST = re.compile(rb"[!-~]+ (?:https?://[^/ ]*)?/api/")
# The request this thread answers, for the error answers gunicorn writes for it.
_answering = threading.local()
_MESSAGES = {
    414: "Het adres van dit verzoek is te lang.",
    431: "De kopregels van dit verzoek zijn te groot.",
}
_UNREADABLE = "Dit verzoek kan niet gelezen worden."


class SecureThreadWorker(ThreadWorker):
    """gunicorn's threaded worker, giving threads only requests whose head has arrived,
    answering its own errors with the security headers and calling itself parlsearch."""

    def init_process(self) -> None:
        # gunicorn looks both up as module globals when it writes a response; this process is
        # a worker forked for this app alone.
        wsgi.SERVER = SERVER_NAME
        util.write_error = write_error_with_headers
        super().init_process()

    def accept(self, listener) -> None:
        """Accept a connection and collect its head in the poller, not in a thread."""
        try:
            client, address = listener.accept()
        except OSError as error:
            if error.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        self.nr_conns += 1
        self._collect_head(TimedConn(self.cfg, client, address, listener.getsockname()))

    def on_client_socket_readable(self, conn: TimedConn, client) -> None:
        """A kept-alive connection sends its next request: collect its head too."""
        self.poller.unregister(client)
        self.keepalived_conns.remove(conn)
        self._collect_head(conn)

    def finish_request(self, conn: TimedConn, fs) -> None:
        """After a response: what the client already sent of its next request becomes the
        start of that request's head, collected in the poller like any other."""
        kept_alive = not fs.cancelled() and fs.exception() is None and fs.result() is True
        if kept_alive and conn.parser is not None:
            conn.head += conn.parser.unreader.take_buffered()
        super().finish_request(conn, fs)
        if kept_alive and conn.head and conn in self.keepalived_conns:
            self.on_client_socket_readable(conn, conn.sock)

    def handle(self, conn: TimedConn):
        """Answer the request (in a thread); gunicorn's error answers know whether it was for
        the JSON API."""
        _answering.api = _API_REQUEST.match(conn.head) is not None
        return super().handle(conn)

    def _keepalive_after(self, conn: TimedConn, keepalive: bool) -> bool:
        """Close a connection whose request came with a body instead of reading it: the app
        reads none (every route is a GET), and reading it would hold the thread."""
        body = getattr(conn.parser.mesg, "body", None)
        reader = getattr(body, "reader", None)
        if not (isinstance(reader, LengthReader) and reader.length == 0):
            return False
        return super()._keepalive_after(conn, keepalive)

    def murder_pending(self) -> None:
        """Close the connections whose head is late: silent for the keep-alive time, or not
        whole `HEAD_SECONDS` after its first byte (their deadlines are not in order)."""
        now = time.monotonic()
        for conn in [conn for conn in self.pending_conns if conn.timeout <= now]:
            self._drop(conn)

    def _collect_head(self, conn: TimedConn) -> None:
        conn.sock.setblocking(False)
        conn.head_started = None
        conn.timeout = time.monotonic() + self.cfg.keepalive
        self.pending_conns.append(conn)
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._on_head_bytes, conn))
        if _HEAD_END in conn.head:
            self._on_head_bytes(conn, conn.sock, read=False)

    def _on_head_bytes(self, conn: TimedConn, client, read: bool = True) -> None:
        """Read what a connection sent of its head; hand it to a thread once whole."""
        if read:
            try:
                data = client.recv(HEAD_BYTES + 1 - len(conn.head))
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                data = b""
            if not data:
                self._drop(conn)  # the client went away
                return
            conn.head += data
        now = time.monotonic()
        if conn.head_started is None:
            conn.head_started = now
        if _HEAD_END in conn.head:
            self.poller.unregister(client)
            self.pending_conns.remove(conn)
            conn.data_ready = True
            self.enqueue_req(conn)
        elif len(conn.head) > HEAD_BYTES:
            status, reason = (431, "Request Header Fields Too Large")
            if b"\r\n" not in conn.head:
                status, reason = (414, "URI Too Long")
            _answering.api = _API_REQUEST.match(conn.head) is not None
            self._refuse(conn, status, reason)
        else:
            conn.timeout = min(conn.head_started + HEAD_SECONDS, now + self.cfg.keepalive)

    def _refuse(self, conn: TimedConn, status: int, reason: str) -> None:
        """Answer a head too large with an error, then read and drop what the client still
        sends for a moment (`LINGER_SECONDS`) before closing, so that it reads the answer
        (closing with unread data would reset the connection)."""
        try:
            write_error_with_headers(conn.sock, status, reason, "")
            conn.sock.shutdown(socket.SHUT_WR)
        except OSError:
            self._drop(conn)
            return
        conn.timeout = time.monotonic() + LINGER_SECONDS
        self.poller.modify(conn.sock, selectors.EVENT_READ, partial(self._on_lingering, conn))

    def _on_lingering(self, conn: TimedConn, client) -> None:
        try:
            if client.recv(HEAD_BYTES):
                return
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            pass
        self._drop(conn)

    def _drop(self, conn: TimedConn) -> None:
        """Close a connection that waits for its head."""
        self.pending_conns.remove(conn)
        with contextlib.suppress(KeyError, ValueError, OSError):
            self.poller.unregister(conn.sock)
        self.nr_conns -= 1
        conn.close()


class TimedConn(TConn):
    """A connection whose head the poller collects (`head`), and whose socket reads and writes
    time out (gunicorn's block for ever)."""

    def __init__(self, cfg, sock, client, server) -> None:
        super().__init__(cfg, sock, client, server)
        self.head = bytearray()
        self.head_started: float | None = None

    def init(self) -> None:
        super().init()
        self.sock.settimeout(READ_TIMEOUT)
        # The head the poller collected is the start of what the parser reads.
        if self.head:
            self.parser.unreader.unread(bytes(self.head))
            self.head.clear()


def write_error_with_headers(sock, status_int: int, reason: str, mesg: str) -> None:
    """gunicorn's own error answer (`gunicorn.util.write_error`), in Dutch, with the security
    headers, as JSON for a request to the JSON API; `mesg`, gunicorn's English detail, goes to
    its log, not to the client."""
    message = _MESSAGES.get(status_int, _UNREADABLE)
    if getattr(_answering, "api", False):
        body = json.dumps(ERROR.dump((status_int, message)), ensure_ascii=False).encode("utf-8")
        content_type = "application/json"
    else:
        body = textwrap.dedent(
            f"""\
            <!doctype html>
            <html lang="nl"><head><title>{status_int} {reason}</title></head>
            <body><h1>{status_int} {reason}</h1><p>{message}</p></body>
            </html>
            """
        ).encode("utf-8")
        content_type = "text/html; charset=utf-8"
    headers = "".join(f"{name}: {value}\r\n" for name, value in SECURITY_HEADERS.items())
    head = (
        f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\nServer: {SERVER_NAME}\r\n"
        f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n"
        f"{headers}\r\n"
    )
    util.write_nonblock(sock, head.encode("latin-1") + body)
