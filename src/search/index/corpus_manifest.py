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
read, in file order and then in the order of its file; the others are duplicates.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from search.ingest.corpus import SkippedFile

CORPUS_MANIFEST_FILE = "corpus.json"
# Packages and modules whose code decides what a document is indexed with.
_READING_CODE = (("search.ingest", None), ("search.index", "records.py"))


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
    # (where in the file, why) of each record that could not be read.
    skipped: list[tuple[str, str]] = field(default_factory=list)

    def skipped_files(self, corpus_dir: Path) -> list[SkippedFile]:
        """What could not be read, as the reader reported it."""
        where = str(Path(corpus_dir) / self.path)
        return [SkippedFile(where + place, reason) for place, reason in self.skipped]


@dataclass
class CorpusManifest:
    """Every corpus file a generation was built from, in reading order."""

    reader: str
    files: list[CorpusFile]

    def save(self, path: Path) -> None:
        """Write the manifest as compact JSON (through a temporary file and a rename)."""
        data = {
            "reader": self.reader,
            "files": [
                {
                    "path": entry.path,
                    "size": entry.size,
                    "mtime_ns": entry.mtime_ns,
                    "sha256": entry.sha256,
                    "documents": [
                        [doc.doc_id, doc.content_hash, doc.source, doc.chunks, doc.place]
                        for doc in entry.documents
                    ],
                    "skipped": [list(skip) for skip in entry.skipped],
                }
                for entry in self.files
            ],
        }
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")))
        os.replace(temporary, path)

    @classmethod
    def load(cls, path: Path) -> CorpusManifest | None:
        """The manifest at `path`; None without one (a generation of an older version)."""
        try:
            data = json.loads(path.read_bytes())
        except (OSError, ValueError):
            return None
        files = [
            CorpusFile(
                path=entry["path"],
                size=entry["size"],
                mtime_ns=entry["mtime_ns"],
                sha256=entry["sha256"],
                documents=[ReadDocument(*doc) for doc in entry["documents"]],
                skipped=[tuple(skip) for skip in entry["skipped"]],
            )
            for entry in data["files"]
        ]
        return cls(reader=data["reader"], files=files)


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes."""
    with open(path, "rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


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
        listed.path, stat.st_size, stat.st_mtime_ns, listed.sha256, listed.documents, listed.skipped
    )


def new_entry(corpus_dir: Path, path: Path) -> CorpusFile:
    """The entry of a file about to be read: its size and time first, then its hash, so that a
    change while it is read shows as a changed file to the next update."""
    stat = path.stat()
    return CorpusFile(
        relative_path(corpus_dir, path), stat.st_size, stat.st_mtime_ns, file_sha256(path)
    )


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


def duplicates(corpus_dir: Path, files: Iterable[CorpusFile]) -> list[str]:
    """The documents read after another of the same id, as "id (origin)"."""
    seen: set[str] = set()
    found = []
    for entry in files:
        for document in entry.documents:
            if document.doc_id in seen:
                found.append(f"{document.doc_id} ({Path(corpus_dir) / entry.path}{document.place})")
            seen.add(document.doc_id)
    return found
