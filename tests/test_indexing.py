"""Building: summary counts, skipped files, and the atomic swap that keeps the old index serving."""

import os
import signal
import subprocess
import sys
import time

import pytest

from search import indexing
from search.indexing import (
    IndexBusyError,
    build_index,
    current_generation,
    read_meta,
    write_lock,
)
from search.searching import SearchEngine
from tests.conftest import CORPUS, SAMPLE_DOCUMENTS, make_sample_corpus


def test_build_summary(index_dir):
    meta = read_meta(current_generation(index_dir))
    assert meta["documents"] == SAMPLE_DOCUMENTS
    assert meta["per_source"] == {"dekamer": SAMPLE_DOCUMENTS - 2, "vlpar": 2}
    assert meta["chunks"] > meta["documents"]
    assert meta["skipped"] == []


def test_unreadable_files_are_skipped_and_reported(tmp_path):
    corpus = make_sample_corpus(tmp_path / "corpus")
    (corpus / "vlaams-parlement" / "kapot.txt").write_bytes(b"\x00\x01\x02 binary junk")
    (corpus / "vlaams-parlement" / "leeg.pdf").write_bytes(b"%PDF-1.4 truncated")
    report = build_index(corpus, tmp_path / "index")
    assert report.documents_indexed == SAMPLE_DOCUMENTS
    reasons = {os.path.basename(s.path): s.reason for s in report.skipped}
    assert set(reasons) == {"kapot.txt", "leeg.pdf"}
    assert "binary" in reasons["kapot.txt"]


def test_rebuild_swaps_in_a_new_generation_and_drops_old_ones(tmp_path):
    corpus = make_sample_corpus(tmp_path / "corpus")
    index = tmp_path / "index"
    generations = []
    for _ in range(3):
        build_index(corpus, index)
        generations.append(current_generation(index).name)
    assert len(set(generations)) == 3
    remaining = sorted(p.name for p in index.glob("gen-*"))
    assert remaining == sorted(generations[1:])  # the current one and the one before


def test_failed_build_leaves_the_previous_index_answering(tmp_path, monkeypatch):
    corpus = make_sample_corpus(tmp_path / "corpus")
    index = tmp_path / "index"
    build_index(corpus, index)
    before = current_generation(index)
    engine = SearchEngine(index)
    assert engine.search("Cultuurloket").results[0].id == "vlpar-2019-2020-58"

    real_chunker, calls = indexing.chunk_document, []

    def failing_chunker(document):
        calls.append(document.id)
        if len(calls) > 20:
            raise RuntimeError("disk full")
        return real_chunker(document)

    monkeypatch.setattr(indexing, "chunk_document", failing_chunker)
    with pytest.raises(RuntimeError, match="disk full"):
        build_index(corpus, index)

    assert current_generation(index) == before
    assert sorted(index.glob("gen-*")) == [before]  # the half-built generation is gone
    assert engine.search("Cultuurloket").results[0].id == "vlpar-2019-2020-58"
    monkeypatch.undo()
    build_index(corpus, index)  # the lock was released
    assert current_generation(index) != before


def test_killed_build_leaves_the_previous_index_answering(tmp_path):
    index = tmp_path / "index"
    build_index(make_sample_corpus(tmp_path / "corpus"), index)
    before = current_generation(index)
    # A full build of the bundled corpus takes far longer than we wait before killing it.
    process = subprocess.Popen(
        [sys.executable, "-m", "search", "build", "--corpus", str(CORPUS), "--index", str(index)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(lambda: len(list(index.glob("gen-*"))) == 2, seconds=30)
        time.sleep(1.0)
        with pytest.raises(IndexBusyError):
            build_index(CORPUS, index)  # the running build holds the lock
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    assert current_generation(index) == before
    assert (
        SearchEngine(index).search("wateroverlast Demerbekken").results[0].id
        == "vlpar-2023-2024-235"
    )
    build_index(make_sample_corpus(tmp_path / "again"), index)  # the dead process's lock is gone
    assert current_generation(index) != before


def test_second_writer_gets_a_clear_busy_error(tmp_path):
    with write_lock(tmp_path), pytest.raises(IndexBusyError, match="busy"):
        build_index(CORPUS, tmp_path)


def _wait_for(condition, seconds):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.05)
