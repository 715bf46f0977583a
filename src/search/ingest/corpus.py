"""Find the corpus files and read each into `Document`s, reporting what cannot be read."""

from __future__ import annotations

import gzip
import json
import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from search.ingest.document import Document
from search.ingest.parse_chamber import RecordError, parse_chamber_record
from search.ingest.parse_flemish import ParseError, parse_flemish_text

SUFFIXES = (".jsonl.gz", ".jsonl", ".txt", ".pdf", ".html", ".htm")
# The largest file holding one document (.txt, .pdf, .html) and the longest JSON line. Real
# documents are 5-500 KB; anything far larger is not one question and would only cost memory
# and time (JSON Lines files themselves are streamed and may be of any size).
MAX_DOCUMENT_BYTES = 10 * 2**20
# Files that belong beside a corpus but are not documents.
_NOT_DOCUMENTS = ("readme", "license", "licence", ".")


# Records of one file reported one by one; past these, the file's failures are counted: a file
# of three million bad lines was three million reports (173 MB printed, 1.26 GB in memory, 62 MB
# in the index's build facts).
MAX_LISTED_SKIPS = 10


@dataclass(frozen=True)
class SkippedFile:
    """A file, or a line of one, that could not be read; the build goes on without it. One
    may stand for `count` records: those of a file past the first `MAX_LISTED_SKIPS`."""

    path: str
    reason: str
    count: int = 1

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


def unlisted_skips(path: str, count: int) -> SkippedFile:
    """What stands for the `count` records of a file that are not reported one by one."""
    return SkippedFile(
        path, f"en nog {count} records die niet gelezen konden worden (niet elk vermeld)", count
    )


class FileSkips:
    """What could not be read of one corpus file, as its reader reports it (`append`): the
    first `MAX_LISTED_SKIPS` records one by one, the others only counted."""

    def __init__(self) -> None:
        self.listed: list[SkippedFile] = []
        self.unlisted = 0

    def append(self, skip: SkippedFile) -> None:
        """Note one record (or file) that could not be read."""
        if len(self.listed) < MAX_LISTED_SKIPS:
            self.listed.append(skip)
        else:
            self.unlisted += 1


def corpus_files(corpus_dir: Path, skipped: list[SkippedFile] | None = None) -> list[Path]:
    """The document files under `corpus_dir`, in a stable order. A file whose name is not
    UTF-8 (bytes a JSON manifest cannot hold) is left out and reported in `skipped`, by its
    name with the bytes escaped."""
    files = []
    for path in Path(corpus_dir).rglob("*"):
        if not path.is_file() or path.name.lower().startswith(_NOT_DOCUMENTS):
            continue
        try:
            str(path).encode("utf-8")
        except UnicodeEncodeError:
            if skipped is not None:
                escaped = os.fsencode(path).decode("utf-8", "backslashreplace")
                skipped.append(SkippedFile(escaped, "bestandsnaam is geen UTF-8"))
            continue
        files.append(path)
    return sorted(files)


def reading_key(corpus_dir: Path, path: Path, number: int) -> str:
    """Where document number `number` (from 0) of the file `path` stands in the corpus, as text
    that sorts in the order a build reads the corpus: the file as `corpus_files` orders it, then
    the document's place in it."""
    parts = Path(path).relative_to(corpus_dir).parts
    return "\x00".join([*parts, f"{number:09d}"])


def count_documents(path: Path) -> int:
    """A quick count of the documents a file holds (lines of JSON Lines, else one)."""
    if not _is_json_lines(path):
        return 1
    try:
        with _open_binary(path) as stream:
            return sum(1 for line in _bounded_lines(stream) if line is None or line.strip())
    except (OSError, EOFError, zlib.error):
        return 0


def read_documents(path: Path, skipped: list[SkippedFile] | FileSkips) -> Iterator[Document]:
    """Yield the documents in one corpus file; append what cannot be read to `skipped`."""
    name = path.name.lower()
    try:
        if _is_json_lines(path):
            yield from _read_chamber_lines(path, skipped)
        elif name.endswith(".txt"):
            yield parse_flemish_text(decode_text(_read_document_file(path)), origin=str(path))
        elif name.endswith(".pdf"):
            # The PDF and HTML parsers (pypdf, BeautifulSoup) are imported when a file needs
            # them: an update that reads no such file starts without them.
            from search.ingest.parse_pdf import parse_flemish_pdf

            _check_document_size(path)
            yield parse_flemish_pdf(path)
        elif name.endswith((".html", ".htm")):
            from search.ingest.parse_html import parse_flemish_html

            yield parse_flemish_html(decode_text(_read_document_file(path)), origin=str(path))
        else:
            skipped.append(SkippedFile(str(path), "bestandstype niet ondersteund"))
    except (ParseError, OSError) as error:
        skipped.append(SkippedFile(str(path), str(error)))
    except Exception as error:
        skipped.append(SkippedFile(str(path), invalid_record(error)))


def invalid_record(error: Exception) -> str:
    """Why a record was skipped, in Dutch: the parsers' own reasons, else what kind of input
    it was that failed (nesting beyond the recursion limit, a number of thousands of digits,
    text with a lone surrogate) or, for anything else, the type of the error (a parser bug)."""
    if isinstance(error, ParseError | RecordError):
        reason = str(error)
    elif isinstance(error, json.JSONDecodeError):
        reason = f"geen geldige JSON (regel {error.lineno}, kolom {error.colno})"
    elif isinstance(error, RecursionError):
        reason = "te diep genest"
    elif isinstance(error, UnicodeError):
        reason = "ongeldige Unicode (zoals een losse surrogaat)"
    elif isinstance(error, ValueError) and "digits" in str(error):
        reason = "een getal met te veel cijfers"
    else:
        reason = f"onverwachte fout ({type(error).__name__})"
    return f"ongeldig record: {reason}"


def decode_text(data: bytes) -> str:
    """Decode a text file: UTF-8 (with or without BOM), else Windows-1252."""
    if b"\x00" in data:
        raise ParseError("binaire gegevens, geen tekst")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as error:
        raise ParseError("tekst is geen UTF-8 en geen Windows-1252") from error


def _read_document_file(path: Path) -> bytes:
    _check_document_size(path)
    return path.read_bytes()


def _check_document_size(path: Path) -> None:
    size = path.stat().st_size
    if size == 0:
        raise ParseError("leeg bestand")
    if size > MAX_DOCUMENT_BYTES:
        raise ParseError(
            f"bestand te groot voor één document ({size / 2**20:.1f} MB, "
            f"de grens is {MAX_DOCUMENT_BYTES // 2**20} MB)"
        )


def _read_chamber_lines(path: Path, skipped: list[SkippedFile] | FileSkips) -> Iterator[Document]:
    """Yield a document per valid line; a bad line is skipped, a corrupt file ends the file."""
    if path.stat().st_size == 0:
        raise ParseError("leeg bestand")
    number = 0
    try:
        with _open_binary(path) as stream:
            for number, line in enumerate(_bounded_lines(stream), start=1):
                if line is not None and not line.strip():
                    continue
                # Each record in its own guard: whatever one line does (nesting deeper than the
                # recursion limit, a number of 5,000 digits, a lone surrogate, a parser bug),
                # it is reported and the lines after it are still read.
                try:
                    yield _chamber_document(line, origin=f"{path}:{number}")
                except Exception as error:
                    skipped.append(SkippedFile(f"{path}:{number}", invalid_record(error)))
    except (EOFError, zlib.error, gzip.BadGzipFile) as error:
        reason = f"onleesbaar na regel {number} (afgebroken of beschadigd: {type(error).__name__})"
        skipped.append(SkippedFile(str(path), reason))


def _chamber_document(line: bytes | None, origin: str) -> Document:
    if line is None:
        raise ParseError(f"regel langer dan {MAX_DOCUMENT_BYTES // 2**20} MB")
    record = json.loads(decode_text(line))
    if not isinstance(record, dict):
        raise RecordError("geen JSON-object")
    return parse_chamber_record(record, origin=origin)


def _bounded_lines(stream: BinaryIO) -> Iterator[bytes | None]:
    """The lines of a stream; None for a line longer than the limit, which is never held whole."""
    while line := stream.readline(MAX_DOCUMENT_BYTES + 1):
        if len(line) > MAX_DOCUMENT_BYTES:
            while line and not line.endswith(b"\n"):
                line = stream.readline(MAX_DOCUMENT_BYTES)
            yield None
        else:
            yield line


def _is_json_lines(path: Path) -> bool:
    return path.name.lower().endswith((".jsonl", ".jsonl.gz"))


def _open_binary(path: Path) -> BinaryIO:
    if path.name.lower().endswith(".gz"):
        return gzip.open(path, "rb")
    return open(path, "rb")
