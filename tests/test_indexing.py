"""Writing the index: summary counts, skipped files, the atomic swap, the writer lock, and writers
killed at any point (build and update), which must leave the index in use serving."""

import errno
import hashlib
import multiprocessing
import os
import platform
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
from search.index.arrays import document_table, vocabulary
from search.index.arrays.document_table import TABLE_FILE
from search.index.arrays.vocabulary import VOCABULARY_FILE
from search.index.format import segment_files
from search.index.format.segment_arrays import compound_parts
from search.index.generations import build, folders
from search.index.generations.batch_analysis import analysed_in_order
from search.index.generations.folders import (
    LOCK_FILE,
    IndexBusyError,
    IndexLockError,
    current_generation,
    read_meta,
    write_lock,
)
from search.index.generations.writing import build_index, update_index
from search.index.schema import build_schema
from search.ingest.corpus import read_documents, reading_key
from search.malloc import return_large_allocations
from tests.conftest import (
    CORPUS,
    SAMPLE_DOCUMENTS,
    SEED_TXT,
    assert_tables_as_computed_anew,
    chamber_records,
    file_digests,
    make_sample_corpus,
    process_alive,
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
    def full_disk(path, parts):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(segment_files, "write_compound_file", full_disk)
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
    _wait_for(lambda: not process_alive(worker), seconds=10)
    with write_lock(tmp_path):
        pass


def test_a_file_system_without_locks_gives_a_clear_error(tmp_path, monkeypatch):
    def flock_unsupported(*_):
        raise OSError(errno.ENOLCK, os.strerror(errno.ENOLCK))

    monkeypatch.setattr(folders.fcntl, "flock", flock_unsupported)  # the kernel's answer on NFS
    with pytest.raises(
        IndexLockError, match="ondersteunt geen bestandsvergrendeling; zet de index op"
    ):
        update_index(CORPUS, tmp_path / "index")


def _hold_lock(index: Path, then: str) -> subprocess.Popen:
    """A process that takes the writer lock of `index`, says so, then runs `then`."""
    code = (
        "import os, sys, time\n"
        "from pathlib import Path\n"
        "from search.index.generations.folders import write_lock\n"
        f"with write_lock(Path({str(index)!r})):\n"
        "    print('locked', flush=True)\n" + "".join(f"    {line}\n" for line in then.split("\n"))
    )
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline() == "locked\n"
    return process


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
    ("build", "search.index.generations.writing.new_generation:return", 1, False, ""),
    ("build", "search.index.generations.build.read_documents", 1, False, r"^_MAIN_0\.toc$"),
    (
        "build",
        "search.index.generations.batch_analysis.document_records",
        6,
        False,
        r"^_MAIN_0\.toc$",
    ),
    ("build", "search.index.format.segment_files.write_compound_file:return", 1, False, r"\.seg$"),
    ("build", "whoosh.index.clean_files", 1, False, r"^_MAIN_1\.toc$"),
    ("build", "search.index.generations.writing.complete_generation", 1, False, r"^_MAIN_1\.toc$"),
    ("build", "os.replace", 1, False, r"^\.MAIN_\w+\.parl\.\d+\.tmp$"),
    ("build", "os.replace", 2, False, r"^\.documents\.parl\.\d+\.tmp$"),
    ("build", "os.replace", 3, False, r"^\.vocabulary\.parl\.\d+\.tmp$"),
    ("build", "os.replace", 4, False, r"^\.corpus-documents\.json\.\d+\.tmp$"),
    ("build", "os.replace", 5, False, r"^corpus-documents\.json$"),
    ("build", "os.replace", 6, False, r"^corpus\.json$"),
    ("build", "os.replace", 7, False, r"^parlsearch\.json$"),
    ("build", "os.replace", 8, False, r"^MANIFEST\.json$"),
    ("build", "os.replace:return", 8, True, r"^MANIFEST\.json$"),
    ("build", "os.unlink", 2, True, r"\.seg$"),
    (
        "update",
        "search.index.generations.generation_files.copy_file",
        2,
        False,
        r"^_MAIN_1\.toc$|\.seg$|^MAIN_\w+\.parl$",
    ),
    ("update", "search.index.generations.update._previous_of:return", 1, False, r"\.seg$"),
    ("update", "search.index.generations.batch_analysis.document_records", 6, False, r"\.seg$"),
    ("update", "search.index.format.segment_files.write_compound_file:return", 1, False, r"\.seg$"),
    ("update", "whoosh.index.clean_files", 1, False, r"^_MAIN_2\.toc$"),
    ("update", "search.index.generations.writing.complete_generation", 1, False, r"^_MAIN_2\.toc$"),
    ("update", "os.replace", 1, False, r"^\.MAIN_\w+\.parl\.\d+\.tmp$"),
    ("update", "os.replace", 2, False, r"^\.documents\.parl\.\d+\.tmp$"),
    ("update", "os.replace", 3, False, r"^\.vocabulary\.parl\.\d+\.tmp$"),
    ("update", "os.replace", 4, False, r"^\.corpus-documents\.json\.\d+\.tmp$"),
    ("update", "os.replace", 5, False, r"^corpus-documents\.json$"),
    ("update", "os.replace", 6, False, r"^corpus\.json$"),
    ("update", "os.replace", 7, False, r"^parlsearch\.json$"),
    ("update", "os.replace", 8, False, r"^MANIFEST\.json$"),
    ("update", "os.replace:return", 8, True, r"^MANIFEST\.json$"),
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


def kill_writer(point: str, nth: int, arguments: list[str]) -> None:
    """Run `parlsearch ARGUMENTS` killed at the `nth` call of `point` (see kill_at.py)."""
    killed = subprocess.run(
        [sys.executable, str(KILL_AT), point, str(nth), "--", *arguments],
        capture_output=True,
        text=True,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stdout + killed.stderr


def assert_left_over(index: Path, leftover: str) -> None:
    """The newest generation holds a file matching `leftover` ("": nothing at all)."""
    newest = max(index.glob("gen-*"), key=lambda p: p.name)
    names = [p.name for p in newest.iterdir()]
    assert any(re.search(leftover, n) for n in names) if leftover else names == [], names


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

    kill_writer(point, nth, [command, "--corpus", str(corpus), "--index", str(index)])

    assert_left_over(index, leftover)
    assert file_digests(in_use) == digests  # nothing wrote into the generation in use
    expected = "v2" if swapped else "v1"
    assert corpus_state(reader) == expected  # a searcher opened before the kill
    assert corpus_state(SearchEngine(index)) == expected

    complete = [g for g in index.glob("gen-*") if folders.size_fault(g) is None]
    write = build_index if command == "build" else update_index
    write(corpus, index)  # the next writer is not blocked and clears what was left
    assert corpus_state(reader) == "v2"
    # Left: the newest two complete generations, the one in use among them, never what a killed
    # writer left unfinished (one killed after its manifest is complete: an index, kept).
    kept = sorted({*complete, current_generation(index)})[-2:]
    assert sorted(index.glob("gen-*")) == kept
    assert current_generation(index) == kept[-1]
    assert list(index.glob(".*.tmp")) == []


def test_a_killed_parallel_build_leaves_no_lock_behind_and_its_workers_end(tmp_path):
    corpus = tmp_path / "corpus"
    write_jsonl(corpus / "kamer.jsonl", chamber_records()[: 2 * build.DOCUMENTS_PER_WORKER])
    index = tmp_path / "index"
    command = ["build", "--procs", "2", "--corpus", str(corpus), "--index", str(index)]
    # Killed once its two workers are analysing: when the first batch comes back.
    point = "search.index.generations.array_writer.ArrayWriter.add_batch"
    process = subprocess.Popen(
        [sys.executable, str(KILL_AT), point, "1", "--", *command], start_new_session=True
    )
    try:
        assert process.wait(timeout=120) == -signal.SIGKILL
        with write_lock(index):  # its workers do not hold the lock
            pass
        # and they end by themselves once their parent is gone.
        _wait_for(lambda: not _process_group_alive(process.pid), seconds=30)
    finally:
        if _process_group_alive(process.pid):
            os.killpg(process.pid, signal.SIGKILL)


def _process_group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


def test_any_number_of_processes_builds_the_same_index(tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    write_jsonl(corpus / "kamer.jsonl", chamber_records()[: 2 * build.DOCUMENTS_PER_WORKER])
    monkeypatch.setattr(build, "SEGMENT_DOCUMENTS", 300)  # four segments
    for procs in (1, 2):
        build_index(corpus, tmp_path / f"index-{procs}", procs=procs)
    one, two = (current_generation(tmp_path / f"index-{procs}") for procs in (1, 2))
    assert _indexed_chunks(tmp_path / "index-1") == _indexed_chunks(tmp_path / "index-2")
    # The same segments, part for part and byte for byte (their random names aside), in the
    # same order.
    assert len(_segment_parts(one)) == 4
    assert _segment_parts(one) == _segment_parts(two)
    for name in ("corpus.json", TABLE_FILE, VOCABULARY_FILE):
        assert (one / name).read_bytes() == (two / name).read_bytes(), name


def test_the_writing_process_of_a_parallel_build_takes_the_lexicons_facts_from_its_workers(
    tmp_path, monkeypatch
):
    """The workers hand over each word's terms and each person's surname frequency: the
    process writing the build analyses no word and reads neither the lexicon nor simplemma,
    and its tables are those computed anew (by analysing every word here)."""
    corpus = tmp_path / "corpus"
    write_jsonl(corpus / "kamer.jsonl", chamber_records()[: 2 * build.DOCUMENTS_PER_WORKER])

    def not_here(*args):
        raise AssertionError(f"analysed in the writing process: {args}")

    with monkeypatch.context() as patched:
        # The spawned workers import these modules afresh, unpatched.
        patched.setattr(vocabulary, "vocabulary_terms", not_here)
        patched.setattr(document_table, "is_dutch_word", not_here)
        patched.setattr(document_table, "dutch_lexicon", not_here)
        build_index(corpus, tmp_path / "index", procs=2)
    assert_tables_as_computed_anew(current_generation(tmp_path / "index"))


def test_a_parallel_builds_workers_end_once_the_last_batch_is_analysed(tmp_path):
    """The analysing processes hold the lexicon and their caches (about 400 MB each at 100,000
    documents): they end once nothing is left to analyse, while the writer still writes the
    last segment and the generation's tables, not after."""
    corpus = tmp_path / "corpus"
    path = write_jsonl(corpus / "kamer.jsonl", chamber_records()[:60])
    documents = [
        (document, reading_key(corpus, path, number))
        for number, document in enumerate(read_documents(path, []))
    ]
    batches = [documents[start : start + 20] for start in range(0, len(documents), 20)]
    analysed = analysed_in_order(build_schema(), iter(batches), procs=2)
    for _ in batches[:-1]:
        next(analysed)
    last = next(analysed)  # handed back: the writer writes it while the generator waits
    deadline = time.monotonic() + 30
    while multiprocessing.active_children() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not multiprocessing.active_children()
    assert len(last.indexed) == len(batches[-1])
    assert next(analysed, None) is None


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc's mallopt")
def test_a_writer_gives_large_allocations_back_to_the_system():
    assert return_large_allocations()


def _segment_parts(generation: Path) -> list[dict[str, str]]:
    """The SHA-256 of each part of each segment (by the part's name without the segment id)."""
    ix = whoosh_index.open_dir(str(generation))
    segments = ix._read_toc().segments
    ix.close()
    return [
        {
            name.replace(segment.segment_id(), ""): hashlib.sha256(data).hexdigest()
            for name, data in compound_parts(generation / segment.make_filename(".seg")).items()
        }
        for segment in segments
    ]


def _indexed_chunks(index: Path) -> dict[str, str | None]:
    """Each chunk's content hash (its document's first chunk holds it), by chunk id."""
    ix = whoosh_index.open_dir(str(current_generation(index)))
    with ix.reader() as reader:
        return {f["chunk_id"]: f.get("content_hash") for _, f in reader.iter_docs()}


# Points at which `optimize` is killed, as KILL_POINTS: the index it started from holds the
# build's segment and two small ones of updates, which it merges into one.
OPTIMIZE_KILL_POINTS = [
    ("search.index.generations.optimize.new_generation:return", 1, False, ""),
    (
        "search.index.generations.generation_files.copy_file",
        2,
        False,
        r"^_MAIN_\d+\.toc$|\.seg$|\.parl$|^corpus(-documents)?\.json$",
    ),
    ("search.index.format.segment_arrays.read_segment:return", 2, False, r"\.seg$"),
    ("search.index.format.segment_files.write_compound_file:return", 1, False, r"\.seg$"),
    ("whoosh.index.clean_files", 1, False, r"^_MAIN_4\.toc$"),
    ("os.replace", 1, False, r"^\.MAIN_\w+\.parl\.\d+\.tmp$"),
    ("os.replace", 2, False, r"^\.documents\.parl\.\d+\.tmp$"),
    ("os.replace", 3, False, r"^\.vocabulary\.parl\.\d+\.tmp$"),
    ("os.replace", 4, False, r"^\.parlsearch\.json\.\d+\.tmp$"),
    ("os.replace", 5, False, r"^parlsearch\.json$"),
    ("os.replace", 6, False, r"^MANIFEST\.json$"),
    ("os.replace:return", 6, True, r"^MANIFEST\.json$"),
    ("os.unlink", 2, True, r"\.seg$"),
]


@pytest.fixture(scope="module")
def optimize_template(kill_template, tmp_path_factory):
    """The kill corpus `v1` built, then two updates each adding one document in a file."""
    folder = tmp_path_factory.mktemp("optimize")
    shutil.copytree(kill_template, folder, dirs_exist_ok=True)
    others = [r for r in chamber_records() if r["doc_id"] not in KILL_CORPUS_IDS | {ADDED}]
    for number, record in enumerate(others[:2]):
        write_jsonl(folder / "v1" / f"nieuw-{number}.jsonl", [record])
        update_index(folder / "v1", folder / "index")
    return folder


@pytest.fixture()
def with_small_segments(optimize_template, tmp_path):
    """A copy of `optimize_template`: its index and corpus."""
    shutil.copytree(optimize_template, tmp_path, dirs_exist_ok=True)
    return tmp_path / "index", tmp_path / "v1"


def searched(engine: SearchEngine) -> list:
    """What a few searches find: ids and scores of every result."""
    pages = [engine.search(q, per_page=100) for q in ("minister", "trein", "Cultuurloket", "")]
    return [(page.total, [(hit.id, round(hit.score, 4)) for hit in page.results]) for page in pages]


def found(searches: list) -> list:
    """Which documents each search found, whatever their scores."""
    return [(total, sorted(doc_id for doc_id, _ in hits)) for total, hits in searches]


@pytest.mark.parametrize(
    ("point", "nth", "swapped", "leftover"),
    OPTIMIZE_KILL_POINTS,
    ids=[f"{p[0]}-{p[1]}" for p in OPTIMIZE_KILL_POINTS],
)
def test_an_optimize_killed_at_any_point_leaves_the_index_serving(
    with_small_segments, point, nth, swapped, leftover
):
    index, _ = with_small_segments
    in_use = current_generation(index)
    digests = file_digests(in_use)
    reader = SearchEngine(index)
    before = searched(reader)

    kill_writer(point, nth, ["optimize", "--index", str(index)])

    assert_left_over(index, leftover)
    assert file_digests(in_use) == digests
    assert (current_generation(index) != in_use) == swapped
    # The same documents found; the same scores too until the merged generation is in use
    # (a merge rounds the lengths of the chunks it takes over, as Whoosh's does).
    for engine in (reader, SearchEngine(index)):  # opened before the kill, and after
        if swapped:
            assert found(searched(engine)) == found(before)
        else:
            assert searched(engine) == before

    done = subprocess.run(
        [sys.executable, "-m", "search", "optimize", "--index", str(index)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert found(searched(SearchEngine(index))) == found(before)
    ix = whoosh_index.open_dir(str(current_generation(index)))
    assert len(ix._read_toc().segments) == 2
    ix.close()
    assert list(index.glob(".*.tmp")) == []


# Points at which an update that merges small segments after its own swap is killed:
# (function, which call, whether the merged generation was swapped in, leftover pattern).
MERGING_UPDATE_KILL_POINTS = [
    ("search.index.format.segment_arrays.read_segment:return", 1, False, r"\.seg$"),
    ("search.index.generations.optimize.make_current", 1, False, r"^MANIFEST\.json$"),
    ("search.index.generations.optimize.make_current:return", 1, True, r"^MANIFEST\.json$"),
]


@pytest.mark.parametrize(
    ("point", "nth", "merged", "leftover"),
    MERGING_UPDATE_KILL_POINTS,
    ids=[f"{p[0]}-{p[1]}" for p in MERGING_UPDATE_KILL_POINTS],
)
def test_an_update_killed_while_it_merges_has_swapped_in_its_documents(
    with_small_segments, point, nth, merged, leftover
):
    index, corpus = with_small_segments
    others = [r for r in chamber_records() if r["doc_id"] not in KILL_CORPUS_IDS | {ADDED}]
    write_jsonl(corpus / "nieuw-2.jsonl", [others[2]])
    update_index(corpus, index)  # a third small segment: the next update merges
    write_jsonl(corpus / "nieuw-3.jsonl", [others[3]])
    before = current_generation(index)

    kill_writer(point, nth, ["update", "--corpus", str(corpus), "--index", str(index)])

    assert_left_over(index, leftover)
    newest = max(index.glob("gen-*"), key=lambda p: p.name)
    in_use = current_generation(index)
    assert in_use != before  # the update's own generation was swapped in before it merged
    assert (in_use == newest) == merged
    engine = SearchEngine(index)
    assert engine.document(f"dekamer-{others[3]['doc_id']}") is not None
    update_index(corpus, index)  # not blocked; clears what was left
    assert list(index.glob(".*.tmp")) == []
    assert all(folders.size_fault(g) is None for g in index.glob("gen-*"))
