"""What a generation was built from: each corpus file with its size, modification time and
SHA-256, and what was read from it (each document's id, content hash, source, chunks and place
in the file; the records that could not be read), so that `update` opens only the files that
changed and needs neither the unchanged files nor the index's stored fields.

A file whose size and modification time are as listed is taken as unchanged without being
opened; one whose size or time differ is hashed, and read again only when its SHA-256 differs
too. The manifest also names the code documents are read with (`reader_fingerprint`: the
parsers, the chunker, the ministers table, the records): after an upgrade that reads documents
otherwise, every file is read again and each document compared by its content hash.

Which document of an id counts is decided over the whole corpus (`indexed_documents`): the first
read with a content hash, in file order and then in the order of its file; the others are
duplicates. A build analyses only the first read of an id; an update keeps a document indexed
from a file that did not change, and records a newcomer under its id, in whatever file, as a
duplicate without a content hash.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from search.index.generations.manifest import file_sha256
from search.ingest.corpus import MAX_LISTED_SKIPS, FileSkips, SkippedFile, unlisted_skips

CORPUS_MANIFEST_FILE = "corpus.json"
CORPUS_DOCUMENTS_FILE = "corpus-documents.json"
# Packages and modules whose code decides what a document is indexed with.
_READING_CODE = (("search.ingest", None), ("search.index.generations", "records.py"))


@dataclass(frozen=True)
class ReadDocument:
    """A document read from a corpus file: its id, content hash, source and chunk count, and
    where in the file it stands (what its origin adds to the file's path: ":12" or "")."""

    doc_id: str
    content_hash: str
    source: str
    chunks: int
    place: str = ""


@dataclass
class CorpusFile:
    """A corpus file (its path relative to the corpus folder) as it was when read."""

    path: str
    size: int
    mtime_ns: int
    sha256: str
    documents: list[ReadDocument] = field(default_factory=list)
    # (where in the file, why) of the records that could not be read, the first
    # `MAX_LISTED_SKIPS` of them; and how many more there were.
    skipped: list[tuple[str, str]] = field(default_factory=list)
    unlisted_skips: int = 0

    def skipped_files(self, corpus_dir: Path) -> list[SkippedFile]:
        """What could not be read, as the reader reported it (the records past the first
        `MAX_LISTED_SKIPS` as one)."""
        where = str(Path(corpus_dir) / self.path)
        listed = [SkippedFile(where + place, reason) for place, reason in self.skipped]
        return listed + (
            [unlisted_skips(where, self.unlisted_skips)] if self.unlisted_skips else []
        )

    def note_skips(self, path: Path, skips: FileSkips) -> None:
        """Add what a reader of the file at `path` could not read."""
        for skip in skips.listed:
            self.note_skipped(place_in_file(path, skip.path), skip.reason)
        self.unlisted_skips += skips.unlisted

    def note_skipped(self, place: str, reason: str) -> None:
        """Add a record of the file that could not be read (counted only, past the first
        `MAX_LISTED_SKIPS`)."""
        if len(self.skipped) < MAX_LISTED_SKIPS:
            self.skipped.append((place, reason))
        else:
            self.unlisted_skips += 1


@dataclass(frozen=True)
class CorpusSummary:
    """What the documents of a manifest come to: documents read and indexed, per source, and
    the duplicates (id, the file's number, the place in it): the report of an update that
    finds nothing to do, without the documents."""

    documents_read: int
    documents_indexed: int
    per_source: dict[str, int]
    duplicates: list[tuple[str, int, str]]

    def duplicate_origins(self, corpus_dir: Path, files: list[CorpusFile]) -> list[str]:
        """Each duplicate as "id (origin)"."""
        return [
            f"{doc_id} ({Path(corpus_dir) / files[number].path}{place})"
            for doc_id, number, place in self.duplicates
        ]


@dataclass
class CorpusManifest:
    """Every corpus file a generation was built from, in reading order.

    Stored as two files: `corpus.json` (the files and a summary, all an update that finds
    nothing to do reads) and `corpus-documents.json` (the documents of each file, by columns).
    """

    reader: str
    files: list[CorpusFile]
    summary: CorpusSummary | None = None

    def save(self, generation: Path) -> None:
        """Write both files into `generation` (each through a temporary file and a rename)."""
        documents = [
            {
                "ids": [doc.doc_id for doc in entry.documents],
                "hashes": [doc.content_hash for doc in entry.documents],
                "sources": [doc.source for doc in entry.documents],
                "chunks": [doc.chunks for doc in entry.documents],
                "places": [doc.place for doc in entry.documents],
            }
            for entry in self.files
        ]
        _write_json(generation / CORPUS_DOCUMENTS_FILE, {"files": documents})
        summary = summarise(self.files)
        files = [
            {
                "path": entry.path,
                "size": entry.size,
                "mtime_ns": entry.mtime_ns,
                "sha256": entry.sha256,
                "skipped": [list(skip) for skip in entry.skipped],
                "unlisted_skips": entry.unlisted_skips,
            }
            for entry in self.files
        ]
        data = {"reader": self.reader, "summary": vars(summary), "files": files}
        _write_json(generation / CORPUS_MANIFEST_FILE, data)

    @classmethod
    def load(cls, generation: Path, documents: bool = True) -> CorpusManifest | None:
        """The manifest of a generation (with each file's documents, or only their summary);
        None without one (a generation of an older version)."""
        data = _read_json(generation / CORPUS_MANIFEST_FILE)
        listed = _read_json(generation / CORPUS_DOCUMENTS_FILE) if documents else None
        if data is None or (documents and listed is None):
            return None
        files = [
            CorpusFile(
                path=entry["path"],
                size=entry["size"],
                mtime_ns=entry["mtime_ns"],
                sha256=entry["sha256"],
                skipped=[tuple(skip) for skip in entry["skipped"]],
                unlisted_skips=entry.get("unlisted_skips", 0),
            )
            for entry in data["files"]
        ]
        for entry, columns in zip(files, listed["files"] if listed else (), strict=False):
            entry.documents = list(
                map(
                    ReadDocument,
                    columns["ids"],
                    columns["hashes"],
                    columns["sources"],
                    columns["chunks"],
                    columns["places"],
                )
            )
        summary = data["summary"]
        summary["duplicates"] = [tuple(duplicate) for duplicate in summary["duplicates"]]
        return cls(reader=data["reader"], files=files, summary=CorpusSummary(**summary))


def _write_json(path: Path, data: dict) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")))
    os.replace(temporary, path)


def _read_json(path: Path) -> dict | None:
    try:
        return json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None


def relative_path(corpus_dir: Path, path: Path) -> str:
    """A corpus file's path relative to the corpus folder, with "/" between folders."""
    return Path(path).relative_to(corpus_dir).as_posix()


def unchanged_entry(path: Path, listed: CorpusFile | None) -> CorpusFile | None:
    """The entry of `path` when the file is as `listed` says: the same size and modification
    time (not opened), or the same SHA-256 (then with its new time); else None."""
    if listed is None:
        return None
    stat = path.stat()
    if stat.st_size == listed.size and stat.st_mtime_ns == listed.mtime_ns:
        return listed
    if stat.st_size != listed.size or file_sha256(path) != listed.sha256:
        return None
    return CorpusFile(
        listed.path,
        stat.st_size,
        stat.st_mtime_ns,
        listed.sha256,
        listed.documents,
        listed.skipped,
        listed.unlisted_skips,
    )


def new_entry(corpus_dir: Path, path: Path) -> CorpusFile:
    """The entry of a file about to be read: its size and time first, then its hash, so that a
    change while it is read shows as a changed file to the next update."""
    stat = path.stat()
    return CorpusFile(
        relative_path(corpus_dir, path), stat.st_size, stat.st_mtime_ns, file_sha256(path)
    )


def place_in_file(path: Path, origin: str) -> str:
    """Where in its file a document or record stands: what its origin adds to the path."""
    return origin[len(str(path)) :] if origin.startswith(str(path)) else ""


def reader_fingerprint() -> str:
    """A hash of the code and data documents are read and recorded with (see the module)."""
    digest = hashlib.sha256()
    for package, name in _READING_CODE:
        for item in _code_files(resources.files(package), name):
            digest.update(item.name.encode("utf-8") + b"\0" + item.read_bytes())
    return digest.hexdigest()


def _code_files(folder, only: str | None) -> list:
    """The source and data files of a package folder (`only`: just that file), sorted."""
    found = []
    for item in sorted(folder.iterdir(), key=lambda entry: entry.name):
        if only is not None:
            if item.name == only:
                found.append(item)
        elif item.is_dir() and item.name == "data":
            found += _code_files(item, None)
        elif item.is_file() and (item.name.endswith(".py") or folder.name == "data"):
            found.append(item)
    return found


def indexed_documents(files: Iterable[CorpusFile]) -> dict[str, ReadDocument]:
    """The document each id stands for: the first read (see the module). A build does not
    analyse duplicates (their content hash is ""): one whose first copy could not be indexed
    is not indexed either."""
    indexed: dict[str, ReadDocument] = {}
    for entry in files:
        for document in entry.documents:
            if document.content_hash:
                indexed.setdefault(document.doc_id, document)
    return indexed


def summarise(files: list[CorpusFile]) -> CorpusSummary:
    """The counts of what the files hold (see `CorpusSummary`)."""
    indexed = indexed_documents(files)
    per_source: dict[str, int] = {}
    for document in indexed.values():
        per_source[document.source] = per_source.get(document.source, 0) + 1
    found = [
        (document.doc_id, number, document.place)
        for number, entry in enumerate(files)
        for document in entry.documents
        if indexed.get(document.doc_id) is not document
    ]
    return CorpusSummary(
        documents_read=len(indexed) + len(found),
        documents_indexed=len(indexed),
        per_source=per_source,
        duplicates=found,
    )
