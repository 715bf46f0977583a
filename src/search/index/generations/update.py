"""What an update reads and writes: only what changed since the generation in use.

An update starts its generation as copies of the files of the current one
(`start_generation`; when that one has another schema, the new generation starts empty and the
update is a build), reads only the corpus files that changed since (`corpus_manifest`),
compares their documents by content hash, writes what is new or changed as one segment, and
marks what it replaces and what is gone deleted in the table of contents. When nothing changed,
it finds so from the corpus manifest alone (`nothing_to_do`).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field, replace
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Segment
from whoosh.fields import Schema

from search.index.format.segment_files import commit_segments
from search.index.generations.array_writer import ArrayWriter
from search.index.generations.batch_analysis import records_or_none
from search.index.generations.build import SEGMENT_DOCUMENTS
from search.index.generations.corpus_manifest import (
    CorpusFile,
    CorpusManifest,
    ReadDocument,
    indexed_documents,
    new_entry,
    place_in_file,
    reader_fingerprint,
    relative_path,
    unchanged_entry,
)
from search.index.generations.folders import IndexVersionError, Intact, open_index, read_meta
from search.index.generations.generation_files import copy_files
from search.index.generations.mapped_storage import MappedStorage
from search.index.generations.records import CONTENT_HASH
from search.index.generations.reports import (
    INDEXING,
    READING,
    WRITING,
    BuildReport,
    Progress,
    ProgressListener,
    notify,
)
from search.index.schema import build_schema
from search.ingest.corpus import (
    FileSkips,
    SkippedFile,
    corpus_files,
    count_documents,
    read_documents,
    reading_key,
)


def nothing_to_do(corpus_dir: Path, intact: Intact) -> BuildReport | None:
    """When the generation in use is intact (`intact`, found by `intact_current`: nothing
    passed over) and the corpus is as it was built from (every file of the same size and time,
    or the same content, and the same reading code): the report of an update that changes
    nothing, from that generation's corpus manifest alone; else None."""
    current = intact.generation
    if current is None or intact.passed_over:
        return None
    manifest = CorpusManifest.load(current, documents=False)
    if manifest is None or manifest.reader != reader_fingerprint():
        return None
    if not _readable_with_our_schema(current):
        return None
    misnamed: list[SkippedFile] = []
    files = corpus_files(corpus_dir, misnamed)
    if [relative_path(corpus_dir, path) for path in files] != [f.path for f in manifest.files]:
        return None
    if any(
        unchanged_entry(path, listed) is None
        for path, listed in zip(files, manifest.files, strict=True)
    ):
        return None
    report = _report_of_manifest(corpus_dir, manifest)
    report.skipped[:0] = misnamed
    report.generation, report.incremental = current.name, True
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


# Where an update starts


@dataclass(frozen=True)
class Previous:
    """What an update starts from: the documents indexed (id -> content hash) and, when the
    generation has one, the corpus manifest it was built from."""

    hashes: dict[str, str]
    manifest: CorpusManifest | None
    # The checksums of the files copied from the generation (see `copy_files`).
    copied: dict = field(default_factory=dict)


def start_generation(
    generation: Path, base: Path | None
) -> tuple[whoosh_index.FileIndex, Previous | None]:
    """Open the new generation's index: a copy of `base` with what it holds, or, without a
    base of our schema, an empty index and None."""
    schema = build_schema()
    if base is not None:
        copied = copy_files(base, generation)
        try:
            ix = open_index(generation)
        except IndexVersionError:
            ix = None
        if ix is not None and _same_schema(ix.schema, schema):
            return ix, replace(_previous_of(base, ix), copied=copied)
        if ix is not None:
            ix.close()
        shutil.rmtree(generation)
        generation.mkdir()
    return whoosh_index.create_in(str(generation), schema), None


def _previous_of(base: Path, ix: whoosh_index.FileIndex) -> Previous:
    """The documents of the generation an update starts from (`base`, whose files `ix` holds):
    from its corpus manifest, or (a generation written before manifests) from every stored
    chunk."""
    manifest = CorpusManifest.load(base)
    if manifest is None:
        return Previous(_indexed_hashes(ix), None)
    indexed = indexed_documents(manifest.files)
    hashes = {doc_id: document.content_hash for doc_id, document in indexed.items()}
    return Previous(hashes, manifest)


def _indexed_hashes(ix: whoosh_index.FileIndex) -> dict[str, str]:
    """Each indexed document's content hash, stored with its first chunk (with every chunk in
    an index written before; deleted chunks are not read)."""
    with ix.reader() as reader:
        return {
            fields["doc_id"]: fields[CONTENT_HASH]
            for _, fields in reader.iter_docs()
            if CONTENT_HASH in fields
        }


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
        previous: Previous,
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
        self.held: dict[str, str] = {}
        self.entries: list[CorpusFile] = []
        self.to_delete: list[str] = []
        self._listed = {}
        self._fingerprint = reader_fingerprint()
        if previous.manifest is not None and previous.manifest.reader == self._fingerprint:
            self._listed = {entry.path: entry for entry in previous.manifest.files}

    def read(self, files: list[Path], progress: ProgressListener | None) -> CorpusManifest:
        """Read the files that changed (telling `progress` how many documents they hold) and
        take the others from the previous manifest; the manifest of the corpus now."""
        unchanged = [
            unchanged_entry(path, self._listed.get(relative_path(self.corpus_dir, path)))
            for path in files
        ]
        changed = [path for path, entry in zip(files, unchanged, strict=True) if entry is None]
        notify(progress, Progress(INDEXING, 0, sum(map(count_documents, changed))))
        self.held = self._held(unchanged)
        for path, entry in zip(files, unchanged, strict=True):
            if entry is None or self._needs_reading(entry):
                entry = self._read_file(path)
            else:
                self._take_unchanged(entry)
            self.entries.append(entry)
        self._remove_gone()
        return CorpusManifest(self._fingerprint, self.entries)

    def _held(self, unchanged: list[CorpusFile | None]) -> dict[str, str]:
        """Each id indexed from a file that did not change, with that file: its document stays
        whatever a new or changed file holds under the same id (the newcomer is the
        duplicate, even when its file comes first)."""
        if self.previous.manifest is None:
            return {}
        indexed = indexed_documents(self.previous.manifest.files)
        kept = {entry.path for entry in unchanged if entry is not None}
        return {
            document.doc_id: entry.path
            for entry in self.previous.manifest.files
            if entry.path in kept
            for document in entry.documents
            if indexed.get(document.doc_id) is document
        }

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
        here = relative_path(self.corpus_dir, path)
        skipped = FileSkips()
        for number, document in enumerate(read_documents(path, skipped)):
            key = reading_key(self.corpus_dir, path, number)
            records = records_or_none(document, skipped, key)
            if records is None:
                continue
            self.report.documents_read += 1
            content_hash = records[0][CONTENT_HASH]
            place = place_in_file(path, document.origin)
            # A newcomer under an id held elsewhere is recorded as a build records a duplicate
            # (no content hash), so that later updates do not take it for the indexed one.
            newcomer = self.held.get(document.id, here) != here
            entry.documents.append(
                ReadDocument(
                    document.id,
                    "" if newcomer else content_hash,
                    document.source,
                    0 if newcomer else len(records),
                    place,
                )
            )
            if newcomer or document.id in self.winners:
                self.report.duplicates.append(f"{document.id} ({document.origin})")
                continue
            self._count_winner(entry.documents[-1])
            self._apply(document.id, content_hash, records)
        entry.note_skips(path, skipped)
        self.report.skipped += entry.skipped_files(self.corpus_dir)
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


def update_segments(
    corpus_dir: Path,
    generation: Path,
    ix: whoosh_index.FileIndex,
    previous: Previous,
    report: BuildReport,
    progress: ProgressListener | None,
) -> CorpusManifest:
    """Write what changed as one new segment, mark what it replaces and what is gone deleted;
    the corpus manifest of the corpus as it is now."""
    notify(progress, Progress(READING))
    files = corpus_files(corpus_dir, report.skipped)
    reading = _UpdateReading(corpus_dir, generation, ix, previous, report)
    manifest = reading.read(files, progress)
    report.corpus_changed = _recorded(manifest) != _recorded(previous.manifest)
    if report.changed:
        notify(progress, Progress(WRITING, report.documents_indexed))
        deletions = _docnums(ix, reading.to_delete)
        commit_segments(ix, reading.segments(), deletions=deletions)
    return manifest


def _recorded(manifest: CorpusManifest | None) -> tuple | None:
    """What a corpus manifest says of its files and the code that read them (None without
    one)."""
    if manifest is None:
        return None
    files = [(f.path, f.size, f.mtime_ns, f.sha256, f.unlisted_skips) for f in manifest.files]
    return manifest.reader, files


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
