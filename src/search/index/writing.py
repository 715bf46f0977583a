"""Build and update the index: parse the corpus, chunk, analyse, and swap the result in atomically.

An index directory holds generations (`gen-*` folders, each a complete Whoosh index) and a
`CURRENT` file naming the one in use. A writer (`build` or `update`) fills a fresh generation
beside the current one and rewrites `CURRENT` (atomically, by rename) only after a successful
commit, so a failed or killed writer leaves the previous index serving; the next writer removes
what it left behind.

A build starts its generation empty. An update starts it as hard links to the files of the
current generation and applies only the differences. This is safe because Whoosh never changes
a file once written: a commit writes new segments under new random names, keeps deletions in
the table of contents (`_MAIN_<n>.toc`, written under a temporary name and renamed to the next
number), and only ever unlinks the files it no longer needs.

Writers take an exclusive `flock` on `.lock`; the kernel releases it when a process dies, so a
killed writer never blocks the next one.
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import hashlib
import json
import os
import re
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm
from whoosh import index as whoosh_index
from whoosh.fields import Schema

from search.index.schema import (
    QUESTION_KEY_FIELD,
    REFERENCE_FIELD,
    SOURCE_FIELD,
    STATUS_FIELD,
    YEAR_FIELD,
    build_schema,
    key_field,
    words_field,
)
from search.ingest.chunking import Chunk, chunk_document
from search.ingest.corpus import SkippedFile, corpus_files, count_documents, read_documents
from search.ingest.document import Document
from search.ingest.references import reference_key

CURRENT_FILE = "CURRENT"
LOCK_FILE = ".lock"
META_FILE = "parlsearch.json"
GENERATION_PREFIX = "gen-"
# Generations kept besides the current one, so that searchers still reading them can finish.
KEEP_PREVIOUS = 1
# The stored field holding a fingerprint of what a document's chunks are indexed with.
CONTENT_HASH = "content_hash"
# Megabytes of postings a build holds in memory before sorting them out to a temporary run file,
# shared by its processes. Each run costs a pickling pass and a merge: the bundled corpus fits
# and builds in 83 s instead of 118 s at 256 MB (two runs), with 0.9 GB peak memory instead of
# 0.56 GB; a larger corpus spills runs and stays near this much.
WRITER_MEMORY_MB = 1024
# Whoosh's own lock file in a generation; our writers already hold LOCK_FILE, so it is not shared.
_WHOOSH_LOCK = "WRITELOCK"
# What flock answers on file systems that cannot lock (some network and FUSE file systems).
_CANNOT_LOCK = (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS, errno.EINVAL)


class IndexBusyError(RuntimeError):
    """Another process is writing this index."""


class IndexLockError(RuntimeError):
    """The index folder is on a file system where the writer lock cannot be taken."""


class NoIndexError(RuntimeError):
    """There is no index in the directory yet."""


@dataclass
class BuildReport:
    """What a build or an update did; documents read = documents indexed + duplicates."""

    documents_read: int = 0
    documents_indexed: int = 0
    chunks: int = 0
    added: int = 0
    replaced: int = 0
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    per_source: dict[str, int] = field(default_factory=dict)
    duplicates: list[str] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)
    seconds: float = 0.0
    generation: str = ""
    # Whether the new generation started from the current one (an update) or empty (a build).
    incremental: bool = False

    @property
    def changed(self) -> bool:
        """Whether any document was added, replaced or removed."""
        return bool(self.added or self.replaced or self.removed)


def build_index(
    corpus_dir: Path, index_dir: Path, *, progress: bool = False, procs: int = 1
) -> BuildReport:
    """Index every document under `corpus_dir` into a new generation and make it current."""
    return _write(
        Path(corpus_dir), Path(index_dir), incremental=False, progress=progress, procs=procs
    )


def update_index(corpus_dir: Path, index_dir: Path, *, progress: bool = False) -> BuildReport:
    """Add new, replace changed and remove deleted documents, then make the result current.

    Without an index to start from (none yet, or one built with another schema) this is a build.
    When nothing changed, no generation is made and the index in use stays as it is.
    """
    return _write(Path(corpus_dir), Path(index_dir), incremental=True, progress=progress, procs=1)


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
            raise IndexBusyError(_busy_message(index_dir, lock.read())) from None
        except OSError as error:
            if error.errno not in _CANNOT_LOCK:
                raise
            raise IndexLockError(
                f"cannot lock {index_dir / LOCK_FILE} ({error.strerror}): its file system does "
                "not support file locks; put the index on a local disk (--index or "
                "$PARLSEARCH_INDEX)"
            ) from None
        lock.seek(0)
        lock.truncate()
        lock.write(f"process {os.getpid()} since {_timestamp()}")
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
    # Every record carries every sortable field, empty or not: whoosh3 3.54 cannot read a column
    # from an index where one segment holds no value at all for it (array index out of range),
    # which an `update` adding a few documents easily produces.
    return fields


def document_records(document: Document) -> list[dict]:
    """The index records of a document's chunks, each carrying the document's content hash.

    The hash covers every field the chunks are indexed with except `origin` (where the document
    was read: moving it between files changes nothing), so a changed text, and also a changed
    parser or chunker, makes `update` replace the document.
    """
    records = [chunk_fields(document, chunk) for chunk in chunk_document(document)]
    content = [{k: v for k, v in record.items() if k != "origin"} for record in records]
    digest = hashlib.blake2b(
        json.dumps(content, sort_keys=True, ensure_ascii=False).encode("utf-8"), digest_size=16
    ).hexdigest()
    for record in records:
        record[CONTENT_HASH] = digest
    return records


def _write(
    corpus_dir: Path, index_dir: Path, *, incremental: bool, progress: bool, procs: int
) -> BuildReport:
    """Fill a new generation (from the current one if `incremental`) and swap it in."""
    if not corpus_dir.is_dir():
        raise FileNotFoundError(f"corpus folder not found: {corpus_dir}")
    started = time.perf_counter()
    with write_lock(index_dir):
        current = _current_or_none(index_dir)
        _remove_abandoned(index_dir, current)
        generation = _new_generation(index_dir)
        try:
            base = current if incremental else None
            report = _fill_generation(corpus_dir, generation, base, progress, procs)
            report.seconds = time.perf_counter() - started
            if report.changed or not report.incremental:
                _write_meta(generation, report)
                _sync_folder(generation)
                _make_current(index_dir, generation.name)
            else:
                shutil.rmtree(generation)
                report.generation = current.name
        except BaseException:
            shutil.rmtree(generation, ignore_errors=True)
            raise
        _remove_old_generations(index_dir)
    return report


def _fill_generation(
    corpus_dir: Path, generation: Path, base: Path | None, progress: bool, procs: int
) -> BuildReport:
    """Write the corpus into `generation`, starting from `base` if it can be updated."""
    report = BuildReport(generation=generation.name)
    ix, indexed = _start_generation(generation, base)
    report.incremental = indexed is not None
    # Workers are spawned, not forked: a forked worker inherits the writer lock and keeps it
    # held after a killed parent, blocking every later writer.
    parallel = {"multisegment": True, "start_method": "spawn"} if procs > 1 else {}
    writer = ix.writer(limitmb=WRITER_MEMORY_MB // procs, procs=procs, **parallel)
    try:
        _apply_corpus(corpus_dir, writer, indexed or {}, report, progress)
        if report.changed or not report.incremental:
            writer.commit()
        else:
            writer.cancel()
        report.chunks = ix.doc_count()
    except BaseException:
        if not writer.is_closed:
            writer.cancel()
        raise
    finally:
        ix.close()
    return report


def _start_generation(
    generation: Path, base: Path | None
) -> tuple[whoosh_index.Index, dict[str, str] | None]:
    """Open the new generation's index: a copy of `base` with the content hashes of its
    documents, or, without a base of the same schema, an empty index and None."""
    if base is not None:
        _link_files(base, generation)
        ix = whoosh_index.open_dir(str(generation))
        if _same_schema(ix.schema, build_schema()):
            return ix, _indexed_hashes(ix)
        ix.close()
        shutil.rmtree(generation)
        generation.mkdir()
    return whoosh_index.create_in(str(generation), build_schema()), None


def _apply_corpus(
    corpus_dir: Path, writer, indexed: dict[str, str], report: BuildReport, progress: bool
) -> None:
    """Add what is new, replace what changed and delete what is gone, counting each."""
    files = corpus_files(corpus_dir)
    total = sum(count_documents(path) for path in files)
    seen: set[str] = set()
    with tqdm(total=total, unit="doc", desc="Indexeren", disable=not progress) as bar:
        for path in files:
            for document in read_documents(path, report.skipped):
                bar.update()
                report.documents_read += 1
                if document.id in seen:
                    report.duplicates.append(f"{document.id} ({document.origin})")
                    continue
                seen.add(document.id)
                report.documents_indexed += 1
                report.per_source[document.source] = report.per_source.get(document.source, 0) + 1
                _apply_document(writer, document, indexed.get(document.id), report)
    for doc_id in sorted(indexed.keys() - seen):
        writer.delete_by_term("doc_id", doc_id)
        report.removed.append(doc_id)


def _apply_document(
    writer, document: Document, indexed_hash: str | None, report: BuildReport
) -> None:
    records = document_records(document)
    if records[0][CONTENT_HASH] == indexed_hash:
        report.unchanged += 1
        return
    if indexed_hash is None:
        report.added += 1
    else:
        writer.delete_by_term("doc_id", document.id)
        report.replaced += 1
    for record in records:
        writer.add_document(**record)


def _indexed_hashes(ix: whoosh_index.Index) -> dict[str, str]:
    """Each indexed document's content hash (deleted chunks are not read)."""
    with ix.reader() as reader:
        return {fields["doc_id"]: fields[CONTENT_HASH] for _, fields in reader.iter_docs()}


def _same_schema(indexed: Schema, expected: Schema) -> bool:
    """Whether an index's stored schema equals ours: same fields, types, options and analyzers.

    Whoosh compares fields by their attributes, except column types, which lack equality.
    """

    def state(field_type) -> tuple:
        attributes = dict(vars(field_type))
        column = attributes.pop("column_type", None)
        return type(field_type), attributes, type(column), vars(column) if column else None

    return indexed.names() == expected.names() and all(
        state(indexed[name]) == state(expected[name]) for name in expected.names()
    )


def _link_files(source: Path, target: Path) -> None:
    """Hard-link (or, where links are impossible, copy) a generation's index files."""
    for path in source.iterdir():
        if not path.is_file() or path.name.endswith(_WHOOSH_LOCK) or path.name == META_FILE:
            continue
        try:
            os.link(path, target / path.name)
        except OSError:
            shutil.copy2(path, target / path.name)


def _write_meta(generation: Path, report: BuildReport) -> None:
    meta = {
        "built": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "documents": report.documents_indexed,
        "per_source": report.per_source,
        "chunks": report.chunks,
        "seconds": round(report.seconds, 2),
        "incremental": report.incremental,
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
    _sync_path(path.parent)


def _sync_folder(folder: Path) -> None:
    """Flush a generation's files to disk before it is named current (for power loss; a killed
    process loses nothing the kernel already has)."""
    for path in folder.iterdir():
        if path.is_file():
            _sync_path(path)
    _sync_path(folder)


def _sync_path(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _current_or_none(index_dir: Path) -> Path | None:
    try:
        return current_generation(index_dir)
    except NoIndexError:
        return None


def _generations(index_dir: Path) -> list[Path]:
    """The generation folders, oldest first."""
    folders = (p for p in index_dir.glob(GENERATION_PREFIX + "*") if p.is_dir())
    return sorted(folders, key=_generation_order)


def _generation_order(folder: Path) -> tuple[int, str]:
    """Generations are numbered in the order writers made them (older names count as 0)."""
    number = folder.name[len(GENERATION_PREFIX) :].split("-")[0]
    return (int(number) if number.isdigit() else 0), folder.name


def _new_generation(index_dir: Path) -> Path:
    """Make the folder of the next generation: numbered after every existing one."""
    number = 1 + max((_generation_order(p)[0] for p in _generations(index_dir)), default=0)
    generation = index_dir / f"{GENERATION_PREFIX}{number:06d}-{_timestamp()}"
    generation.mkdir()
    return generation


def _remove_abandoned(index_dir: Path, current: Path | None) -> None:
    """Delete what killed writers left: generations newer than the current one (no writer
    runs, we hold the lock, and no reader ever opened them) and temporary files."""
    order = _generation_order(current) if current else None
    for folder in _generations(index_dir):
        if order is None or _generation_order(folder) > order:
            shutil.rmtree(folder, ignore_errors=True)
    for temporary in index_dir.glob(".*.tmp"):
        temporary.unlink(missing_ok=True)


def _remove_old_generations(index_dir: Path) -> None:
    """Delete generations older than the current one, except the newest `KEEP_PREVIOUS`."""
    order = _generation_order(current_generation(index_dir))
    older = [folder for folder in _generations(index_dir) if _generation_order(folder) < order]
    for folder in older[: len(older) - KEEP_PREVIOUS]:
        shutil.rmtree(folder, ignore_errors=True)


def _busy_message(index_dir: Path, holder: str) -> str:
    """Say who holds the writer lock, and what to do if the process that took it is gone."""
    found = re.search(r"process (\d+)", holder)
    pid = int(found[1]) if found else None
    if pid is None or _process_exists(pid):
        who = holder.strip() or "another process"
        return f"the index is busy: {who} is writing it; try again when it has finished"
    return (
        f"the index is busy: process {pid} took the writer lock and has ended, but a process it "
        f"started still holds the lock (an indexing worker?); `fuser -v {index_dir / LOCK_FILE}` "
        "shows it; end that process and try again"
    )


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _timestamp() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
