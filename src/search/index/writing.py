"""Build and update the index: parse the corpus, chunk, analyse, and swap the result in atomically.

A build starts its generation (see `generations`) empty. An update starts it as hard links to
the files of the current generation and applies only the differences. This is safe because
Whoosh never changes a file once written: a commit writes new segments under new random names,
keeps deletions in the table of contents (`_MAIN_<n>.toc`, written under a temporary name and
renamed to the next number), and only ever unlinks the files it no longer needs.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.fields import Schema

from search.index.derived import GENERATION_FILES, complete_generation
from search.index.generations import (
    CURRENT_FILE,
    MANIFEST_FILE,
    META_FILE,
    WHOOSH_LOCK_SUFFIX,
    DamagedIndexError,
    IndexVersionError,
    current_or_none,
    generation_named_current,
    make_current,
    new_generation,
    open_index,
    remove_abandoned,
    remove_old_generations,
    size_fault,
    sync_folder,
    verify_generation,
    write_atomically,
    write_lock,
    write_manifest,
)
from search.index.records import CONTENT_HASH, document_records
from search.index.schema import CORPUS_KEY, build_schema
from search.ingest.corpus import (
    SkippedFile,
    corpus_files,
    count_documents,
    invalid_record,
    read_documents,
    reading_key,
)
from search.ingest.document import Document

# Megabytes of postings a build holds in memory before sorting them out to a temporary run file,
# shared by its processes. Each run costs a pickling pass and a merge: the bundled corpus fits
# and builds in 83 s instead of 118 s at 256 MB (two runs), with 0.9 GB peak memory instead of
# 0.56 GB; a larger corpus spills runs and stays near this much.
WRITER_MEMORY_MB = 1024


READING, INDEXING, WRITING, DONE = "reading", "indexing", "writing", "done"


@dataclass(frozen=True)
class Progress:
    """Where a build or update is: its phase (reading the corpus, indexing documents, writing
    the index, done) and, while indexing and when done, documents so far of all and seconds."""

    phase: str
    done: int = 0
    total: int = 0
    seconds: float = 0.0


ProgressListener = Callable[[Progress], None]


def _notify(listener: ProgressListener | None, progress: Progress) -> None:
    if listener is not None:
        listener(progress)


class IndexNotWritableError(OSError):
    """The index folder cannot be written: read-only, or another user's."""


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
    # A strict write that skipped files: its generation was not made current.
    refused: bool = False
    # Generations passed over because they were damaged, and why (see `_intact_current`).
    passed_over: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Whether any document was added, replaced or removed."""
        return bool(self.added or self.replaced or self.removed)


def build_index(
    corpus_dir: Path,
    index_dir: Path,
    *,
    progress: ProgressListener | None = None,
    procs: int = 1,
    strict: bool = False,
) -> BuildReport:
    """Index every document under `corpus_dir` into a new generation and make it current.

    With `strict`, a build that skipped anything is not made current (`BuildReport.refused`).
    """
    options = _WriteOptions(incremental=False, progress=progress, procs=procs, strict=strict)
    return _write(Path(corpus_dir), Path(index_dir), options)


def update_index(
    corpus_dir: Path,
    index_dir: Path,
    *,
    progress: ProgressListener | None = None,
    strict: bool = False,
) -> BuildReport:
    """Add new, replace changed and remove deleted documents, then make the result current.

    Without an index to start from (none yet, one built with another schema, or none intact)
    this is a build. When nothing changed, no generation is made and the index in use stays as
    it is; with `strict`, neither does it when anything was skipped.
    """
    options = _WriteOptions(incremental=True, progress=progress, procs=1, strict=strict)
    return _write(Path(corpus_dir), Path(index_dir), options)


@dataclass(frozen=True)
class _WriteOptions:
    incremental: bool
    progress: ProgressListener | None
    procs: int
    strict: bool


def _write(corpus_dir: Path, index_dir: Path, options: _WriteOptions) -> BuildReport:
    """Fill a new generation (from the current one if `incremental`) and swap it in."""
    if not corpus_dir.is_dir():
        raise FileNotFoundError(f"Corpusmap niet gevonden: {corpus_dir.resolve()}")
    started = time.perf_counter()
    with _writable(index_dir), write_lock(index_dir):
        passed_over: list[str] = []
        current = _intact_current(index_dir, passed_over)
        remove_abandoned(index_dir)
        generation = new_generation(index_dir)
        try:
            base = current if options.incremental else None
            report = _fill_generation(corpus_dir, generation, base, options)
            report.passed_over = passed_over
            report.seconds = time.perf_counter() - started
            report.refused = options.strict and bool(report.skipped)
            if (report.changed or not report.incremental) and not report.refused:
                _write_meta(generation, report)
                write_manifest(generation)
                sync_folder(generation)
                make_current(index_dir, generation.name)
            else:
                shutil.rmtree(generation)
                report.generation = current.name if current else ""
        except BaseException:
            shutil.rmtree(generation, ignore_errors=True)
            raise
        if current_or_none(index_dir) is not None:
            remove_old_generations(index_dir)
    report.seconds = time.perf_counter() - started
    _notify(options.progress, Progress(DONE, report.documents_indexed, seconds=report.seconds))
    return report


@contextmanager
def _writable(index_dir: Path) -> Iterator[None]:
    """Say in one line when the index folder cannot be written (read-only, someone else's)."""
    try:
        yield
    except OSError as error:
        if error.errno not in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise
        raise IndexNotWritableError(
            f"Kan niet schrijven in {Path(error.filename or index_dir).resolve()}: "
            "geen schrijfrechten (of een alleen-lezen bestandssysteem). De index in gebruik "
            "blijft zoals hij is."
        ) from None


def _intact_current(index_dir: Path, passed_over: list[str]) -> Path | None:
    """The generation to update from: the one readers search, its checksums verified. What
    was passed over on the way (a damaged generation, a `CURRENT` that names none) is
    described in `passed_over`."""
    damaged: list[Path] = []
    while (current := current_or_none(index_dir, damaged)) is not None:
        try:
            verify_generation(current)
            break
        except DamagedIndexError as error:
            damaged.append(current)
            passed_over.append(f"{current.name}: {error.fault}")
    named = generation_named_current(index_dir)
    if named is None and (index_dir / CURRENT_FILE).exists():
        passed_over.append(f"{CURRENT_FILE} noemt geen generatie van deze index")
    elif named is not None and named != current and named not in damaged:
        passed_over.append(f"{named.name}: {size_fault(named)}")
    return current


def _fill_generation(
    corpus_dir: Path, generation: Path, base: Path | None, options: _WriteOptions
) -> BuildReport:
    """Write the corpus into `generation`, starting from `base` if it can be updated."""
    procs, progress = options.procs, options.progress
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
            _notify(progress, Progress(WRITING, report.documents_indexed))
            writer.commit()
            complete_generation(generation, previous=base)
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
        try:
            ix = open_index(generation)
        except IndexVersionError:
            ix = None
        if ix is not None and _same_schema(ix.schema, build_schema()):
            return ix, _indexed_hashes(ix)
        if ix is not None:
            ix.close()
        shutil.rmtree(generation)
        generation.mkdir()
    return whoosh_index.create_in(str(generation), build_schema()), None


def _apply_corpus(
    corpus_dir: Path,
    writer,
    indexed: dict[str, str],
    report: BuildReport,
    progress: ProgressListener | None,
) -> None:
    """Add what is new, replace what changed and delete what is gone, counting each."""
    _notify(progress, Progress(READING))
    files = corpus_files(corpus_dir)
    total = sum(count_documents(path) for path in files)
    seen: set[str] = set()
    started, done = time.perf_counter(), 0
    _notify(progress, Progress(INDEXING, 0, total))
    for path in files:
        for number, document in enumerate(read_documents(path, report.skipped)):
            done += 1
            _notify(progress, Progress(INDEXING, done, total, time.perf_counter() - started))
            records = _records_or_none(document, report)
            if records is None:
                continue
            report.documents_read += 1
            if document.id in seen:
                report.duplicates.append(f"{document.id} ({document.origin})")
                continue
            seen.add(document.id)
            report.documents_indexed += 1
            report.per_source[document.source] = report.per_source.get(document.source, 0) + 1
            place = reading_key(corpus_dir, path, number)
            _apply_document(writer, records, indexed.get(document.id), report, place)
    for doc_id in sorted(indexed.keys() - seen):
        writer.delete_by_term("doc_id", doc_id)
        report.removed.append(doc_id)


def _records_or_none(document: Document, report: BuildReport) -> list[dict] | None:
    """The document's index records, made before any is written: a document the chunker or
    the analysis fails on is reported and left out, and the writer never holds half of it."""
    try:
        return document_records(document)
    except Exception as error:
        report.skipped.append(SkippedFile(document.origin, invalid_record(error)))
        return None


def _apply_document(
    writer, records: list[dict], indexed_hash: str | None, report: BuildReport, place: str
) -> None:
    doc_id = records[0]["doc_id"]
    if records[0][CONTENT_HASH] == indexed_hash:
        report.unchanged += 1
        return
    if indexed_hash is None:
        report.added += 1
    else:
        writer.delete_by_term("doc_id", doc_id)
        report.replaced += 1
    for record in records:
        writer.add_document(**record, **{CORPUS_KEY: place})


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
    """Hard-link (or, where links are impossible, copy) a generation's index files: Whoosh's and
    each segment's postings file."""
    for path in source.iterdir():
        if not path.is_file() or path.name.endswith(WHOOSH_LOCK_SUFFIX) or path.name in _NOT_LINKED:
            continue
        try:
            os.link(path, target / path.name)
        except OSError:
            shutil.copy2(path, target / path.name)


# Files a generation writes for itself, never taken over from the one it is updated from (the
# tables of `complete_generation` among them).
_NOT_LINKED = (META_FILE, MANIFEST_FILE, *GENERATION_FILES)


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
    write_atomically(generation / META_FILE, json.dumps(meta, indent=2, ensure_ascii=False))
