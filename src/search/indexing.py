"""Build the index: parse the corpus, chunk, analyse, and swap the new index in atomically.

An index directory holds generations (`gen-*` folders, each a complete Whoosh index) and a
`CURRENT` file naming the one in use. A build writes a fresh generation beside the current one
and rewrites `CURRENT` (atomically, by rename) only after a successful commit, so a failed or
interrupted build leaves the previous index serving. Builds take an exclusive `flock` on
`.lock`; the kernel releases it when a process dies, so a killed build never blocks the next.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm
from whoosh import index as whoosh_index

from search.chunking import Chunk, chunk_document
from search.corpus import SkippedFile, corpus_files, count_documents, read_documents
from search.document import Document
from search.references import reference_key
from search.schema import (
    QUESTION_KEY_FIELD,
    REFERENCE_FIELD,
    SOURCE_FIELD,
    STATUS_FIELD,
    YEAR_FIELD,
    build_schema,
    key_field,
    words_field,
)

CURRENT_FILE = "CURRENT"
LOCK_FILE = ".lock"
META_FILE = "parlsearch.json"
GENERATION_PREFIX = "gen-"
# Generations kept besides the current one, so that searchers still reading it can finish.
KEEP_PREVIOUS = 1


class IndexBusyError(RuntimeError):
    """Another process is writing this index."""


class NoIndexError(RuntimeError):
    """There is no index in the directory yet."""


@dataclass
class BuildReport:
    """What a build did."""

    documents_read: int = 0
    documents_indexed: int = 0
    chunks: int = 0
    per_source: dict[str, int] = field(default_factory=dict)
    duplicates: list[str] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)
    seconds: float = 0.0
    generation: str = ""


def build_index(
    corpus_dir: Path, index_dir: Path, *, progress: bool = False, procs: int = 1
) -> BuildReport:
    """Index every document under `corpus_dir` into a new generation and make it current."""
    index_dir = Path(index_dir)
    started = time.perf_counter()
    with write_lock(index_dir):
        generation = index_dir / f"{GENERATION_PREFIX}{_timestamp()}-{os.getpid()}"
        generation.mkdir()
        try:
            report = _write_generation(Path(corpus_dir), generation, progress, procs)
            report.seconds = time.perf_counter() - started
            _write_meta(generation, report)
            _make_current(index_dir, generation.name)
        except BaseException:
            shutil.rmtree(generation, ignore_errors=True)
            raise
        _remove_old_generations(index_dir)
    return report


def current_generation(index_dir: Path) -> Path:
    """The folder of the index in use; raises `NoIndexError` if none was built."""
    try:
        name = (Path(index_dir) / CURRENT_FILE).read_text().strip()
    except FileNotFoundError:
        raise NoIndexError(f"no index in {index_dir}; run `parlsearch build` first") from None
    generation = Path(index_dir) / name
    if not name.startswith(GENERATION_PREFIX) or not generation.is_dir():
        raise NoIndexError(f"{index_dir}/{CURRENT_FILE} names a missing index: {name!r}")
    return generation


def index_exists(index_dir: Path) -> bool:
    """Whether a built index is in place."""
    try:
        current_generation(index_dir)
    except NoIndexError:
        return False
    return True


def read_meta(generation: Path) -> dict:
    """The build facts stored beside an index generation."""
    return json.loads((generation / META_FILE).read_text(encoding="utf-8"))


@contextmanager
def write_lock(index_dir: Path) -> Iterator[None]:
    """Hold the index's writer lock, or raise `IndexBusyError` at once if another holds it."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / LOCK_FILE, "a+") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.seek(0)
            holder = lock.read().strip() or "another process"
            raise IndexBusyError(f"the index is busy: {holder} is writing it") from None
        lock.seek(0)
        lock.truncate()
        lock.write(f"process {os.getpid()} (since {_timestamp()})")
        lock.flush()
        try:
            yield
        finally:
            lock.truncate(0)
            fcntl.flock(lock, fcntl.LOCK_UN)


def chunk_fields(document: Document, chunk: Chunk) -> dict:
    """The indexed fields of one chunk."""
    return {
        "chunk_id": f"{document.id}#{chunk.position}",
        "doc_id": document.id,
        "position": chunk.position,
        "kind": chunk.kind,
        "number": chunk.number,
        "last": chunk.last,
        "source": document.source,
        "date": document.date.isoformat() if document.date else "",
        "member": document.member,
        "party": document.party,
        "minister": document.minister,
        "minister_title": document.minister_title,
        "themes": list(document.themes),
        "question_number": document.number,
        "answered": document.answered,
        "origin": document.origin,
        "title": document.title,
        "title_exact": document.title,
        "question": chunk.question,
        "question_exact": chunk.question,
        "answer": chunk.answer,
        "answer_exact": chunk.answer,
        **filter_fields(document),
    }


def filter_fields(document: Document) -> dict:
    """The fields behind filters, facets, grouped questions and cross-references."""
    values = {
        "member": document.member,
        "party": document.party,
        "minister": document.minister,
        "theme": ",".join(document.themes),
    }
    fields = {}
    for name, value in values.items():
        fields[key_field(name)] = value
        fields[words_field(name)] = value.replace(",", " ")
    fields[SOURCE_FIELD] = document.source
    fields[YEAR_FIELD] = str(document.date.year) if document.date else ""
    fields[STATUS_FIELD] = document.status
    fields[QUESTION_KEY_FIELD] = document.question_key
    fields[REFERENCE_FIELD] = reference_key(document.number, document.date)
    # An empty value would be indexed as an empty term; leave the field out instead.
    return {name: value for name, value in fields.items() if value}


def _write_generation(
    corpus_dir: Path, generation: Path, progress: bool, procs: int
) -> BuildReport:
    if not corpus_dir.is_dir():
        raise FileNotFoundError(f"corpus folder not found: {corpus_dir}")
    report = BuildReport(generation=generation.name)
    files = corpus_files(corpus_dir)
    total = sum(count_documents(path) for path in files)
    ix = whoosh_index.create_in(generation, build_schema())
    writer = ix.writer(limitmb=256, procs=procs, multisegment=procs > 1)
    seen: set[str] = set()
    try:
        with tqdm(total=total, unit="doc", desc="Indexeren", disable=not progress) as bar:
            for path in files:
                for document in read_documents(path, report.skipped):
                    bar.update()
                    report.documents_read += 1
                    if document.id in seen:
                        report.duplicates.append(f"{document.id} ({document.origin})")
                        continue
                    seen.add(document.id)
                    for chunk in chunk_document(document):
                        writer.add_document(**chunk_fields(document, chunk))
                        report.chunks += 1
                    report.documents_indexed += 1
                    report.per_source[document.source] = (
                        report.per_source.get(document.source, 0) + 1
                    )
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    finally:
        ix.close()
    return report


def _write_meta(generation: Path, report: BuildReport) -> None:
    meta = {
        "built": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "documents": report.documents_indexed,
        "per_source": report.per_source,
        "chunks": report.chunks,
        "seconds": round(report.seconds, 2),
        "skipped": [str(skip) for skip in report.skipped],
    }
    _write_atomically(generation / META_FILE, json.dumps(meta, indent=2, ensure_ascii=False))


def _make_current(index_dir: Path, name: str) -> None:
    _write_atomically(index_dir / CURRENT_FILE, name + "\n")


def _write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(temporary, "w", encoding="utf-8") as out:
        out.write(text)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, path)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def _remove_old_generations(index_dir: Path) -> None:
    """Delete generations other than the current one and the newest previous ones."""
    current = current_generation(index_dir).name
    others = sorted(
        (p for p in index_dir.glob(GENERATION_PREFIX + "*") if p.is_dir() and p.name != current),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in others[KEEP_PREVIOUS:]:
        shutil.rmtree(old, ignore_errors=True)


def _timestamp() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
