"""`parlsearch serve`: builds a missing index, then serves with waitress over real HTTP."""

import json
import socket
import subprocess
import sys
import time
import urllib.request

from tests.conftest import SAMPLE_DOCUMENTS, make_sample_corpus


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_builds_the_index_then_answers_over_http(tmp_path):
    corpus = make_sample_corpus(tmp_path / "corpus")
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "search",
            "serve",
            "--corpus",
            str(corpus),
            "--index",
            str(tmp_path / "index"),
            "--port",
            str(port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/api/search?q=freelancers+Cultuurloket"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    data = json.load(response)
                    headers = response.headers
                break
            except OSError:
                assert server.poll() is None, server.stdout.read()
                assert time.monotonic() < deadline, "server did not come up"
                time.sleep(0.2)
        assert data["results"][0]["id"] == "vlpar-2019-2020-58"
        assert "<mark>" in data["results"][0]["snippet"]
        assert headers["Server"] == "parlsearch"
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=10)
    assert "building it" in output
    assert f"Indexed {SAMPLE_DOCUMENTS} documents" in output
