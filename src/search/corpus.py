"""Find the corpus files and read each into `Document`s, reporting what cannot be read."""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from search.document import Document
from search.parse_chamber import RecordError, parse_chamber_record
from search.parse_flemish import ParseError, parse_flemish_text
from search.parse_html import parse_flemish_html
from search.parse_pdf import parse_flemish_pdf

SUFFIXES = (".jsonl.gz", ".jsonl", ".txt", ".pdf", ".html", ".htm")
# Files that belong beside a corpus but are not documents.
_NOT_DOCUMENTS = ("readme", "license", "licence", ".")


@dataclass(frozen=True)
class SkippedFile:
    """A file, or a line of one, that could not be read; the build goes on without it."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


def corpus_files(corpus_dir: Path) -> list[Path]:
    """The document files under `corpus_dir`, in a stable order."""
    return sorted(
        path
        for path in Path(corpus_dir).rglob("*")
        if path.is_file() and not path.name.lower().startswith(_NOT_DOCUMENTS)
    )


def count_documents(path: Path) -> int:
    """A quick count of the documents a file holds (lines of JSON Lines, else one)."""
    if not path.name.endswith((".jsonl", ".jsonl.gz")):
        return 1
    try:
        with _open_lines(path) as lines:
            return sum(1 for line in lines if line.strip())
    except (OSError, EOFError, zlib.error, UnicodeDecodeError):
        return 0


def read_documents(path: Path, skipped: list[SkippedFile]) -> Iterator[Document]:
    """Yield the documents in one corpus file; append what cannot be read to `skipped`."""
    name = path.name.lower()
    try:
        if name.endswith((".jsonl", ".jsonl.gz")):
            yield from _read_chamber_lines(path, skipped)
        elif name.endswith(".txt"):
            yield parse_flemish_text(decode_text(path.read_bytes()), origin=str(path))
        elif name.endswith(".pdf"):
            yield parse_flemish_pdf(path)
        elif name.endswith((".html", ".htm")):
            yield parse_flemish_html(decode_text(path.read_bytes()), origin=str(path))
        else:
            skipped.append(SkippedFile(str(path), "unsupported file type"))
    except (ParseError, OSError) as error:
        skipped.append(SkippedFile(str(path), str(error)))


def decode_text(data: bytes) -> str:
    """Decode a text file: UTF-8 (with or without BOM), else Windows-1252."""
    if b"\x00" in data:
        raise ParseError("binary data, not a text file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as error:
        raise ParseError("text is neither UTF-8 nor Windows-1252") from error


def _read_chamber_lines(path: Path, skipped: list[SkippedFile]) -> Iterator[Document]:
    number = 0
    try:
        with _open_lines(path) as lines:
            for number, line in enumerate(lines, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                    if not isinstance(record, dict):
                        raise RecordError("not a JSON object")
                    yield parse_chamber_record(record, origin=f"{path}:{number}")
                except (json.JSONDecodeError, RecordError) as error:
                    skipped.append(SkippedFile(f"{path}:{number}", f"invalid record: {error}"))
    except (EOFError, zlib.error, gzip.BadGzipFile, UnicodeDecodeError) as error:
        reason = f"unreadable after line {number} (truncated or corrupt): {error}"
        skipped.append(SkippedFile(str(path), reason))


def _open_lines(path: Path):
    if path.name.endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8")
    return open(path, encoding="utf-8")
