"""Writing the index: summary counts, skipped files, the atomic swap, the writer lock, and writers
killed at any point (build and update), which must leave the index in use serving."""

import errno
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from search.engine.searching import SearchEngine
from search.index import generations, writing
from search.index.generations import (
    LOCK_FILE,
    IndexBusyError,
    IndexLockError,
    current_generation,
    read_meta,
    write_lock,
)
from search.index.writing import build_index, update_index
from tests.conftest import (
    CORPUS,
    SAMPLE_DOCUMENTS,
    SEED_TXT,
    chamber_records,
    file_digests,
    make_sample_corpus,
    write_jsonl,
)


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
    assert "binaire gegevens" in reasons["kapot.txt"]


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

    # A writer that fails half-way (a document that fails is only skipped: see
    # test_broken_files.py), as on a full disk.
    real_apply, calls = writing._apply_document, []

    def failing_writer(*args):
        calls.append(args)
        if len(calls) > 20:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_apply(*args)

    monkeypatch.setattr(writing, "_apply_document", failing_writer)
    with pytest.raises(OSError, match="No space left"):
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
    reader = SearchEngine(index)
    # A full build of the bundled corpus takes far longer than we wait before killing it.
    process = subprocess.Popen(
        [sys.executable, "-m", "search", "build", "--corpus", str(CORPUS), "--index", str(index)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(lambda: len(list(index.glob("gen-*"))) == 2, seconds=30)
        deadline = time.monotonic() + 1.0
        while time.monotonic() < deadline:  # readers keep working while the build runs
            assert reader.search("Cultuurloket").results[0].id == "vlpar-2019-2020-58"
        for write in (build_index, update_index):  # the running build holds the lock
            with pytest.raises(IndexBusyError, match=f"proces {process.pid} sinds"):
                write(CORPUS, index)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    assert current_generation(index) == before
    assert (
        SearchEngine(index).search("wateroverlast Demerbekken").results[0].id
        == "vlpar-2023-2024-235"
    )
    abandoned = [p for p in index.glob("gen-*") if p != before]
    build_index(make_sample_corpus(tmp_path / "again"), index)  # the dead process's lock is gone
    assert current_generation(index) != before
    assert sorted(index.glob("gen-*")) == [before, current_generation(index)]
    assert not any(p.exists() for p in abandoned)


def test_second_writer_gets_a_clear_busy_error(tmp_path):
    with write_lock(tmp_path), pytest.raises(IndexBusyError, match="bezet"):
        build_index(CORPUS, tmp_path)


def test_a_lock_held_by_a_killed_process_never_blocks(tmp_path):
    holder = _hold_lock(tmp_path, "time.sleep(60)")
    try:
        with pytest.raises(IndexBusyError, match=f"proces {holder.pid} sinds .* schrijft hem"):
            write_lock(tmp_path).__enter__()
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    with write_lock(tmp_path):  # at once: the kernel released the dead process's flock
        assert (tmp_path / LOCK_FILE).read_text().startswith(f"proces {os.getpid()} sinds")


def test_a_lock_kept_by_a_child_of_a_dead_writer_is_explained(tmp_path):
    # The writer starts a worker that inherits the lock (as multiprocessing workers do) and dies.
    holder = _hold_lock(
        tmp_path,
        "worker = os.fork()\n"
        "if worker == 0: time.sleep(60)\n"
        "print(worker, flush=True); os._exit(0)",
    )
    worker = int(holder.stdout.readline())
    holder.wait()
    holder.stdout.close()
    try:
        with pytest.raises(IndexBusyError) as busy:
            write_lock(tmp_path).__enter__()
        message = str(busy.value)
        assert f"proces {holder.pid} nam het schrijfslot en is gestopt" in message
        assert f"fuser -v {tmp_path / LOCK_FILE}" in message
    finally:
        os.kill(worker, signal.SIGKILL)
    _wait_for(lambda: not Path(f"/proc/{worker}").exists() or _is_zombie(worker), seconds=10)
    with write_lock(tmp_path):
        pass


def test_a_file_system_without_locks_gives_a_clear_error(tmp_path, monkeypatch):
    def flock_unsupported(*_):
        raise OSError(errno.ENOLCK, os.strerror(errno.ENOLCK))

    monkeypatch.setattr(generations.fcntl, "flock", flock_unsupported)  # the kernel's answer on NFS
    with pytest.raises(
        IndexLockError, match="ondersteunt geen bestandsvergrendeling; zet de index op"
    ):
        update_index(CORPUS, tmp_path / "index")


def _hold_lock(index: Path, then: str) -> subprocess.Popen:
    """A process that takes the writer lock of `index`, says so, then runs `then`."""
    code = (
        "import os, sys, time\n"
        "from pathlib import Path\n"
        "from search.index.generations import write_lock\n"
        f"with write_lock(Path({str(index)!r})):\n"
        "    print('locked', flush=True)\n" + "".join(f"    {line}\n" for line in then.split("\n"))
    )
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline() == "locked\n"
    return process


def _is_zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def _wait_for(condition, seconds):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.05)


# Points at which a writer is killed (see tests/kill_at.py), in the order a writer passes them:
# (command, function as the code looks it up, which call, whether CURRENT was swapped, a pattern
# that a file name in the newest generation must match ("" for an empty folder)).
KILL_POINTS = [
    ("build", "search.index.writing.new_generation:return", 1, False, ""),
    ("build", "search.index.writing.read_documents", 1, False, r"^_MAIN_0\.toc$"),
    ("build", "search.index.writing.document_records", 6, False, r"^MAIN\.tmp$"),
    ("build", "whoosh.codec.base.Segment.create_compound_file", 1, False, r"\.trm$"),
    ("build", "whoosh.index.clean_files", 1, False, r"^_MAIN_1\.toc$"),
    ("build", "search.index.writing.complete_generation", 1, False, r"^_MAIN_1\.toc$"),
    ("build", "os.replace", 1, False, r"^\.MAIN_\w+\.parl\.\d+\.tmp$"),
    ("build", "os.replace", 2, False, r"^\.documents\.parl\.\d+\.tmp$"),
    ("build", "os.replace", 5, False, r"^parlsearch\.json$"),
    ("build", "os.replace", 6, False, r"^MANIFEST\.json$"),
    ("build", "os.replace:return", 6, True, r"^MANIFEST\.json$"),
    ("build", "os.unlink", 2, True, r"\.seg$"),
    ("update", "os.link", 2, False, r"^_MAIN_1\.toc$|\.seg$|^MAIN_\w+\.parl$"),
    ("update", "search.index.writing._indexed_hashes:return", 1, False, r"\.seg$"),
    ("update", "search.index.writing.document_records", 6, False, r"^MAIN\.tmp$"),
    ("update", "whoosh.codec.base.Segment.create_compound_file", 1, False, r"\.trm$"),
    ("update", "whoosh.index.clean_files", 1, False, r"^_MAIN_2\.toc$"),
    ("update", "os.replace", 1, False, r"^\.MAIN_\w+\.parl\.\d+\.tmp$"),
    ("update", "os.replace", 3, False, r"^\.vocabulary\.parl\.\d+\.tmp$"),
    ("update", "os.replace", 5, False, r"^parlsearch\.json$"),
    ("update", "os.replace", 6, False, r"^MANIFEST\.json$"),
    ("update", "os.replace:return", 6, True, r"^MANIFEST\.json$"),
    ("update", "os.unlink", 2, True, r"\.seg$"),
]
KILL_AT = Path(__file__).parent / "kill_at.py"
# The corpus before and after: one record changed, one removed, one added.
KILL_CORPUS_IDS = {184501, 184502, 184503, 184504, 184505, 184506, 184507, 184508, 184509}
CHANGED, REMOVED, ADDED = 184502, 184503, 184701
MARKER = "kameleonwoord"


@pytest.fixture(scope="module")
def kill_template(tmp_path_factory):
    """A small index built twice from corpus `v1`, and the changed corpus `v2`."""
    folder = tmp_path_factory.mktemp("kill")
    records = chamber_records(KILL_CORPUS_IDS | {ADDED})
    v1 = [r for r in records if r["doc_id"] != ADDED]
    v2 = [
        dict(r, answer=f"{r['answer']} {MARKER}") if r["doc_id"] == CHANGED else r for r in records
    ]
    for name, chosen in (("v1", v1), ("v2", [r for r in v2 if r["doc_id"] != REMOVED])):
        write_jsonl(folder / name / "kamer.jsonl", chosen)
        shutil.copy(SEED_TXT, folder / name)
    for _ in range(2):
        build_index(folder / "v1", folder / "index")
    return folder


def corpus_state(engine: SearchEngine) -> str:
    """Which corpus the index in use holds: "v1" or "v2" (and nothing in between)."""
    v2_facts = (
        engine.search(MARKER).total == 1,
        engine.document(f"dekamer-{ADDED}") is not None,
        engine.document(f"dekamer-{REMOVED}") is None,
    )
    assert engine.search("Cultuurloket").results[0].id == "vlpar-2019-2020-58"
    assert len(set(v2_facts)) == 1, f"a half-written index: {v2_facts}"
    return "v2" if v2_facts[0] else "v1"


@pytest.mark.parametrize(
    ("command", "point", "nth", "swapped", "leftover"),
    KILL_POINTS,
    ids=[f"{c[0]}-{c[1]}-{c[2]}" for c in KILL_POINTS],
)
def test_a_writer_killed_at_any_point_leaves_the_index_serving(
    kill_template, tmp_path, command, point, nth, swapped, leftover
):
    shutil.copytree(kill_template, tmp_path, dirs_exist_ok=True)
    index, corpus = tmp_path / "index", tmp_path / "v2"
    in_use = current_generation(index)
    digests = file_digests(in_use)
    reader = SearchEngine(index)
    assert corpus_state(reader) == "v1"

    arguments = [command, "--corpus", str(corpus), "--index", str(index)]
    killed = subprocess.run(
        [sys.executable, str(KILL_AT), point, str(nth), "--", *arguments],
        capture_output=True,
        text=True,
    )

    assert killed.returncode == -signal.SIGKILL, killed.stdout + killed.stderr
    newest = max(index.glob("gen-*"), key=lambda p: p.name)
    names = [p.name for p in newest.iterdir()]
    assert any(re.search(leftover, n) for n in names) if leftover else names == [], names
    assert file_digests(in_use) == digests  # nothing wrote into the generation in use
    expected = "v2" if swapped else "v1"
    assert corpus_state(reader) == expected  # a searcher opened before the kill
    assert corpus_state(SearchEngine(index)) == expected

    complete = [g for g in index.glob("gen-*") if generations.size_fault(g) is None]
    write = build_index if command == "build" else update_index
    write(corpus, index)  # the next writer is not blocked and clears what was left
    assert corpus_state(reader) == "v2"
    # Left: the newest two complete generations, the one in use among them, never what a killed
    # writer left unfinished (one killed after its manifest is complete: an index, kept).
    kept = sorted({*complete, current_generation(index)})[-2:]
    assert sorted(index.glob("gen-*")) == kept
    assert current_generation(index) == kept[-1]
    assert list(index.glob(".*.tmp")) == []


def test_a_killed_parallel_build_leaves_no_lock_behind(index_dir, sample_corpus, tmp_path):
    index = tmp_path / "index"
    command = ["build", "--procs", "2", "--corpus", str(sample_corpus), "--index", str(index)]
    # Killed once its two workers are indexing (each batch of 100 chunks goes to a worker).
    process = subprocess.Popen(
        [
            sys.executable,
            str(KILL_AT),
            "search.index.writing.document_records",
            "60",
            "--",
            *command,
        ],
        start_new_session=True,
    )
    try:
        assert process.wait(timeout=120) == -signal.SIGKILL
        os.killpg(process.pid, 0)  # its workers outlive it
        with write_lock(index):  # but they do not hold the lock
            pass
    finally:
        os.killpg(process.pid, signal.SIGKILL)

    done = subprocess.run(
        [sys.executable, "-m", "search", *command], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert _indexed_chunks(index) == _indexed_chunks(index_dir)


def _indexed_chunks(index: Path) -> dict[str, str]:
    """Each chunk's content hash, by chunk id."""
    ix = whoosh_index.open_dir(str(current_generation(index)))
    with ix.reader() as reader:
        return {f["chunk_id"]: f["content_hash"] for _, f in reader.iter_docs()}
