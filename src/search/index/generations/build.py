"""What a build reads and writes: every document of the corpus, parsed here, analysed in
batches (in worker processes, `batch_analysis`) and written here as segments of
`SEGMENT_DOCUMENTS` documents in corpus order (`array_writer`), so that any number of processes
gives the same index; the corpus manifest of what was read (`corpus_manifest`)."""

from __future__ import annotations

import os
import sys
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Segment

from search.index.arrays.derived import LexiconFacts
from search.index.format.segment_files import commit_segments
from search.index.generations.array_writer import ArrayWriter
from search.index.generations.batch_analysis import AnalysedBatch, analysed_in_order
from search.index.generations.corpus_manifest import (
    CorpusFile,
    CorpusManifest,
    ReadDocument,
    new_entry,
    place_in_file,
    reader_fingerprint,
)
from search.index.generations.reports import (
    INDEXING,
    READING,
    WRITING,
    BuildReport,
    Progress,
    ProgressListener,
    notify,
)
from search.ingest.corpus import (
    FileSkips,
    corpus_files,
    count_documents,
    read_documents,
    reading_key,
)
from search.ingest.document import Document

# Documents per segment of a build: the bundled corpus is one segment, 100,000 documents four.
# A segment's postings are held in memory until it is written, and every segment costs each
# search a look-up per term. Measured on the scaled corpus of 100,000 documents, 2 processes
# (`bench/cpu.py`, the writing process's peak, the build's time): 25,000 a segment, 18 ms of CPU
# a search, 1.3 GB, 229 s; 50,000 (2 segments), 17.5 ms, 2.4 GB, 255 s (the workers wait while
# a larger segment is written); 10,000 (11 segments) cost a search about 7 ms more.
SEGMENT_DOCUMENTS = 25_000
# Documents per batch handed to an analysing process.
BATCH_DOCUMENTS = 250
# Below this many documents per process, worker processes cost more than they save (each
# starts Python and loads the lexicon, about 3 s of work).
DOCUMENTS_PER_WORKER = 500


def default_procs() -> int:
    """Indexing processes by default: 2 where the machine has 2 cores or more, else 1."""
    return 2 if (os.cpu_count() or 1) >= 2 else 1


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

    def __init__(
        self, corpus_dir: Path, report: BuildReport, progress: ProgressListener | None
    ) -> None:
        self.corpus_dir = corpus_dir
        self.report = report
        self.progress = progress
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
        skipped = FileSkips()
        for number, document in enumerate(read_documents(path, skipped)):
            self._read += 1
            notify(self.progress, Progress(INDEXING, self._read, self.total, self._elapsed()))
            self.report.documents_read += 1
            place = place_in_file(path, document.origin)
            if document.id in self.seen:
                self.report.duplicates.append(f"{document.id} ({document.origin})")
                entry.documents.append(ReadDocument(document.id, "", document.source, 0, place))
                continue
            self.seen.add(document.id)
            entry.documents.append(None)
            key = reading_key(self.corpus_dir, path, number)
            yield (entry, len(entry.documents) - 1), (document, key)
        entry.note_skips(path, skipped)

    def record(self, batch: _Batch, analysed: AnalysedBatch) -> None:
        """Count a batch's documents as analysed and fill in their manifest entries."""
        skipped_by_origin = {skip.path: skip for skip in analysed.skipped}
        for (document, _), (entry, slot), indexed in zip(
            batch.documents, batch.slots, analysed.indexed, strict=True
        ):
            place = place_in_file(Path(self.corpus_dir) / entry.path, document.origin)
            if indexed is None:
                # The chunker or the analysis failed on it: skipped, not counted as read.
                self.report.documents_read -= 1
                entry.note_skipped(place, skipped_by_origin[document.origin].reason)
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


def build_segments(
    corpus_dir: Path,
    generation: Path,
    ix: whoosh_index.FileIndex,
    report: BuildReport,
    progress: ProgressListener | None,
    procs: int,
) -> tuple[CorpusManifest, LexiconFacts]:
    """Write every document of the corpus as segments of `SEGMENT_DOCUMENTS` in corpus order
    and commit them; the corpus manifest of what was read, and what the lexicon said of the
    words and people analysed (for `complete_generation`)."""
    notify(progress, Progress(READING))
    files = corpus_files(corpus_dir, report.skipped)
    reading = _BuildReading(corpus_dir, report, progress)
    reading.total = sum(count_documents(path) for path in files)
    report.files_read = len(files)
    procs = max(1, min(procs, reading.total // DOCUMENTS_PER_WORKER))
    batch_size = max(1, min(BATCH_DOCUMENTS, reading.total // (4 * procs) or 1))
    notify(progress, Progress(INDEXING, 0, reading.total))
    queued: deque[_Batch] = deque()

    def documents_of(batches: Iterator[_Batch]) -> Iterator[list[tuple[Document, str]]]:
        for batch in batches:
            queued.append(batch)
            yield batch.documents

    segments: list[W3Segment] = []
    facts = LexiconFacts()
    writer = ArrayWriter(ix.schema)
    batches = documents_of(reading.batches(files, batch_size))
    for analysed in analysed_in_order(ix.schema, batches, procs):
        batch = queued.popleft()
        reading.record(batch, analysed)
        writer.add_batch(analysed.batch)
        facts.update(analysed.facts)
        if batch.ends_segment and writer.doc_count:
            segments.append(writer.write(generation))
            writer = ArrayWriter(ix.schema)
    notify(progress, Progress(WRITING, report.documents_indexed))
    if writer.doc_count:
        segments.append(writer.write(generation))
    commit_segments(ix, segments)
    return reading.manifest(), facts
