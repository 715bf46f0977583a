"""Build, update and optimize the index: parse the corpus, chunk, analyse, write segments, and
swap the result in atomically.

A build starts its generation (see `generations`) empty and writes the corpus as segments of
`SEGMENT_DOCUMENTS` documents, in corpus order; analysis runs in worker processes
(`batch_analysis`), segments are written here (`array_writer`), so any number of processes
gives the same index. An update starts its generation as hard links to the files of the current
one, reads only the corpus files that changed since (`corpus_manifest`), writes one segment of
what is new or changed, and marks what it replaces deleted in the table of contents. This is
safe because no index file changes once written: a commit writes new segments under new random
names, keeps deletions in the table of contents (`_MAIN_<n>.toc`, written under a temporary name
and renamed to the next number), and only ever unlinks the files it no longer needs.

Small segments left by updates are merged once there are `MERGE_AT` of them, in a generation of
their own swapped in after the update's (`segment_merging`), or by `optimize_index`.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import shutil
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Segment
from whoosh.fields import Schema

from search.index.arrays.derived import GENERATION_FILES, complete_generation
from search.index.format.segment_files import commit_segments
from search.index.generations.array_writer import ArrayWriter
from search.index.generations.batch_analysis import (
    AnalysedBatch,
    analysed_in_order,
    records_or_none,
)
from search.index.generations.corpus_manifest import (
    CORPUS_DOCUMENTS_FILE,
    CORPUS_MANIFEST_FILE,
    CorpusFile,
    CorpusManifest,
    ReadDocument,
    indexed_documents,
    new_entry,
    reader_fingerprint,
    relative_path,
    unchanged_entry,
)
from search.index.generations.folders import (
    CURRENT_FILE,
    MANIFEST_FILE,
    META_FILE,
    WHOOSH_LOCK_SUFFIX,
    DamagedIndexError,
    IndexVersionError,
    NoIndexError,
    current_or_none,
    generation_named_current,
    make_current,
    new_generation,
    open_index,
    read_manifest,
    read_meta,
    remove_abandoned,
    remove_old_generations,
    size_fault,
    sync_folder,
    verify_generation,
    write_atomically,
    write_lock,
    write_manifest,
)
from search.index.generations.mapped_storage import MappedStorage
from search.index.generations.records import CONTENT_HASH
from search.index.generations.segment_merging import merge_segments, mergeable
from search.index.schema import build_schema
from search.ingest.corpus import (
    SkippedFile,
    corpus_files,
    count_documents,
    read_documents,
    reading_key,
)
from search.ingest.document import Document

# Documents per segment of a build: the bundled corpus is one segment, 100,000 documents ten.
# A segment's postings are held in memory until it is written (about 0.7 GB at this size), and
# every segment costs each search a lookup per term.
SEGMENT_DOCUMENTS = 10_000
# Documents per batch handed to an analysing process.
BATCH_DOCUMENTS = 250
# Below this many documents per process, worker processes cost more than they save (each
# starts Python and loads the lexicon, about 3 s of work).
DOCUMENTS_PER_WORKER = 500

READING, INDEXING, WRITING, MERGING, DONE = "reading", "indexing", "writing", "merging", "done"


def default_procs() -> int:
    """Indexing processes by default: 2 where the machine has 2 cores or more, else 1."""
    return 2 if (os.cpu_count() or 1) >= 2 else 1


@dataclass(frozen=True)
class Progress:
    """Where a build or update is: its phase (reading the corpus, indexing documents, writing
    the index, merging segments, done) and, while indexing and when done, documents so far of
    all and seconds."""

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
    # Corpus files read (an update reads only those that changed) and segments merged after.
    files_read: int = 0
    merged: MergeReport | None = None

    @property
    def changed(self) -> bool:
        """Whether any document was added, replaced or removed."""
        return bool(self.added or self.replaced or self.removed)


@dataclass
class MergeReport:
    """Segments merged into one (by an update, or `optimize_index`), and the generation made."""

    segments: int = 0
    chunks: int = 0
    seconds: float = 0.0
    generation: str = ""


def build_index(
    corpus_dir: Path,
    index_dir: Path,
    *,
    progress: ProgressListener | None = None,
    procs: int | None = None,
    strict: bool = False,
) -> BuildReport:
    """Index every document under `corpus_dir` into a new generation and make it current.

    `procs`: analysing processes (default `default_procs()`); the index is the same for any
    number. With `strict`, a build that skipped anything is not made current
    (`BuildReport.refused`).
    """
    procs = procs or default_procs()
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
    this is a build. When nothing changed, no generation is made, the index in use stays as it
    is, and neither the corpus nor the index is read; with `strict`, neither is a generation
    made when anything was skipped.
    """
    options = _WriteOptions(incremental=True, progress=progress, procs=1, strict=strict)
    return _write(Path(corpus_dir), Path(index_dir), options)


def optimize_index(index_dir: Path, *, progress: ProgressListener | None = None) -> MergeReport:
    """Merge the small segments of the index in use (those updates left) into one, in a new
    generation made current; a `MergeReport` of 0 segments when there is nothing to merge."""
    index_dir = Path(index_dir)
    started = time.perf_counter()
    with _writable(index_dir), write_lock(index_dir):
        current = _intact_current(index_dir, [], verify=True)
        if current is None:
            raise NoIndexError(f"Geen intacte zoekindex in {index_dir.resolve()}.")
        remove_abandoned(index_dir)
        report = _merge_into_new_generation(index_dir, current, progress, every_small=True)
        remove_old_generations(index_dir)
    report.seconds = time.perf_counter() - started
    _notify(progress, Progress(DONE, seconds=report.seconds))
    return report


@dataclass(frozen=True)
class _WriteOptions:
    incremental: bool
    progress: ProgressListener | None
    procs: int
    strict: bool


def _write(corpus_dir: Path, index_dir: Path, options: _WriteOptions) -> BuildReport:
    """Fill a new generation (from the current one if `incremental`) and swap it in, unless an
    update finds nothing to do; merge small segments when an update left enough of them."""
    if not corpus_dir.is_dir():
        raise FileNotFoundError(f"Corpusmap niet gevonden: {corpus_dir.resolve()}")
    started = time.perf_counter()
    with _writable(index_dir), write_lock(index_dir):
        report = _nothing_to_do(corpus_dir, index_dir) if options.incremental else None
        if report is None:
            report = _write_generation(corpus_dir, index_dir, options, started)
        else:
            report.refused = options.strict and bool(report.skipped)
            remove_abandoned(index_dir)
        swapped = report.generation and not report.refused and report.changed
        if swapped and report.incremental:
            report.merged = _merge_when_due(index_dir, options.progress)
        if current_or_none(index_dir) is not None:
            remove_old_generations(index_dir)
    report.seconds = time.perf_counter() - started
    _notify(options.progress, Progress(DONE, report.documents_indexed, seconds=report.seconds))
    return report


def _write_generation(
    corpus_dir: Path, index_dir: Path, options: _WriteOptions, started: float
) -> BuildReport:
    passed_over: list[str] = []
    current = _intact_current(index_dir, passed_over, verify=True)
    remove_abandoned(index_dir)
    generation = new_generation(index_dir)
    try:
        base = current if options.incremental else None
        report = _fill_generation(corpus_dir, generation, base, options)
        report.passed_over = passed_over
        report.seconds = time.perf_counter() - started
        report.refused = options.strict and bool(report.skipped)
        if (report.changed or not report.incremental) and not report.refused:
            _finish_generation(generation, report, base)
            make_current(index_dir, generation.name)
        else:
            shutil.rmtree(generation)
            report.generation = current.name if current else ""
    except BaseException:
        shutil.rmtree(generation, ignore_errors=True)
        raise
    return report


def _finish_generation(generation: Path, report: BuildReport, base: Path | None) -> None:
    """The build facts and the manifest of files, flushed to disk: the generation is complete."""
    _write_meta(generation, report)
    write_manifest(generation, known=_checksums_to_reuse(generation, base))
    sync_folder(generation)


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


def _intact_current(index_dir: Path, passed_over: list[str], verify: bool) -> Path | None:
    """The generation to update from: the one readers search, with `verify` its checksums
    verified. What was passed over on the way (a damaged generation, a `CURRENT` that names
    none) is described in `passed_over`."""
    damaged: list[Path] = []
    while (current := current_or_none(index_dir, damaged)) is not None:
        try:
            if verify:
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


# Updates that find nothing to do


def _nothing_to_do(corpus_dir: Path, index_dir: Path) -> BuildReport | None:
    """When the corpus is as the generation in use was built from (every file of the same size
    and time, or the same content, and the same reading code): the report of an update that
    changes nothing, from that generation's corpus manifest alone; else None."""
    passed_over: list[str] = []
    current = _intact_current(index_dir, passed_over, verify=False)
    if current is None:
        return None
    manifest = CorpusManifest.load(current, documents=False)
    if manifest is None or manifest.reader != reader_fingerprint():
        return None
    if not _readable_with_our_schema(current):
        return None
    files = corpus_files(corpus_dir)
    if [relative_path(corpus_dir, path) for path in files] != [f.path for f in manifest.files]:
        return None
    if any(
        unchanged_entry(path, listed) is None
        for path, listed in zip(files, manifest.files, strict=True)
    ):
        return None
    report = _report_of_manifest(corpus_dir, manifest)
    report.generation, report.incremental = current.name, True
    report.passed_over = passed_over
    report.chunks = read_meta(current).get("chunks", 0)
    return report


def _readable_with_our_schema(generation: Path) -> bool:
    """Whether a generation's index has our schema (its table of contents is all that is read)."""
    try:
        ix = open_index(generation)
    except IndexVersionError:
        return False
    try:
        return _same_schema(ix.schema, build_schema())
    finally:
        ix.close()


def _report_of_manifest(corpus_dir: Path, manifest: CorpusManifest) -> BuildReport:
    summary = manifest.summary
    report = BuildReport(duplicates=summary.duplicate_origins(corpus_dir, manifest.files))
    report.documents_indexed = report.unchanged = summary.documents_indexed
    report.documents_read = summary.documents_read
    report.per_source = dict(summary.per_source)
    for entry in manifest.files:
        report.skipped += entry.skipped_files(corpus_dir)
    return report


# Filling a generation


def _fill_generation(
    corpus_dir: Path, generation: Path, base: Path | None, options: _WriteOptions
) -> BuildReport:
    """Write the corpus into `generation`, starting from `base` if it can be updated."""
    report = BuildReport(generation=generation.name)
    schema = build_schema()
    ix, previous = _start_generation(generation, base, schema)
    report.incremental = previous is not None
    try:
        if previous is None:
            manifest = _build_segments(corpus_dir, generation, ix, report, options)
        else:
            manifest = _update_segments(corpus_dir, generation, ix, previous, report, options)
        if report.changed or not report.incremental:
            # A rebuild's base (another schema, maybe another version) lends nothing.
            complete_generation(generation, previous=base if report.incremental else None)
            manifest.save(generation)
        report.chunks = _live_chunks(ix)
    finally:
        ix.close()
    return report


@dataclass(frozen=True)
class _Previous:
    """What an update starts from: the documents indexed (id -> content hash) and, when the
    generation has one, the corpus manifest it was built from."""

    hashes: dict[str, str]
    manifest: CorpusManifest | None


def _start_generation(
    generation: Path, base: Path | None, schema: Schema
) -> tuple[whoosh_index.FileIndex, _Previous | None]:
    """Open the new generation's index: a copy of `base` with what it holds, or, without a
    base of the same schema, an empty index and None."""
    if base is not None:
        _link_files(base, generation)
        try:
            ix = open_index(generation)
        except IndexVersionError:
            ix = None
        if ix is not None and _same_schema(ix.schema, schema):
            return ix, _previous_of(base, ix)
        if ix is not None:
            ix.close()
        shutil.rmtree(generation)
        generation.mkdir()
    return whoosh_index.create_in(str(generation), schema), None


def _previous_of(base: Path, ix: whoosh_index.FileIndex) -> _Previous:
    """The documents of the generation an update starts from (`base`, whose files `ix` holds):
    from its corpus manifest, or (a generation written before manifests) from every stored
    chunk."""
    manifest = CorpusManifest.load(base)
    if manifest is None:
        return _Previous(_indexed_hashes(ix), None)
    indexed = indexed_documents(manifest.files)
    hashes = {doc_id: document.content_hash for doc_id, document in indexed.items()}
    return _Previous(hashes, manifest)


# Builds: documents parsed here, analysed in batches (in worker processes), written here


@dataclass
class _Batch:
    """Documents on their way to analysis, with where each one's manifest entry goes, and
    whether the segment ends with them (after `SEGMENT_DOCUMENTS`)."""

    documents: list[tuple[Document, str]]  # each with its corpus key (`reading_key`)
    slots: list[tuple[CorpusFile, int]]
    ends_segment: bool


class _BuildReading:
    """Reads the corpus files in order into batches, keeping each file's manifest entry and
    the report's counts; duplicates are counted and not analysed."""

    def __init__(self, corpus_dir: Path, report: BuildReport, options: _WriteOptions) -> None:
        self.corpus_dir = corpus_dir
        self.report = report
        self.progress = options.progress
        self.entries: list[CorpusFile] = []
        self.seen: set[str] = set()
        self.total = 0
        self._started = time.perf_counter()
        self._read = 0

    def batches(self, files: list[Path], batch_size: int) -> Iterator[_Batch]:
        """The documents to index, in batches ending at segment boundaries."""
        batch = _Batch([], [], False)
        in_segment = 0
        for path in files:
            for slot, document in self._documents(path):
                batch.documents.append(document)
                batch.slots.append(slot)
                in_segment += 1
                batch.ends_segment = in_segment == SEGMENT_DOCUMENTS
                if batch.ends_segment or len(batch.documents) == batch_size:
                    yield batch
                    in_segment %= SEGMENT_DOCUMENTS
                    batch = _Batch([], [], False)
        if batch.documents:
            yield batch

    def _documents(
        self, path: Path
    ) -> Iterator[tuple[tuple[CorpusFile, int], tuple[Document, str]]]:
        entry = new_entry(self.corpus_dir, path)
        self.entries.append(entry)
        skipped: list[SkippedFile] = []
        for number, document in enumerate(read_documents(path, skipped)):
            self._read += 1
            _notify(self.progress, Progress(INDEXING, self._read, self.total, self._elapsed()))
            self.report.documents_read += 1
            place = _place(path, document.origin)
            if document.id in self.seen:
                self.report.duplicates.append(f"{document.id} ({document.origin})")
                entry.documents.append(ReadDocument(document.id, "", document.source, 0, place))
                continue
            self.seen.add(document.id)
            entry.documents.append(None)
            key = reading_key(self.corpus_dir, path, number)
            yield (entry, len(entry.documents) - 1), (document, key)
        entry.skipped += [(_place(path, skip.path), skip.reason) for skip in skipped]

    def record(self, batch: _Batch, analysed: AnalysedBatch) -> None:
        """Count a batch's documents as analysed and fill in their manifest entries."""
        skipped_by_origin = {skip.path: skip for skip in analysed.skipped}
        for (document, _), (entry, slot), indexed in zip(
            batch.documents, batch.slots, analysed.indexed, strict=True
        ):
            place = _place(Path(self.corpus_dir) / entry.path, document.origin)
            if indexed is None:
                # The chunker or the analysis failed on it: skipped, not counted as read.
                self.report.documents_read -= 1
                entry.skipped.append((place, skipped_by_origin[document.origin].reason))
                continue
            entry.documents[slot] = ReadDocument(
                document.id, indexed.content_hash, document.source, indexed.chunks, place
            )
            self.report.documents_indexed += 1
            self.report.added += 1
            source = document.source
            self.report.per_source[source] = self.report.per_source.get(source, 0) + 1

    def manifest(self) -> CorpusManifest:
        """The manifest of what was read; what was skipped, in corpus order, in the report."""
        for entry in self.entries:
            entry.documents = [document for document in entry.documents if document is not None]
            # Records skipped while reading and while analysing, each in the order of the file.
            entry.skipped.sort(key=lambda skip: _line_number(skip[0]))
            self.report.skipped += entry.skipped_files(self.corpus_dir)
        return CorpusManifest(reader_fingerprint(), self.entries)

    def _elapsed(self) -> float:
        return time.perf_counter() - self._started


def _line_number(place: str) -> int:
    """The line of a place in a file (":12" -> 12; the whole file, "", after its lines)."""
    return int(place[1:]) if place[1:].isdigit() else sys.maxsize


def _place(path: Path, origin: str) -> str:
    """Where in its file a document or record stands: what its origin adds to the path."""
    return origin[len(str(path)) :] if origin.startswith(str(path)) else ""


def _build_segments(
    corpus_dir: Path,
    generation: Path,
    ix: whoosh_index.FileIndex,
    report: BuildReport,
    options: _WriteOptions,
) -> CorpusManifest:
    """Write every document of the corpus as segments of `SEGMENT_DOCUMENTS` in corpus order
    and commit them; the corpus manifest of what was read."""
    _notify(options.progress, Progress(READING))
    files = corpus_files(corpus_dir)
    reading = _BuildReading(corpus_dir, report, options)
    reading.total = sum(count_documents(path) for path in files)
    report.files_read = len(files)
    procs = max(1, min(options.procs, reading.total // DOCUMENTS_PER_WORKER))
    batch_size = max(1, min(BATCH_DOCUMENTS, reading.total // (4 * procs) or 1))
    _notify(options.progress, Progress(INDEXING, 0, reading.total))
    queued: deque[_Batch] = deque()

    def documents_of(batches: Iterator[_Batch]) -> Iterator[list[tuple[Document, str]]]:
        for batch in batches:
            queued.append(batch)
            yield batch.documents

    segments: list[W3Segment] = []
    writer = ArrayWriter(ix.schema)
    batches = documents_of(reading.batches(files, batch_size))
    for analysed in analysed_in_order(ix.schema, batches, procs):
        batch = queued.popleft()
        reading.record(batch, analysed)
        writer.add_batch(analysed.batch)
        if batch.ends_segment and writer.doc_count:
            segments.append(writer.write(generation))
            writer = ArrayWriter(ix.schema)
    _notify(options.progress, Progress(WRITING, report.documents_indexed))
    if writer.doc_count:
        segments.append(writer.write(generation))
    commit_segments(ix, segments)
    return reading.manifest()


# Updates: only what changed is read, and written as one segment


class _UpdateReading:
    """One pass over the corpus files in order: unchanged files taken from the previous
    manifest unopened, the others read and their documents compared by content hash; what is
    new or changed goes to `writer`, in corpus order."""

    def __init__(
        self,
        corpus_dir: Path,
        generation: Path,
        ix: whoosh_index.FileIndex,
        previous: _Previous,
        report: BuildReport,
    ) -> None:
        self.corpus_dir = corpus_dir
        self.generation = generation
        self.schema = ix.schema
        self.previous = previous
        self.writer = ArrayWriter(ix.schema)
        self.written: list[W3Segment] = []
        self._in_writer = 0
        self.report = report
        self.winners: dict[str, str] = {}
        self.entries: list[CorpusFile] = []
        self.to_delete: list[str] = []
        self._listed = {}
        self._fingerprint = reader_fingerprint()
        if previous.manifest is not None and previous.manifest.reader == self._fingerprint:
            self._listed = {entry.path: entry for entry in previous.manifest.files}

    def read(self, files: list[Path]) -> CorpusManifest:
        for path in files:
            listed = self._listed.get(relative_path(self.corpus_dir, path))
            entry = unchanged_entry(path, listed)
            if entry is None or self._needs_reading(entry):
                entry = self._read_file(path)
            else:
                self._take_unchanged(entry)
            self.entries.append(entry)
        self._remove_gone()
        return CorpusManifest(self._fingerprint, self.entries)

    def _needs_reading(self, entry: CorpusFile) -> bool:
        """Whether an unchanged file holds a document that now counts and differs from the one
        indexed (its id's earlier copy is gone, say)."""
        hashes = self.previous.hashes
        counted: set[str] = set()
        for document in entry.documents:
            if document.doc_id in self.winners or document.doc_id in counted:
                continue
            counted.add(document.doc_id)
            if hashes.get(document.doc_id) != document.content_hash:
                return True
        return False

    def _take_unchanged(self, entry: CorpusFile) -> None:
        for document in entry.documents:
            self.report.documents_read += 1
            if document.doc_id in self.winners:
                origin = f"{Path(self.corpus_dir) / entry.path}{document.place}"
                self.report.duplicates.append(f"{document.doc_id} ({origin})")
                continue
            self._count_winner(document)
            self.report.unchanged += 1
        self.report.skipped += entry.skipped_files(self.corpus_dir)

    def _read_file(self, path: Path) -> CorpusFile:
        entry = new_entry(self.corpus_dir, path)
        self.report.files_read += 1
        skipped: list[SkippedFile] = []
        for number, document in enumerate(read_documents(path, skipped)):
            key = reading_key(self.corpus_dir, path, number)
            records = records_or_none(document, skipped, key)
            if records is None:
                continue
            self.report.documents_read += 1
            content_hash = records[0][CONTENT_HASH]
            place = _place(path, document.origin)
            entry.documents.append(
                ReadDocument(document.id, content_hash, document.source, len(records), place)
            )
            if document.id in self.winners:
                self.report.duplicates.append(f"{document.id} ({document.origin})")
                continue
            self._count_winner(entry.documents[-1])
            self._apply(document.id, content_hash, records)
        self.report.skipped += skipped
        entry.skipped = [(_place(path, skip.path), skip.reason) for skip in skipped]
        return entry

    def _count_winner(self, document: ReadDocument) -> None:
        self.winners[document.doc_id] = document.content_hash
        self.report.documents_indexed += 1
        source = document.source
        self.report.per_source[source] = self.report.per_source.get(source, 0) + 1

    def _apply(self, doc_id: str, content_hash: str, records: list[dict]) -> None:
        indexed = self.previous.hashes.get(doc_id)
        if indexed == content_hash:
            self.report.unchanged += 1
            return
        if indexed is None:
            self.report.added += 1
        else:
            self.to_delete.append(doc_id)
            self.report.replaced += 1
        for record in records:
            self.writer.add_document(record)
        self._in_writer += 1
        if self._in_writer == SEGMENT_DOCUMENTS:
            self.written.append(self.writer.write(self.generation))
            self.writer, self._in_writer = ArrayWriter(self.schema), 0

    def segments(self) -> list[W3Segment]:
        """The segments of what is new or changed (none when nothing is)."""
        if self._in_writer:
            self.written.append(self.writer.write(self.generation))
            self.writer, self._in_writer = ArrayWriter(self.schema), 0
        return self.written

    def _remove_gone(self) -> None:
        for doc_id in sorted(self.previous.hashes.keys() - self.winners.keys()):
            self.to_delete.append(doc_id)
            self.report.removed.append(doc_id)


def _update_segments(
    corpus_dir: Path,
    generation: Path,
    ix: whoosh_index.FileIndex,
    previous: _Previous,
    report: BuildReport,
    options: _WriteOptions,
) -> CorpusManifest:
    """Write what changed as one new segment, mark what it replaces and what is gone deleted;
    the corpus manifest of the corpus as it is now."""
    _notify(options.progress, Progress(READING))
    files = corpus_files(corpus_dir)
    reading = _UpdateReading(corpus_dir, generation, ix, previous, report)
    _notify(options.progress, Progress(INDEXING, 0, len(files)))
    manifest = reading.read(files)
    if report.changed:
        _notify(options.progress, Progress(WRITING, report.documents_indexed))
        deletions = _docnums(ix, reading.to_delete)
        commit_segments(ix, reading.segments(), deletions=deletions)
    return manifest


def _live_chunks(ix: whoosh_index.FileIndex) -> int:
    """The chunks an index holds, deleted ones left out, from its table of contents alone
    (Whoosh's `doc_count` opens every segment, copying it into memory)."""
    return sum(segment.doc_count() for segment in ix._read_toc().segments)


def _docnums(ix: whoosh_index.FileIndex, doc_ids: list[str]) -> dict[str, list[int]]:
    """The chunks of these documents in each segment (segment id -> segment docnums)."""
    found: dict[str, list[int]] = {}
    if not doc_ids:
        return found
    # Through maps of the files: Whoosh's own storage copies each part of a segment it opens
    # into memory (1.4 GB for 100,000 documents), where a few terms are all that is read.
    mapped = open_index(Path(ix.storage.folder), MappedStorage(Path(ix.storage.folder)))
    with mapped.reader() as reader:
        for leaf, _ in reader.leaf_readers():
            segment_id = leaf.segment().segment_id()
            for doc_id in doc_ids:
                if ("doc_id", doc_id) in leaf:
                    found.setdefault(segment_id, []).extend(
                        leaf.postings("doc_id", doc_id).all_ids()
                    )
    return found


def _indexed_hashes(ix: whoosh_index.FileIndex) -> dict[str, str]:
    """Each indexed document's content hash (deleted chunks are not read)."""
    with ix.reader() as reader:
        return {fields["doc_id"]: fields[CONTENT_HASH] for _, fields in reader.iter_docs()}


# Merging small segments


def _merge_when_due(index_dir: Path, progress: ProgressListener | None) -> MergeReport | None:
    """After an update: merge the small segments into one when there are enough of them."""
    current = current_or_none(index_dir)
    if current is None:
        return None
    started = time.perf_counter()
    report = _merge_into_new_generation(index_dir, current, progress, every_small=False)
    if not report.segments:
        return None
    report.seconds = time.perf_counter() - started
    return report


def _merge_into_new_generation(
    index_dir: Path, base: Path, progress: ProgressListener | None, every_small: bool
) -> MergeReport:
    """A generation that is `base` with its small segments merged into one, made current."""
    ix = open_index(base)
    try:
        chosen = mergeable(ix._read_toc().segments, every_small)
    finally:
        ix.close()
    if not chosen:
        return MergeReport(generation=base.name)
    _notify(progress, Progress(MERGING, len(chosen)))
    generation = new_generation(index_dir)
    try:
        _link_files(base, generation, also=(CORPUS_MANIFEST_FILE, CORPUS_DOCUMENTS_FILE))
        ix = open_index(generation)
        try:
            merge_segments(generation, ix, chosen)
            chunks = _live_chunks(ix)
        finally:
            ix.close()
        complete_generation(generation, previous=base)
        meta = {**read_meta(base), "merged_segments": len(chosen), "chunks": chunks}
        meta["built"] = _now()
        write_atomically(generation / META_FILE, json.dumps(meta, indent=2, ensure_ascii=False))
        write_manifest(generation, known=_checksums_to_reuse(generation, base))
        sync_folder(generation)
        make_current(index_dir, generation.name)
    except BaseException:
        shutil.rmtree(generation, ignore_errors=True)
        raise
    return MergeReport(segments=len(chosen), chunks=chunks, generation=generation.name)


# Files of a generation


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


def _link_files(source: Path, target: Path, also: tuple[str, ...] = ()) -> None:
    """Hard-link (or, where links are impossible, copy) a generation's index files, and the
    generation files named in `also`."""
    for path in source.iterdir():
        if not path.is_file() or path.name.endswith(WHOOSH_LOCK_SUFFIX):
            continue
        if path.name in _NOT_LINKED and path.name not in also:
            continue
        try:
            os.link(path, target / path.name)
        except OSError:
            shutil.copy2(path, target / path.name)


# Files a generation writes for itself, never taken over from the one it is updated from.
# The tables of `complete_generation` among them.
_NOT_LINKED = (
    META_FILE,
    MANIFEST_FILE,
    CORPUS_MANIFEST_FILE,
    CORPUS_DOCUMENTS_FILE,
    *GENERATION_FILES,
)


def _checksums_to_reuse(generation: Path, base: Path | None) -> dict[str, str]:
    """Checksums of `base`'s manifest for the files `generation` shares with it (hard links of
    the same file, verified when the writer started from it): not computed again."""
    listed = read_manifest(base) if base is not None else None
    if not listed:
        return {}
    known = {}
    for name, entry in listed.items():
        try:
            shared = os.path.samefile(base / name, generation / name)
        except OSError:
            continue
        if shared and isinstance(entry.get("sha256"), str):
            known[name] = entry["sha256"]
    return known


def _write_meta(generation: Path, report: BuildReport) -> None:
    meta = {
        "built": _now(),
        "documents": report.documents_indexed,
        "per_source": report.per_source,
        "chunks": report.chunks,
        "seconds": round(report.seconds, 2),
        "incremental": report.incremental,
        "skipped": [str(skip) for skip in report.skipped],
    }
    write_atomically(generation / META_FILE, json.dumps(meta, indent=2, ensure_ascii=False))


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
