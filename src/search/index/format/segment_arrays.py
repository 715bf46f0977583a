"""Read a W3 segment (written by Whoosh or by `search.index.generations.array_writer`) back
into arrays: each field's sorted terms and postings, the length bytes, the raw stored and column
values, and which documents are deleted. This is what a merge takes over
(`ArrayWriter.take_over`), and what the search's postings file of a segment written without one
is made from (`search.index.arrays.postings`).

The files are read as `segment_files` describes them; per posting block one `zlib.decompress`
and one `pickle.loads` (as Whoosh's `W3LeafMatcher` reads a block), and all of a field's
position values cut with numpy into one pickle and loaded in one call.
"""

from __future__ import annotations

import pickle
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain, pairwise
from pathlib import Path

import numpy as np
from whoosh.codec.whoosh3 import W3Segment
from whoosh.columns import Column, RefBytesColumn
from whoosh.fields import Schema
from whoosh.formats import Frequency, Positions

from search.index.format.coded_columns import refbytes_parts
from search.index.format.pickle_bytes import exclusive_cumsum
from search.index.format.posting_blocks import TERM_INFO
from search.index.format.segment_files import ARRAY_TYPES

_DIRECTORY_HEAD = struct.Struct("!qi")
_INT = struct.Struct("!i")
_RECORD_LENGTHS = np.dtype([("key", ">i4"), ("value", ">i4")])
# The info pickle of a block: \x80\x02 ( and six numbers, each an int (K, M, J, or LONG1) or a
# float (G), then t q\x00 .
_NUMBER_SIZES = {0x4B: 2, 0x4D: 3, 0x4A: 5, 0x47: 9}
# How a protocol-2 pickle of a list starts: PROTO 2, EMPTY_LIST.
_LIST_HEAD = np.frombuffer(b"\x80\x02]", dtype=np.uint8)


@dataclass
class FieldPostings:
    """A field's postings sorted as Whoosh writes them: by term (its bytes), then docnum."""

    terms: list[bytes]
    term_starts: np.ndarray  # int64, T + 1
    docs: np.ndarray  # int64
    weights: np.ndarray  # float64
    counts: np.ndarray  # int64, each posting's frequency
    # Fields with positions: each posting's positions, `positions[position_starts[i]:...]`.
    positions: np.ndarray | None = None
    position_starts: np.ndarray | None = None
    # Fields of any other format: each posting's encoded value.
    value_blob: np.ndarray | None = None
    value_offsets: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.docs)

    def parts(self, size: int) -> Iterator[FieldPostings]:
        """The postings of consecutive runs of terms, each with about `size` postings or fewer
        (a term with more on its own)."""
        first = 0
        while first < len(self.terms):
            limit = self.term_starts[first] + size
            last = max(first + 1, int(np.searchsorted(self.term_starts, limit, side="right")) - 1)
            yield self._part(first, min(last, len(self.terms)))
            first = last

    def _part(self, first: int, last: int) -> FieldPostings:
        """The postings of terms `first` to `last` (not included), as a field of their own."""
        start, end = int(self.term_starts[first]), int(self.term_starts[last])
        part = FieldPostings(
            terms=self.terms[first:last],
            term_starts=self.term_starts[first : last + 1] - start,
            docs=self.docs[start:end],
            weights=self.weights[start:end],
            counts=self.counts[start:end],
        )
        if self.positions is not None:
            bounds = self.position_starts[start : end + 1]
            part.positions = self.positions[bounds[0] : bounds[-1]]
            part.position_starts = bounds - bounds[0]
        if self.value_blob is not None:
            bounds = self.value_offsets[start : end + 1]
            part.value_blob = self.value_blob[bounds[0] : bounds[-1]]
            part.value_offsets = bounds - bounds[0]
        return part


@dataclass
class SegmentArrays:
    """What a segment holds, as arrays: what a merge takes over from it."""

    postings: dict[str, FieldPostings]
    length_bytes: dict[str, np.ndarray]  # per scored field, a byte per document
    stored: list[bytes]  # each document's stored fields, as the column holds them
    columns: dict[str, list[bytes]]  # per sortable field, each document's value
    deleted: np.ndarray  # bool per document
    doc_count: int = 0


def read_segment(folder: Path, schema: Schema, segment: W3Segment) -> SegmentArrays:
    """Everything a merge needs of one segment of the index in `folder`."""
    parts = compound_parts(Path(folder) / segment.make_filename(".seg"))
    name = segment.make_filename
    count = segment.doc_count_all()
    postings = _postings(parts[name(".trm")], parts[name(".pst")], schema)
    length_bytes = {}
    for field_name, field_type in schema.items():
        column = parts.get(name(f"._{field_name}_len.col"))
        if field_type.scorable and column is not None:
            codes = np.zeros(count, dtype=np.uint8)
            codes[: len(column)] = np.frombuffer(column, dtype=np.uint8)
            length_bytes[field_name] = codes
    columns = {
        field_name: _column_values(field_type.column_type, parts[name(f".{field_name}.col")], count)
        for field_name, field_type in schema.items()
        if field_type.column_type and name(f".{field_name}.col") in parts
    }
    deleted = np.zeros(count, dtype=bool)
    deleted[list(segment.deleted_docs())] = True
    return SegmentArrays(
        postings=postings,
        length_bytes=length_bytes,
        stored=_varbytes_values(parts[name("._stored.col")], count),
        columns=columns,
        deleted=deleted,
        doc_count=count,
    )


def compound_parts(path: Path) -> dict[str, memoryview]:
    """The parts of a compound segment file (a segment's `.seg`), by name."""
    data = memoryview(Path(path).read_bytes())
    position, _length = _DIRECTORY_HEAD.unpack_from(data, 0)
    directory = pickle.loads(data[position:])
    return {
        name: data[entry["offset"] : entry["offset"] + entry["length"]]
        for name, entry in directory.items()
    }


def _column_values(column: Column, data: memoryview, count: int) -> list[bytes]:
    """Each document's value of a column of text, a `VarBytesColumn` or a `RefBytesColumn`."""
    if isinstance(column, RefBytesColumn):
        values, refs = refbytes_parts(bytes(data), count)
        return [values[ref] for ref in refs.tolist()]
    return _varbytes_values(data, count)


def _varbytes_values(data: memoryview, count: int) -> list[bytes]:
    """Each document's value of a `VarBytesColumn` (b"" past its last value)."""
    raw = bytes(data)
    if raw.endswith(b"X"):
        offset_type, length_type = raw[-2:-1].decode(), raw[-3:-2].decode()
        offsets_size = count * np.dtype(ARRAY_TYPES[offset_type]).itemsize
        lengths_end = len(raw) - 3 - offsets_size
    else:
        length_type = raw[-1:].decode()
        lengths_end = len(raw) - 1
    lengths_dtype = np.dtype(ARRAY_TYPES[length_type])
    lengths = np.frombuffer(
        raw, dtype=lengths_dtype, count=count, offset=lengths_end - count * lengths_dtype.itemsize
    ).astype(np.int64)
    starts = exclusive_cumsum(lengths).tolist()
    return [raw[start:end] for start, end in pairwise(starts)]


def _term_records(trm: memoryview) -> tuple[dict[str, int], list[bytes], np.ndarray]:
    """The field map, every key, and every key's term info, in key order."""
    (tail_length,) = _INT.unpack_from(trm, len(trm) - 4)
    tail = trm[len(trm) - 4 - tail_length : len(trm) - 4]
    extras = pickle.loads(tail)
    count = extras["indexlen"]
    positions_dtype = np.dtype(ARRAY_TYPES[extras["indextype"]])
    positions = np.frombuffer(
        tail,
        dtype=positions_dtype,
        count=count,
        offset=len(tail) - count * positions_dtype.itemsize,
    ).astype(np.int64)
    raw = np.frombuffer(trm, dtype=np.uint8)
    heads = raw[positions[:, None] + np.arange(8)].copy().view(_RECORD_LENGTHS).ravel()
    key_lengths = heads["key"].astype(np.int64)
    data = bytes(trm)
    keys = [
        data[start : start + length]
        for start, length in zip((positions + 8).tolist(), key_lengths.tolist(), strict=True)
    ]
    info_starts = positions + 8 + key_lengths
    infos = raw[info_starts[:, None] + np.arange(TERM_INFO.itemsize)].copy().view(TERM_INFO)
    return extras["fieldmap"], keys, infos.ravel()


def _postings(trm: memoryview, pst: memoryview, schema: Schema) -> dict[str, FieldPostings]:
    fieldmap, keys, infos = _term_records(trm)
    names = {number: name for name, number in fieldmap.items()}
    numbers = np.array([int.from_bytes(key[:2], "big") for key in keys], dtype=np.int64)
    postings = {}
    for number in np.unique(numbers).tolist():
        rows = np.flatnonzero(numbers == number)
        name = names[number]
        terms = [keys[row][2:] for row in rows.tolist()]
        postings[name] = _field_postings(pst, terms, infos[rows], schema[name].format)
    return postings


def _field_postings(pst: memoryview, terms: list[bytes], infos: np.ndarray, format_):
    docs, weights, values, fixed = [], [], [], []
    for offset in infos["offset"].tolist():
        for count, (ids, block_weights, block_values) in _blocks(pst, offset):
            docs.append(np.cumsum(np.array(ids, dtype=np.int64)))
            if block_weights is None:
                weights.append(np.ones(count))
            elif isinstance(block_weights, float):
                weights.append(np.full(count, block_weights))
            else:
                weights.append(np.array(block_weights, dtype=np.float64))
            if isinstance(block_values, tuple):
                values.append(block_values)
            elif isinstance(block_values, bytes):
                fixed.append(block_values)
    df = infos["df"].astype(np.int64)
    postings = FieldPostings(
        terms=terms,
        term_starts=exclusive_cumsum(df),
        docs=np.concatenate(docs),
        weights=np.concatenate(weights),
        counts=np.ones(int(df.sum()), dtype=np.int64),
    )
    if values and type(format_).__name__ == "PackedPositions":
        postings.counts, postings.positions, postings.position_starts = _packed_positions(
            list(chain.from_iterable(values))
        )
    elif values and type(format_).__name__ in ("Positions", "AnalyzedPositions"):
        postings.counts, postings.positions, postings.position_starts = _positions(
            list(chain.from_iterable(values))
        )
    elif values:
        items = list(chain.from_iterable(values))
        postings.value_blob = np.frombuffer(b"".join(items), dtype=np.uint8)
        postings.value_offsets = exclusive_cumsum(np.fromiter(map(len, items), np.int64))
    elif fixed and isinstance(format_, Frequency):
        postings.counts = np.frombuffer(b"".join(fixed), dtype=">u4").astype(np.int64)
    return postings


def _blocks(pst: memoryview, offset: int):
    """(count, (ids, weights, values)) of each block of the posting list at `offset`."""
    if bytes(pst[offset : offset + 4]) != b"W3Bl":
        raise ValueError(f"no posting list at {offset}")
    position = offset + 4
    while True:
        (length,) = _INT.unpack_from(pst, position)
        start = position + 4
        info_end = _info_end(pst, start)
        count, _last, _max_weight, compression, _low, _high = pickle.loads(pst[start:info_end])
        data = pst[info_end : start + abs(length)]
        yield count, pickle.loads(zlib.decompress(data) if compression else data)
        if length < 0:
            return
        position = start + length


def _info_end(pst: memoryview, start: int) -> int:
    """Where a block's info pickle ends."""
    position = start + 3
    for _ in range(6):
        opcode = pst[position]
        # LONG1 (0x8A): a length byte, then that many bytes.
        position += pst[position + 1] + 2 if opcode == 0x8A else _NUMBER_SIZES[opcode]
    if bytes(pst[position : position + 4]) != b"tq\x00.":
        raise ValueError(f"a posting block's info at {start} is not as Whoosh writes it")
    return position + 4


def _positions(values: list[bytes]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The counts, the flat positions and their starts of many `Positions.encode` values."""
    lengths = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
    blob = np.frombuffer(b"".join(values), dtype=np.uint8)
    starts = exclusive_cumsum(lengths)
    heads = blob[starts[:-1, None] + np.arange(4)].astype(np.int64)
    counts = (heads[:, 0] << 24) | (heads[:, 1] << 16) | (heads[:, 2] << 8) | heads[:, 3]
    position_starts = exclusive_cumsum(counts)
    if len(values) and np.all(blob[starts[:-1, None] + np.arange(4, 7)] == _LIST_HEAD):
        positions = _positions_from_deltas(blob, starts, counts, position_starts)
    else:
        decoded = [Positions().decode_positions(value) for value in values]
        positions = np.fromiter(chain.from_iterable(decoded), np.int64, int(counts.sum()))
    return counts, positions, position_starts


def _packed_positions(values: list[bytes]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The counts, the flat positions and their starts of many `PackedPositions.encode` values
    (`search.index.schema`): all their varints decoded at once, each value's first its count."""
    lengths = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
    blob = np.frombuffer(b"".join(values), dtype=np.uint8)
    numbers, ends = _varints(blob)
    # Each value's first number is the first to end at or after the value's first byte.
    heads = np.searchsorted(ends, exclusive_cumsum(lengths)[:-1])
    counts = numbers[heads]
    gaps = np.ones(len(numbers), dtype=bool)
    gaps[heads] = False
    position_starts = exclusive_cumsum(counts)
    return counts, _restarted_sums(numbers[gaps], counts, position_starts), position_starts


def _varints(blob: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The numbers of a run of varints, and the index of each one's last byte."""
    ends = np.flatnonzero(blob < 0x80)
    if not len(ends):
        return np.zeros(0, dtype=np.int64), ends
    begins = np.concatenate([[0], ends[:-1] + 1])
    within = np.arange(len(blob)) - np.repeat(begins, ends - begins + 1)
    parts = (blob & 0x7F).astype(np.int64) << (7 * within)
    return np.add.reduceat(parts, begins), ends


def _restarted_sums(deltas: np.ndarray, counts: np.ndarray, position_starts) -> np.ndarray:
    """Each posting's positions from the gaps between them (the first from 0): a running sum
    restarted at each posting's first."""
    positions = np.cumsum(deltas)
    if len(deltas):
        firsts = position_starts[:-1][counts > 0]
        base = np.zeros(len(counts), dtype=np.int64)
        base[counts > 0] = positions[firsts] - deltas[firsts]
        positions -= np.repeat(base, counts)
    return positions


def _positions_from_deltas(blob, starts, counts, position_starts) -> np.ndarray:
    """Each value is `pack_uint(n)` and a protocol-2 pickle of the deltas; without each
    value's count, protocol head and STOP, what is left of each pushes one list, and all of
    them between MARK and TUPLE make one pickle of a tuple of lists."""
    keep = np.ones(len(blob), dtype=bool)
    keep[(starts[:-1, None] + np.arange(6)).ravel()] = False
    keep[starts[1:] - 1] = False
    lists = pickle.loads(b"(" + blob[keep].tobytes() + b"t.")
    total = int(counts.sum())
    deltas = np.fromiter(chain.from_iterable(lists), dtype=np.int64, count=total)
    return _restarted_sums(deltas, counts, position_starts)
