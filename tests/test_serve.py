"""`parlsearch serve` over real HTTP: gunicorn with worker processes under its supervisor (and
waitress, the server where gunicorn does not run), started the way a user starts it."""

import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from search.http import gunicorn_worker
from search.http.app import SECURITY_HEADERS
from search.index.generations.folders import current_generation
from search.index.generations.writing import build_index, update_index
from search.malloc import keep_freed_memory
from tests.conftest import SAMPLE_DOCUMENTS, free_port, make_sample_corpus, serving

QUERY = "/api/search?q=freelancers+Cultuurloket"
# A Flemish document: the tests below drop the Flemish ones from the corpus to tell generations.
FLEMISH = "/api/documents/vlpar-2019-2020-58"
# Connections a client holds open without sending anything: twice waitress's old limit.
IDLE_CONNECTIONS = 200
# Connections that trickle their headers (a "slowloris"): more than the threads of a worker.
SLOW_CONNECTIONS = 40


def get(url: str, timeout: float = 10) -> tuple[int, dict, bytes]:
    """Status, headers and body of a GET, error statuses included."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def peak_kilobytes(pid: int) -> int:
    """The peak resident memory of a process (VmHWM), in kilobytes."""
    status = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    return int(status["VmHWM"].split()[0])


def raw_request(url: str, data: bytes) -> bytes:
    """Send raw bytes to the server and return what it answers before closing."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(data)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer


def test_first_start_builds_in_a_child_says_each_phase_then_serves(tmp_path):
    corpus = make_sample_corpus(tmp_path / "corpus")
    with serving(tmp_path / "index", corpus, timeout=240) as first_start:
        first_start_peak = peak_kilobytes(first_start.process.pid)
        _status, headers, body = get(first_start.url + QUERY)
    with serving(tmp_path / "index") as again:
        # The build ran in a child: the server is no larger than one started on a built index
        # (in one process, the build's memory stayed: 863 MB against 70 MB on the bundled corpus).
        assert first_start_peak < peak_kilobytes(again.process.pid) + 30 * 1024
    data = json.loads(body)
    assert data["results"][0]["id"] == "vlpar-2019-2020-58"
    assert "<mark>" in data["results"][0]["snippet"]
    assert headers["Server"] == "parlsearch"
    lines = first_start.output.splitlines()
    # Output to a file, not a terminal: a line per phase, in order, all Dutch.
    phases = ("Geen index in", "Corpus lezen", "Indexeren van 83", "Indexeren: 83 van 83")
    phases += ("Index schrijven", "Klaar in", f"{SAMPLE_DOCUMENTS} documenten geïndexeerd")
    positions = [next(i for i, line in enumerate(lines) if phase in line) for phase in phases]
    assert positions == sorted(positions), lines
    assert "documenten (" in lines[positions[3]] and "per seconde)" in lines[positions[3]]
    assert any(line.startswith("Bereikbaar op http://127.0.0.1:") for line in lines), lines
    assert "Traceback" not in first_start.output


def test_a_worker_killed_with_sigkill_is_replaced_within_seconds(index_dir):
    with serving(index_dir, options=("--workers", "2")) as server:
        # The site answers once one worker is up; gunicorn may still be forking the other.
        started = time.monotonic()
        while len(workers := server.workers()) < 2 and time.monotonic() - started < 10:
            time.sleep(0.1)
        assert len(workers) == 2
        for worker in workers:
            os.kill(worker, signal.SIGKILL)
        killed = time.monotonic()
        while True:
            try:
                status, _, _ = get(server.url + QUERY, timeout=2)
                if status == 200 and len(server.workers()) == 2:
                    break
            except OSError:
                pass
            assert time.monotonic() - killed < 10, "the site did not come back"
            time.sleep(0.1)
        assert set(server.workers()).isdisjoint(workers)


def connections(server, count: int) -> list[socket.socket]:
    """`count` connections to the server, opened once it has mapped the index."""
    assert get(server.url + QUERY, timeout=60)[0] == 200
    port = int(server.url.rsplit(":", 1)[1])
    return [socket.create_connection(("127.0.0.1", port)) for _ in range(count)]


@pytest.mark.parametrize("server_name", ["gunicorn", "waitress"])
def test_idle_connections_never_starve_the_server(index_dir, server_name):
    with serving(index_dir, options=("--server", server_name, "--workers", "1")) as server:
        idle = connections(server, IDLE_CONNECTIONS)
        try:
            for _ in range(3):
                status, _, _ = get(server.url + QUERY, timeout=10)
                assert status == 200
            # Idle connections are closed after a few seconds of silence.
            idle[0].settimeout(30)
            assert idle[0].recv(1) == b""
        finally:
            for sock in idle:
                sock.close()


@pytest.mark.parametrize("server_name", ["gunicorn", "waitress"])
def test_clients_that_trickle_their_headers_never_starve_the_server(index_dir, server_name):
    """Issue 22 row 7: 16 connections sending a header line every 3 s held every thread."""
    with serving(index_dir, options=("--server", server_name, "--workers", "1")) as server:
        slow = connections(server, SLOW_CONNECTIONS)
        try:
            for sock in slow:
                sock.sendall(b"GET /search?q=trein HTTP/1.1\r\nHost: x\r\n")
            began = time.monotonic()
            for line in range(8):
                for sock in slow:
                    sock.sendall(f"X-Langzaam-{line}: ja\r\n".encode())
                started = time.monotonic()
                assert get(server.url + QUERY, timeout=5)[0] == 200
                assert time.monotonic() - started < 2
                time.sleep(0.5)
            if server_name == "gunicorn":
                # A head still not whole after HEAD_SECONDS is closed.
                slow[0].settimeout(gunicorn_worker.HEAD_SECONDS + 5)
                while slow[0].recv(1):
                    pass
                assert time.monotonic() - began < gunicorn_worker.HEAD_SECONDS + 5
        finally:
            for sock in slow:
                sock.close()


def test_a_request_with_a_body_is_answered_and_closed_without_waiting_for_the_body(index_dir):
    """A body the app never reads would hold a thread while gunicorn drained it."""
    head = b"GET /api/search?q=trein HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n"
    with serving(index_dir, options=("--workers", "1")) as server:
        began = time.monotonic()
        answer = raw_request(server.url, head + b"a" * 10)
        assert time.monotonic() - began < 3
    assert answer.split()[1] == b"200"


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"GET /search?q=\xc3\xb6 HTTP/1.1\r\nHost: x\r\n\r\n", b"400"),
        (
            b"GET / HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            b"400",
        ),
        (b"GET /search HTTP/1.1\r\nHost: x\r\nX-Groot: " + b"a" * 300_000 + b"\r\n\r\n", b"431"),
        (b"GET /" + b"a" * 10_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", b"414"),
    ],
    ids=["raw-umlaut", "chunked-and-length", "300-kb-header", "10-kb-uri"],
)
def test_the_servers_own_error_answers_carry_the_security_headers(index_dir, request_bytes, status):
    with serving(index_dir, options=("--workers", "1")) as server:
        answer = raw_request(server.url, request_bytes)
    head = answer.split(b"\r\n\r\n")[0].decode("latin-1")
    assert head.split()[1] == status.decode()
    for name, value in SECURITY_HEADERS.items():
        assert f"\r\n{name}: {value}" in head, name


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"GET /api/search?q=" + b"a" * 5_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
        (b"GET /api/search?q=" + b"a" * 100_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
        (b"GET /api/search HTTP/1.1\r\nX-Groot: " + b"a" * 100_000 + b"\r\n\r\n", 431),
    ],
    ids=["5-kb-uri", "100-kb-uri", "100-kb-header"],
)
def test_the_servers_own_error_answers_under_api_are_json(index_dir, request_bytes, status):
    """Issue 22 row 11: gunicorn answered an /api/ address over 4 KB with its HTML page."""
    with serving(index_dir, options=("--workers", "1")) as server:
        answer = raw_request(server.url, request_bytes)
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.split()[1] == str(status).encode()
    assert b"\r\nContent-Type: application/json\r\n" in head
    assert json.loads(body)["error"]["status"] == status
    for name, value in SECURITY_HEADERS.items():
        assert f"\r\n{name}: {value}".encode() in head, name


@pytest.mark.parametrize("length", [5_000, 100_000])
def test_waitress_passes_long_api_addresses_to_the_app_which_answers_json(index_dir, length):
    """waitress takes a head up to 256 KB: the app answers, in JSON."""
    request_bytes = b"GET /api/search?q=" + b"a" * length + b" HTTP/1.1\r\nHost: x\r\n\r\n"
    with serving(index_dir, options=("--server", "waitress")) as server:
        answer = raw_request(server.url, request_bytes)
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.split()[1] == b"400"
    assert "te lang" in json.loads(body)["error"]["message"]


def test_a_file_truncated_under_the_running_server_is_a_dutch_503_not_a_crash(tmp_path):
    corpus = make_sample_corpus(tmp_path / "corpus")
    index = tmp_path / "index"
    build_index(corpus, index)
    with serving(index, options=("--workers", "1")) as server:
        assert get(server.url + QUERY)[0] == 200  # the generation is mapped
        workers = server.workers()
        (segment,) = current_generation(index).glob("*.seg")
        os.truncate(segment, segment.stat().st_size // 2)
        for _ in range(3):
            status, _, body = get(server.url + QUERY)
            assert status == 503
            message = json.loads(body)["error"]["message"]
            assert f"bestand {segment.name} is {segment.stat().st_size} bytes" in message
            assert "Voer 'parlsearch build' uit" in message
        assert server.workers() == workers  # no worker died
        build_index(corpus, index)  # a new generation is picked up without a restart
        assert get(server.url + QUERY)[0] == 200


def without_flemish_documents(folder: Path, second_writer) -> Path:
    """An index of the sample corpus whose newest generation, made by `second_writer`
    (`build_index` or `update_index`), lacks the Flemish documents."""
    corpus = make_sample_corpus(folder / "corpus")
    index = folder / "index"
    build_index(corpus, index)
    shutil.rmtree(corpus / "vlaams-parlement")
    second_writer(corpus, index)
    return index


def test_a_truncated_generation_falls_back_to_the_last_intact_one(tmp_path):
    index = without_flemish_documents(tmp_path, build_index)
    with serving(index, options=("--workers", "1")) as server:
        assert get(server.url + FLEMISH)[0] == 404
        (segment,) = current_generation(index).glob("*.seg")
        os.truncate(segment, 100)
        assert get(server.url + FLEMISH)[0] == 200


def test_bytes_overwritten_under_a_running_server_every_worker_notices(tmp_path):
    """Issue 22 rows 1 and 2: a file overwritten in place changed 18 of 30 answers, all 200;
    after a restart workers disagreed; the update's hard links took the fallback down too."""
    index = without_flemish_documents(tmp_path, update_index)
    with serving(index, options=("--workers", "2")) as server:
        assert {get(server.url + FLEMISH)[0] for _ in range(10)} == {404}
        newest = current_generation(index)
        segment = next(p for p in newest.glob("*.seg") if len(list(index.glob(f"*/{p.name}"))) > 1)
        with open(segment, "r+b") as file:
            file.seek(segment.stat().st_size // 2)
            file.write(b"\x00" * 256)
        statuses = [get(server.url + FLEMISH)[0] for _ in range(30)]
        # Each worker says so once (a 503 naming the file), then answers from the intact older
        # generation; none answers from the damaged one.
        assert set(statuses) <= {200, 503} and statuses.count(503) <= 2, statuses
        assert set(statuses[-10:]) == {200}
        killed = server.workers()
        for worker in killed:
            os.kill(worker, signal.SIGKILL)
        started = time.monotonic()
        while len(server.workers()) < 2 or not set(server.workers()).isdisjoint(killed):
            assert time.monotonic() - started < 20, "no new workers"
            time.sleep(0.1)
        # New workers verify the index as they start: their first answers are the intact ones.
        assert {get(server.url + FLEMISH, timeout=30)[0] for _ in range(10)} == {200}


def test_a_busy_port_is_one_dutch_line(index_dir):
    port = free_port()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port))
        taken.listen()
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "search",
                "serve",
                "--index",
                str(index_dir),
                "--port",
                str(port),
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr == (
        f"Fout: Poort {port} op 127.0.0.1 is al in gebruik (draait Parlsearch al?); kies een "
        "andere met --port.\n"
    )


def test_every_worker_keeps_the_time_budget_and_picks_up_new_generations(tmp_path):
    corpus = make_sample_corpus(tmp_path / "corpus")
    index = tmp_path / "index"
    build_index(corpus, index)
    budget = {"PARLSEARCH_TIME_BUDGET": "0.000001"}
    with serving(index, options=("--workers", "2"), env=budget) as server:
        status, _, body = get(server.url + QUERY)
        assert status == 503
        assert "duurde te lang" in json.loads(body)["error"]["message"]
    with serving(index, options=("--workers", "2")) as server:
        assert all(get(server.url + FLEMISH)[0] == 200 for _ in range(6))
        shutil.rmtree(corpus / "vlaams-parlement")
        build_index(corpus, index)
        assert {get(server.url + FLEMISH)[0] for _ in range(10)} == {404}


def test_workers_share_the_dutch_lexicon_loaded_before_they_were_forked(index_dir):
    # A misspelt word is judged against the lexicon (70 MB as Python objects): loaded by the
    # supervisor before the fork, the workers go on sharing most of its pages after using it
    # (each still shared 63 MB written by the supervisor, against 20 MB when each worker loaded
    # the lexicon itself, and had 85 MB of its own against 135).
    with serving(index_dir, options=("--workers", "2")) as server:
        for _ in range(6):
            status, _, _ = get(server.url + "/api/search?q=wederbeleggingsvergoedig+treinn")
            assert status == 200
        for worker in server.workers():
            smaps = Path(f"/proc/{worker}/smaps_rollup").read_text()
            shared = int(re.search(r"^Shared_Dirty:\s+(\d+) kB", smaps, re.MULTILINE)[1])
            assert shared > 40 * 1024, smaps
    assert "2 processen met elk 2 threads" in server.output


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc's mallopt")
def test_a_server_keeps_the_memory_its_searches_free():
    # glibc takes both thresholds (it refuses a mapping threshold above 32 MiB).
    assert keep_freed_memory()
