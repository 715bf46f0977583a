"""Shared fixtures: a small real corpus (selected Chamber records and both Flemish documents),
indexed once per test session, and the Flask app, client and CLI runner on top of it."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from search.engine.searching import SearchEngine
from search.http.app import create_app
from search.index.arrays.array_files import ArrayFile
from search.index.arrays.document_table import TABLE_FILE, table_arrays
from search.index.arrays.vocabulary import VOCABULARY_FILE, vocabulary_arrays
from search.index.generations.writing import build_index

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
CHAMBER_FILE = CORPUS / "dekamer" / "qrva-2017.jsonl.gz"
SEED_TXT = CORPUS / "vlaams-parlement" / "vrg_en_antw.58.txt"
PDF_235 = CORPUS / "vlaams-parlement" / "vrg_en_antw.235.pdf"
DATA = Path(__file__).resolve().parent / "data"

# A record with "sociaal" and "zekerheid" apart, never "sociale zekerheid".
SOCIAL_APART_ID = 192783
# The first 62 records of 2017 (doc ids 184501-184700), the "Groene nummers" question filed
# with twelve ministers, a few records about social security, for ranking and phrase tests, and
# two about the "wederbeleggingsvergoeding", for spelling suggestions.
SAMPLE_IDS = (
    set(range(184501, 184701))
    | set(range(190130, 190141))
    | {190161, 184802, 184984, 185060}
    | {SOCIAL_APART_ID}
    | {186856, 188866}
)
SAMPLE_DOCUMENTS = 83
# A real record with markup added to its title and answer, to prove that text is escaped, and a
# citation of the bundled Flemish question nr. 58, to prove that cross-references resolve.
HOSTILE_ID = 999999001
HOSTILE_MARKUP = "<script>alert('parlsearch')</script>"
HOSTILE_CITATION = "Zie ook vraag nr. 58 van 9 december 2019."
# A member who shares her surname with the sample's Suzy Wouters, and two of her real records,
# for an index where a surname names two people.
NAMESAKE = "Wouters, Veerle"
NAMESAKE_RECORDS = 2
# Screenshots the browser tests took in this run, listed at its end.
SCREENSHOTS = pytest.StashKey[list[Path]]()


def chamber_records(ids: set[int] | None = None) -> list[dict]:
    """Real Chamber records from the bundled corpus (all, or those with the given doc ids)."""
    with gzip.open(CHAMBER_FILE, "rt", encoding="utf-8") as lines:
        records = [json.loads(line) for line in lines]
    return [r for r in records if ids is None or r["doc_id"] in ids]


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "wt", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def file_digests(folder: Path) -> dict[str, str]:
    """The SHA-256 of each file in a folder, by name: to show that nothing wrote into it."""
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in folder.iterdir()
        if path.is_file()
    }


def make_sample_corpus(folder: Path) -> Path:
    """Write the sample corpus into `folder` and return it."""
    records = chamber_records(SAMPLE_IDS)
    hostile = dict(next(r for r in records if r["doc_id"] == 184502))
    hostile["doc_id"] = HOSTILE_ID
    hostile["question"] = hostile["question"].replace("\n", f" {HOSTILE_MARKUP}\n", 1)
    hostile["answer"] = f"{hostile['answer']} {HOSTILE_MARKUP} {HOSTILE_CITATION}"
    write_jsonl(folder / "dekamer" / "sample.jsonl.gz", [*records, hostile])
    flemish = folder / "vlaams-parlement"
    flemish.mkdir(parents=True)
    shutil.copy(SEED_TXT, flemish)
    shutil.copy(PDF_235, flemish)
    return folder


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """A running `parlsearch serve`; `output` holds what it printed once it has stopped."""

    url: str
    process: subprocess.Popen
    output: str = ""

    def workers(self) -> list[int]:
        """The process ids of the server's live worker processes (gunicorn's children; a
        killed one that the master has not reaped yet, a zombie, is left out)."""
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        return sorted(int(child) for child in children if process_alive(int(child)))


def process_alive(pid: int) -> bool:
    """Whether process `pid` runs (is neither gone nor a zombie)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@contextmanager
def serving(
    index: Path,
    corpus: Path | None = None,
    timeout: float = 60,
    options: tuple[str, ...] = (),
    env: dict[str, str] | None = None,
) -> Iterator[Server]:
    """Run `parlsearch serve` (with `options`) on a free loopback port until the block ends."""
    port = free_port()
    command = [sys.executable, "-m", "search", "serve", "--index", str(index), "--port", str(port)]
    if corpus is not None:
        command += ["--corpus", str(corpus)]
    with tempfile.TemporaryFile("w+", encoding="utf-8") as log:
        # Unbuffered, so that what it printed is in the log even though it is stopped by a signal.
        env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
        process = subprocess.Popen([*command, *options], stdout=log, stderr=log, env=env)
        server = Server(f"http://127.0.0.1:{port}", process)
        try:
            _wait_until_answering(server, log, timeout)
            yield server
        finally:
            server.process.terminate()
            server.process.wait(timeout=10)
            log.seek(0)
            server.output = log.read()


def _wait_until_answering(server: Server, log, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(server.url + "/", timeout=5):
                return
        except OSError:
            if server.process.poll() is not None:
                log.seek(0)
                raise AssertionError(f"parlsearch serve stopped:\n{log.read()}") from None
            assert time.monotonic() < deadline, "parlsearch serve did not come up"
            time.sleep(0.2)


@pytest.fixture(scope="session")
def sample_corpus(tmp_path_factory) -> Path:
    return make_sample_corpus(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="session")
def index_dir(sample_corpus, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("index")
    build_index(sample_corpus, folder)
    return folder


@pytest.fixture(scope="session")
def namesake_index(tmp_path_factory) -> Path:
    """The sample corpus with records of a second member named Wouters, indexed."""
    corpus = make_sample_corpus(tmp_path_factory.mktemp("namesake-corpus"))
    records = [r for r in chamber_records() if r["aut_person"] == NAMESAKE]
    write_jsonl(corpus / "dekamer" / "namesake.jsonl.gz", records[:NAMESAKE_RECORDS])
    folder = tmp_path_factory.mktemp("namesake-index")
    build_index(corpus, folder)
    return folder


@pytest.fixture(scope="session")
def engine(index_dir) -> SearchEngine:
    return SearchEngine(index_dir)


@pytest.fixture()
def app(index_dir):
    return create_app({"INDEX_DIR": str(index_dir), "TESTING": True})


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


def pytest_terminal_summary(terminalreporter, config) -> None:
    """List the screenshots of the browser tests, to be looked at or kept as CI artefacts."""
    screenshots = config.stash.get(SCREENSHOTS, [])
    if screenshots:
        terminalreporter.section("screenshots")
        for path in screenshots:
            terminalreporter.write_line(str(path.relative_to(ROOT)))


def assert_tables_as_computed_anew(generation: Path) -> None:
    """The generation's tables, which an update or merge makes from its previous generation's
    and a build from what its analysing processes handed over, are the arrays computed from its
    own files alone."""
    for name, compute in ((TABLE_FILE, table_arrays), (VOCABULARY_FILE, vocabulary_arrays)):
        written = ArrayFile(generation / name).arrays
        computed = compute(generation)
        assert written.keys() == computed.keys()
        for key, array in computed.items():
            assert written[key].dtype == array.dtype, (name, key)
            assert np.array_equal(written[key], array), (name, key)
