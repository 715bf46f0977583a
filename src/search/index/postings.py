"""Each index segment's postings as arrays, and a generation's postings over all its segments.

Whoosh stores a term's postings in blocks of 128, each a pickle (often zlib-compressed) that its
matchers decode one posting at a time. The search scores every matching chunk of every query
word, so it reads the same postings as arrays instead: per segment, a file `MAIN_<segment>.parl`
beside Whoosh's own `MAIN_<segment>.seg`, written right after Whoosh commits the segment
(`complete_postings`). Named after its segment, it lives and dies with it: Whoosh's
`clean_files` removes it when the segment is merged away, and `update` hard-links it into the
next generation with the segment's other files. Whoosh stays the index of record (stored
fields, the query parser, plain `whoosh.index.open_dir` opens every generation); these files
are derived from it and can always be made again from it.

Per indexed field the file holds the field's terms sorted by their bytes (Whoosh's order, with
keys for a fast search), where each term's postings start, the postings' segment docnums and
weights (float32, exactly the weights Whoosh stores), and for fields with positions where each
term's positions start, each posting's number of positions and the positions (16-bit where they
fit); per scored field the length byte of each document (Whoosh's `length_to_byte`). Deleted documents, document counts
and the fields' total lengths are not in the file: they come from the generation's table of
contents, as Whoosh takes them, so that BM25F gives Whoosh's figures (deleted documents count
in every statistic until segments merge, as in Whoosh).
"""

from __future__ import annotations

import io
import math
import multiprocessing
import os
import pickle
import struct
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from itertools import chain, repeat
from pathlib import Path

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3Codec, _lenfield
from whoosh.fields import Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.formats import Positions
from whoosh.index import TOC
from whoosh.reading import SegmentReader
from whoosh.util.numeric import byte_to_length

from search.index.array_files import Strings, encode_strings, mapped_or_computed, write_arrays

POSTINGS_EXTENSION = ".parl"
INDEX_NAME = "MAIN"
# Whoosh's BM25F reads a document's field length from its length byte.
LENGTH_OF_BYTE = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)
FORMAT_VERSION = 1

_BLOCK_LENGTH = struct.Struct("!i")
_BLOCK_MAGIC = b"W3Bl"
# Bytes each pickle opcode of a block's info tuple takes after the opcode (see `_info_end`).
_OPCODE_SIZES = {0x4B: 1, 0x4D: 2, 0x4A: 4, 0x47: 8, 0x4E: 0}
_INFO_END = b"tq\x00."
_PROTO_2 = b"\x80\x02"
_NO_POSITIONS = np.zeros(0, dtype=np.int64)


def postings_file(folder: Path, segment) -> Path:
    """The postings file of a segment."""
    return Path(folder) / segment.make_filename(POSTINGS_EXTENSION)


def complete_postings(generation: Path) -> None:
    """Write the postings file of each segment of a committed generation that has none yet (the
    segments a writer just made or merged): several at once in processes of their own, one per
    core (reading Whoosh's blocks is Python work, which threads would not share out)."""
    toc = TOC.read(FileStorage(str(generation)), INDEX_NAME)
    missing = [s.segment_id() for s in toc.segments if not postings_file(generation, s).exists()]
    if len(missing) > 1 and (os.cpu_count() or 1) > 1:
        # Spawned, not forked: a forked process would inherit the writer lock.
        context = multiprocessing.get_context("spawn")
        workers = min(len(missing), os.cpu_count() or 1)
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            list(pool.map(write_segment_postings, repeat(generation), missing))
    else:
        for segment_id in missing:
            write_segment_postings(generation, segment_id)


def write_segment_postings(generation: Path, segment_id: str) -> None:
    """Write the postings file of one segment of a generation, read from its Whoosh files."""
    storage = FileStorage(str(generation))
    toc = TOC.read(storage, INDEX_NAME)
    segment = next(s for s in toc.segments if s.segment_id() == segment_id)
    arrays = segment_arrays(storage, toc.schema, segment)
    write_arrays(postings_file(generation, segment), arrays, _meta(segment))


def _meta(segment) -> dict:
    return {"version": FORMAT_VERSION, "doccount": segment.doc_count_all()}


def segment_arrays(storage, schema: Schema, segment) -> dict[str, np.ndarray]:
    """A segment's postings and length bytes read from its Whoosh files, as the arrays of its
    postings file."""
    reader = SegmentReader(storage, schema, segment)
    try:
        postfile = reader._terms._postfile
        data = memoryview(postfile.get(0, reader._storage.file_length(_postings_name(segment))))
        arrays: dict[str, np.ndarray] = {}
        for fieldname, terms in _terms_by_field(reader).items():
            positional = isinstance(schema[fieldname].format, Positions)
            arrays.update(_field_arrays(data, fieldname, terms, positional))
        for fieldname, field in schema.items():
            if field.scorable:
                arrays[f"{fieldname}/lengths"] = _length_bytes(reader, fieldname, segment)
        return arrays
    finally:
        reader.close()


def _terms_by_field(reader) -> dict[str, list[tuple[bytes, int]]]:
    """Each field's terms (in Whoosh's order) with where their postings start."""
    by_field: dict[str, list[tuple[bytes, int]]] = {}
    for (fieldname, btext), info in reader._terms.items():
        by_field.setdefault(fieldname, []).append((btext, info._offset))
    return by_field


def _postings_name(segment) -> str:
    return segment.make_filename(W3Codec.POSTS_EXT)


def _field_arrays(
    data: memoryview, fieldname: str, terms: list[tuple[bytes, int]], positional: bool
) -> dict[str, np.ndarray]:
    """One field's terms and postings (docnums, weights, positions) as arrays."""
    counts: list[int] = []
    ids: list[tuple] = []
    weights: list[float] = []
    values: list[bytes] = []
    term_sizes: list[int] = []
    for _, offset in terms:
        size = 0
        for count, (block_ids, block_weights, block_values) in _blocks(data, offset):
            counts.append(count)
            ids.append(block_ids)
            if block_weights is None:
                weights.extend(repeat(1.0, count))
            elif isinstance(block_weights, float):
                weights.extend(repeat(block_weights, count))
            else:
                weights.extend(block_weights)
            if positional:
                values.extend(block_values)
            size += count
        term_sizes.append(size)
    starts = np.zeros(len(terms) + 1, dtype=np.int64)
    np.cumsum(term_sizes, out=starts[1:])
    arrays = {
        **encode_strings(
            f"{fieldname}/terms", (btext.decode("utf-8") for btext, _ in terms), ordered=True
        ),
        f"{fieldname}/starts": starts,
        f"{fieldname}/docs": _docnums(ids, counts).astype(np.int32),
        f"{fieldname}/weights": np.array(weights, dtype=np.float32),
    }
    if positional:
        counts, positions = _decode_positions(values)
        # Where each term's positions start; each posting's count of positions after it.
        ends = np.concatenate([[0], np.cumsum(counts)])
        arrays[f"{fieldname}/pos_starts"] = ends[starts]
        arrays[f"{fieldname}/counts"] = _narrowest_unsigned(counts)
        arrays[f"{fieldname}/positions"] = _narrowest_unsigned(positions)
    return arrays


def _narrowest_unsigned(values: np.ndarray) -> np.ndarray:
    """`values` (none negative) as 16-bit integers where they fit, else 32-bit."""
    fits = not len(values) or int(values.max()) < 1 << 16
    return values.astype(np.uint16 if fits else np.uint32)


def _blocks(data: memoryview, offset: int) -> Iterator[tuple[int, tuple]]:
    """Each block of the postings at `offset`: its count and its (ids, weights, values), as
    `W3LeafMatcher` reads them."""
    if bytes(data[offset : offset + 4]) != _BLOCK_MAGIC:
        raise ValueError(f"no postings at offset {offset}")
    position = offset + 4
    while True:
        (length,) = _BLOCK_LENGTH.unpack_from(data, position)
        start = position + 4
        end = start + abs(length)
        info_end = _info_end(data, start)
        count, _, _, compressed, _, _ = pickle.loads(data[start:info_end])
        raw = data[info_end:end]
        yield count, pickle.loads(zlib.decompress(raw) if compressed else raw)
        if length < 0:
            return
        position = end


def _info_end(data: memoryview, start: int) -> int:
    """Where a block's info pickle ends: `(count, last id, max weight, compression, min length,
    max length)` as protocol 2 writes six small numbers."""
    position = start + 3  # PROTO 2, MARK
    for _ in range(6):
        size = _OPCODE_SIZES.get(data[position])
        if size is None:
            return start + _pickle_length(data[start:])
        position += 1 + size
    if bytes(data[position : position + 4]) != _INFO_END:
        return start + _pickle_length(data[start:])
    return position + 4


def _pickle_length(data: memoryview) -> int:
    """How many bytes the pickle at the start of `data` takes."""
    stream = io.BytesIO(data)
    pickle.Unpickler(stream).load()
    return stream.tell()


def _docnums(ids: list[tuple], counts: list[int]) -> np.ndarray:
    """Docnums from each block's ids, which Whoosh stores as differences within the block (the
    first from 0)."""
    deltas = np.fromiter(chain.from_iterable(ids), dtype=np.int64, count=sum(counts))
    return _restarted_sums(deltas, np.array(counts, dtype=np.int64))


def _decode_positions(values: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """Each posting's number of positions and all positions, from `Positions` values: a 4-byte
    count, then a pickle (protocol 2, its final STOP maybe left out) of the list of differences
    between positions, the first from 0. The lists are unpickled in one call: each value's
    pickle without its PROTO and STOP pushes its list, and all of them make one tuple."""
    if all(value.startswith(_PROTO_2, 4) for value in values):
        bodies = (value[6:-1] if value.endswith(b".") else value[6:] for value in values)
        lists = pickle.loads(_PROTO_2 + b"(" + b"".join(bodies) + b"t.")
    else:
        fmt = Positions()
        lists = [_differences(fmt.decode_positions(value)) for value in values]
    lengths = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    deltas = np.fromiter(chain.from_iterable(lists), dtype=np.int64, count=int(lengths.sum()))
    return lengths, _restarted_sums(deltas, lengths)


def _differences(positions: list[int]) -> list[int]:
    return [b - a for a, b in zip([0, *positions], positions, strict=False)]


def _restarted_sums(values: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Running sums of `values` that start again at each run of `sizes` values."""
    totals = np.cumsum(values)
    ends = np.cumsum(sizes)
    before = np.zeros(len(sizes), dtype=np.int64)
    nonempty = (sizes > 0) & (ends > sizes)
    before[nonempty] = totals[ends[nonempty] - sizes[nonempty] - 1]
    return totals - np.repeat(before, sizes)


def _length_bytes(reader, fieldname: str, segment) -> np.ndarray:
    """Each document's length byte in a field (0: empty, as Whoosh leaves trailing ones out)."""
    codes = np.zeros(segment.doc_count_all(), dtype=np.uint8)
    column = reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    if column is not None:
        raw = np.frombuffer(column._dbfile.get(column._basepos, column._count), dtype=np.uint8)
        codes[: len(raw)] = raw
    return codes


@dataclass(frozen=True)
class FieldPostings:
    """One field's terms and postings in one segment."""

    terms: Strings
    starts: np.ndarray
    docs: np.ndarray
    weights: np.ndarray
    # Fields with positions: where each term's positions start, each posting's count of them,
    # and the positions, posting after posting.
    pos_starts: np.ndarray | None
    counts: np.ndarray | None
    positions: np.ndarray | None


class SegmentPostings:
    """The postings of one segment, from its postings file or, for a segment without one (an
    index written before they existed), read from its Whoosh files into memory."""

    def __init__(self, arrays: dict[str, np.ndarray]) -> None:
        names = {name.split("/")[0] for name in arrays if name.endswith("/starts")}
        self.fields = {name: _field(arrays, name) for name in names}
        self.lengths = {
            name.split("/")[0]: array for name, array in arrays.items() if name.endswith("/lengths")
        }

    @classmethod
    def open(cls, folder: Path, storage, schema: Schema, segment) -> SegmentPostings:
        path = postings_file(folder, segment)
        return cls(mapped_or_computed(path, lambda: segment_arrays(storage, schema, segment)))

    def term(self, fieldname: str, btext: bytes) -> int:
        """The number of a term in its field, or -1."""
        field = self.fields.get(fieldname)
        return -1 if field is None else field.terms.find(btext)


def _field(arrays: dict[str, np.ndarray], name: str) -> FieldPostings:
    return FieldPostings(
        terms=Strings.stored(arrays, f"{name}/terms"),
        starts=arrays[f"{name}/starts"],
        docs=arrays[f"{name}/docs"],
        weights=arrays[f"{name}/weights"],
        pos_starts=arrays.get(f"{name}/pos_starts"),
        counts=arrays.get(f"{name}/counts"),
        positions=arrays.get(f"{name}/positions"),
    )


@dataclass(frozen=True)
class TermPostings:
    """A term's postings over all segments: docnums (ascending), weights, and where each
    posting's positions are (`positions`)."""

    docnums: np.ndarray
    weights: np.ndarray
    # Per segment holding the term: its field, the term's number, its first and last posting.
    parts: tuple[tuple[FieldPostings, int, int, int], ...] = ()

    def positions(self) -> tuple[np.ndarray, np.ndarray]:
        """Every position of the term, with the index of its posting in `docnums`."""
        owners, positions, done = [], [], 0
        for field, number, first, last in self.parts:
            if field.counts is None:
                continue
            counts = field.counts[first:last]
            start = int(field.pos_starts[number])
            owners.append(np.repeat(np.arange(done, done + last - first), counts))
            places = field.positions[start : int(field.pos_starts[number + 1])]
            positions.append(places.astype(np.int64))
            done += last - first
        if not positions:
            return _NO_POSITIONS, _NO_POSITIONS
        return np.concatenate(owners), np.concatenate(positions)


_NO_TERM = TermPostings(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64))


class Postings:
    """The postings of one generation: every segment's, with docnums numbered across segments as
    Whoosh numbers them, and the statistics Whoosh's BM25F takes."""

    def __init__(self, folder: Path, storage, schema: Schema, segments: list) -> None:
        self.schema = schema
        self.segments = [
            SegmentPostings.open(folder, storage, schema, segment) for segment in segments
        ]
        sizes = [segment.doc_count_all() for segment in segments]
        self.offsets = np.concatenate([[0], np.cumsum(sizes, dtype=np.int64)])
        self.doc_count_all = int(self.offsets[-1])
        self.deleted = np.zeros(self.doc_count_all, dtype=bool)
        totals: dict[str, int] = {}
        for segment, offset in zip(segments, self.offsets.tolist(), strict=False):
            deleted = np.fromiter(segment.deleted_docs(), dtype=np.int64)
            self.deleted[deleted + offset] = True
            for name, total in segment._fieldlengths.items():
                totals[name] = totals.get(name, 0) + total
        self._totals = totals
        # Chunks not deleted (Whoosh's `doc_count`).
        self.doc_count = self.doc_count_all - int(self.deleted.sum())
        self.lengths = {
            name: np.concatenate(
                [
                    segment.lengths.get(name, _zeros(size))
                    for segment, size in zip(self.segments, sizes, strict=True)
                ]
            )
            for name, field in schema.items()
            if field.scorable
        }

    def term(self, fieldname: str, btext: bytes) -> TermPostings:
        """A term's postings (none for an unknown field or term)."""
        docnums, weights, parts = [], [], []
        for segment, offset in zip(self.segments, self.offsets.tolist(), strict=False):
            number = segment.term(fieldname, btext)
            if number < 0:
                continue
            field = segment.fields[fieldname]
            first, last = int(field.starts[number]), int(field.starts[number + 1])
            docnums.append(field.docs[first:last].astype(np.int64) + offset)
            weights.append(field.weights[first:last].astype(np.float64))
            parts.append((field, number, first, last))
        if not parts:
            return _NO_TERM
        if len(parts) == 1:
            return TermPostings(docnums[0], weights[0], tuple(parts))
        return TermPostings(np.concatenate(docnums), np.concatenate(weights), tuple(parts))

    def idf_of(self, frequency: int) -> float:
        """Whoosh's inverse document frequency for a document frequency."""
        return math.log(self.doc_count_all / (frequency + 1)) + 1

    def avg_field_length(self, fieldname: str) -> float:
        """A field's average length over all chunks (deleted ones included), as Whoosh's."""
        return self._totals.get(fieldname, 0) / (self.doc_count_all or 1)

    def pattern(
        self, fieldname: str, prefix: bytes, keep: Callable[[bytes], object] | None = None
    ) -> TermPostings:
        """The postings of every term of a field starting with `prefix` (and that `keep`
        accepts), term after term: a chunk holding several of them comes once for each."""
        docnums, weights = [], []
        for segment, offset in zip(self.segments, self.offsets.tolist(), strict=False):
            field = segment.fields.get(fieldname)
            if field is None:
                continue
            numbers = field.terms.prefixed(prefix)
            if keep is None:
                bounds = [(field.starts[numbers.start], field.starts[numbers.stop])]
            else:
                wanted = [n for n in numbers if keep(field.terms.bytes_at(n))]
                bounds = [(field.starts[n], field.starts[n + 1]) for n in wanted]
            for first, last in bounds:
                docnums.append(field.docs[first:last].astype(np.int64) + offset)
                weights.append(field.weights[first:last].astype(np.float64))
        if not docnums:
            return _NO_TERM
        return TermPostings(np.concatenate(docnums), np.concatenate(weights))

    def expand(self, fieldname: str, prefix: bytes) -> list[bytes]:
        """The distinct terms of a field starting with `prefix`, in order."""
        found: set[bytes] = set()
        for segment in self.segments:
            field = segment.fields.get(fieldname)
            if field is not None:
                found.update(map(field.terms.bytes_at, field.terms.prefixed(prefix)))
        return sorted(found)


def _zeros(size: int) -> np.ndarray:
    return np.zeros(size, dtype=np.uint8)
