"""A field's posting lists as Whoosh's W3 postings file (`.pst`) holds them, from numpy arrays.

Per term (`whoosh.codec.whoosh3.W3PostingsWriter`):
    b"W3Bl"                once, before the term's first block
    then per block of at most 128 postings:
    int32 big-endian       +-(length of info + length of data), negative on the term's last block
    info                   pickle (protocol 2) of (count, last docnum, max weight, compression,
                           min length byte, max length byte)
    data                   pickle of (docnum deltas, the first from 0; weights; values), zlib
                           level 3 when the pickle has at least 80 bytes. Weights are None (all
                           1.0), one float (all equal) or a tuple of float32-rounded floats;
                           values None (a format without values), one bytes object (fixed-size
                           values: `Frequency`'s counts) or a tuple of bytes (`Positions`).
Whoosh reads `data` with `pickle.loads`, so any pickle of the same objects reads the same: the
values are written as protocol-3 bytes (Whoosh's own protocol-2 pickle spells each as a call to
`_codecs.encode`), which is smaller and loads faster.

A `Positions` value is `pack_uint(len(deltas)) + pickle.dumps(deltas, 2)`, the deltas between
successive positions (the first from 0); pickle writes a list as `\\x80\\x02]q\\x00`, then
`K/M/J item a` for one item or `( items e` for more (with `e(` after every 1000th), then `.`.
A `PackedPositions` value (`search.index.schema`, the format of the text fields of an index
written since) is the count, then the deltas, each a varint.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np

from search.index.format.pickle_bytes import (
    APPEND,
    APPENDS,
    BINBYTES,
    BINFLOAT,
    MARK,
    NONE,
    STOP,
    big_endian_int32,
    big_endian_uint32,
    chosen_rows,
    concat_rows,
    constant_rows,
    exclusive_cumsum,
    interleave_rows,
    merge_runs,
    pickle_floats,
    pickle_ints,
    pickled_bytes_heads,
)

BLOCK_LIMIT = 128
COMPRESSION_LEVEL = 3
# Whoosh compresses a block's data only from this many bytes on.
COMPRESSION_MIN_SIZE = 80
# Pickle writes a list's items in batches of this many.
_PICKLE_BATCH = 1000
_PICKLED_LIST_HEAD = np.frombuffer(b"\x80\x02]q\x00", dtype=np.uint8)
# The most bytes a varint written here takes.
_VARINT_WIDTH = 5

# `W3TermInfo.to_bytes`: struct "!BfIBBfII", then the postings' offset (q) and length (i).
TERM_INFO = np.dtype(
    [
        ("flags", "u1"),
        ("weight", ">f4"),
        ("df", ">u4"),
        ("minlength", "u1"),
        ("maxlength", "u1"),
        ("maxweight", ">f4"),
        ("minid", ">u4"),
        ("maxid", ">u4"),
        ("offset", ">i8"),
        ("length", ">i4"),
    ]
)


@dataclass(frozen=True)
class Values:
    """The values of a field's postings in posting order: none, fixed-size values end to end
    (`size` bytes each), or each value preceded by its pickle opcode (`offsets` per posting)."""

    blob: np.ndarray | None = None
    size: int = 0
    offsets: np.ndarray | None = None


def position_values(counts: np.ndarray, positions: np.ndarray) -> Values:
    """Each posting's `Positions.encode(its positions)`, as items of a pickled tuple."""
    counts = np.asarray(counts, dtype=np.int64)
    deltas = _position_deltas(counts, positions)
    mat, lens = pickle_ints(deltas)
    first = exclusive_cumsum(counts)[:-1]
    if counts.max(initial=0) > _PICKLE_BATCH:
        mat, lens = _batched_list_items(counts, first, mat, lens)
    body = concat_rows(mat, lens)
    del mat
    item_offsets = exclusive_cumsum(lens)
    body_lengths = item_offsets[first + counts] - item_offsets[first]
    del item_offsets, lens
    several = counts > 1
    head_lengths = 9 + several
    value_lengths = head_lengths + body_lengths + 2
    heads = np.empty((len(counts), 10), dtype=np.uint8)
    heads[:, :4] = big_endian_uint32(counts)
    heads[:, 4:9] = _PICKLED_LIST_HEAD
    heads[:, 9] = MARK
    tails = np.empty((len(counts), 2), dtype=np.uint8)
    tails[:, 0] = np.where(several, APPENDS, APPEND)
    tails[:, 1] = STOP
    opcodes, opcode_lengths = pickled_bytes_heads(value_lengths)
    glue = interleave_rows(
        len(counts), [(opcodes, opcode_lengths), (heads, head_lengths), (tails, None)]
    )
    runs = np.empty((len(counts), 3), dtype=np.int64)
    runs[:, 0] = opcode_lengths + head_lengths
    runs[:, 1] = body_lengths
    runs[:, 2] = 2
    labels = np.tile(np.array([0, 1, 0], dtype=np.uint8), len(counts))
    blob = merge_runs(labels, runs.ravel(), [glue, body])
    return Values(blob=blob, offsets=exclusive_cumsum(opcode_lengths + value_lengths))


def _position_deltas(counts: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """Each position minus the one before it in its posting (the first stays itself)."""
    deltas = np.asarray(positions, dtype=np.int64).copy()
    deltas[1:] -= deltas[:-1].copy()
    starts = exclusive_cumsum(counts)[:-1][counts > 0]
    deltas[starts] = positions[starts]
    return deltas


def _batched_list_items(counts, first, mat, lens):
    """Pickle's list items with "e(" after every 1000th item of a list that goes on."""
    owner = np.repeat(np.arange(len(counts)), counts)
    index = np.arange(len(lens)) - first[owner]
    batch_end = ((index + 1) % _PICKLE_BATCH == 0) & (index + 1 < counts[owner])
    items = np.zeros((len(lens), 7), dtype=np.uint8)
    items[:, :5] = mat
    rows = np.flatnonzero(batch_end)
    items[rows, lens[rows]] = APPENDS
    items[rows, lens[rows] + 1] = MARK
    return items, lens + 2 * batch_end


def packed_position_values(counts: np.ndarray, positions: np.ndarray) -> Values:
    """Each posting's `PackedPositions.encode(its positions)` (`search.index.schema`): its
    count, then the gaps between its positions, each a varint; as items of a pickled tuple."""
    counts = np.asarray(counts, dtype=np.int64)
    gaps = _position_deltas(counts, positions)
    # Each posting's count, then its gaps: one run of numbers, one varint each.
    item_starts = exclusive_cumsum(counts + 1)
    items = np.empty(int(item_starts[-1]), dtype=np.int64)
    heads = np.zeros(len(items), dtype=bool)
    heads[item_starts[:-1]] = True
    items[heads] = counts
    items[~heads] = gaps
    rows, lengths = varint_rows(items)
    blob = concat_rows(rows, lengths)
    return pickled_items(blob, exclusive_cumsum(lengths)[item_starts])


def varint_rows(numbers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each number (none negative, below 2**35) as Whoosh's varint: 7 bits a byte, the lowest
    first, the top bit set on all but the last byte; a row of 5 bytes per number, and how many
    of them it takes."""
    numbers = np.asarray(numbers, dtype=np.int64)
    if len(numbers) and (numbers.min() < 0 or numbers.max() >= 1 << 35):
        raise ValueError("a varint written here holds a number from 0 to 2**35 - 1")
    lengths = np.ones(len(numbers), dtype=np.int64)
    for bits in (7, 14, 21, 28):
        lengths += numbers >= 1 << bits
    rows = np.empty((len(numbers), _VARINT_WIDTH), dtype=np.uint8)
    for byte in range(_VARINT_WIDTH):
        more = np.where(lengths > byte + 1, 0x80, 0)
        rows[:, byte] = ((numbers >> (7 * byte)) & 0x7F) | more
    return rows, lengths


def frequency_values(counts: np.ndarray) -> Values:
    """`Frequency` values: each count as 4 big-endian bytes."""
    return Values(blob=big_endian_uint32(counts).reshape(-1), size=4)


def pickled_items(blob: np.ndarray, offsets: np.ndarray) -> Values:
    """Variable-length values (any other format), each preceded by its pickle opcode."""
    lengths = np.diff(offsets)
    heads, head_lengths = pickled_bytes_heads(lengths)
    glue = concat_rows(heads, head_lengths)
    runs = np.stack([head_lengths, lengths], axis=1).ravel()
    labels = np.tile(np.array([0, 1], dtype=np.uint8), len(lengths))
    return Values(
        blob=merge_runs(labels, runs, [glue, blob]),
        offsets=exclusive_cumsum(head_lengths + lengths),
    )


@dataclass(frozen=True)
class _Blocks:
    """How a field's postings fall into blocks, and each block's statistics."""

    starts: np.ndarray  # first posting of each block
    ends: np.ndarray
    counts: np.ndarray
    first_of_term: np.ndarray  # first block of each term, and the total at the end
    weights32: np.ndarray  # each posting's weight rounded to float32, as Whoosh buffers it
    weight_kind: np.ndarray  # 0: all 1.0, 1: all equal, 2: a tuple
    min_weight: np.ndarray
    max_weight: np.ndarray  # the block's largest weight, as given (float64)
    min_length: np.ndarray
    max_length: np.ndarray


def _blocks(term_starts, weights, length_bytes) -> _Blocks:
    per_term = np.diff(term_starts)
    blocks_per_term = (per_term + BLOCK_LIMIT - 1) // BLOCK_LIMIT
    first_of_term = exclusive_cumsum(blocks_per_term)
    term_of_block = np.repeat(np.arange(len(per_term)), blocks_per_term)
    within = np.arange(int(first_of_term[-1])) - first_of_term[term_of_block]
    starts = term_starts[term_of_block] + within * BLOCK_LIMIT
    ends = np.minimum(starts + BLOCK_LIMIT, term_starts[term_of_block + 1])
    weights32 = weights.astype(np.float32).astype(np.float64)
    low = np.minimum.reduceat(weights32, starts)
    high = np.maximum.reduceat(weights32, starts)
    codes = length_bytes.astype(np.int64)
    # A length byte of 0 (a field the document lacks) is not a length.
    min_length = np.minimum.reduceat(np.where(codes > 0, codes, 256), starts)
    min_length[min_length == 256] = 0
    return _Blocks(
        starts=starts,
        ends=ends,
        counts=ends - starts,
        first_of_term=first_of_term,
        weights32=weights32,
        weight_kind=np.where((low == 1.0) & (high == 1.0), 0, np.where(low == high, 1, 2)),
        min_weight=low,
        max_weight=np.maximum.reduceat(weights, starts),
        min_length=min_length,
        max_length=np.maximum.reduceat(codes, starts),
    )


def posting_lists(
    term_starts: np.ndarray,
    docs: np.ndarray,
    weights: np.ndarray,
    values: Values,
    length_bytes: np.ndarray,
    base_offset: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """One field's posting lists, its terms in order, each term's postings in docnum order.

    `term_starts` (T + 1): where each term's postings start; `weights` as Whoosh's
    `add_posting` gets them; `length_bytes`: the length byte of each posting's document in this
    field (0 for a field that is not scored). Returns the bytes (uint8) and each term's
    `TERM_INFO`, its offset counted from `base_offset`.
    """
    term_starts = np.asarray(term_starts, dtype=np.int64)
    docs = np.asarray(docs, dtype=np.int64)
    weights = np.asarray(weights, dtype=np.float64)
    blocks = _blocks(term_starts, weights, length_bytes)
    data, raw_lengths = _block_data(blocks, docs, values)
    packed, compressed = _compressed(data, raw_lengths)
    out, term_offsets = _with_block_heads(blocks, docs, data, raw_lengths, packed, compressed)
    infos = _term_infos(blocks, docs, term_starts, term_offsets, base_offset)
    return out, infos


def _docnum_deltas(blocks: _Blocks, docs: np.ndarray) -> np.ndarray:
    deltas = docs.copy()
    deltas[1:] -= docs[:-1]
    deltas[blocks.starts] = docs[blocks.starts]
    return deltas


def _value_lengths(blocks: _Blocks, values: Values) -> np.ndarray:
    if values.blob is None:
        return np.zeros(len(blocks.starts), dtype=np.int64)
    if values.offsets is None:
        return blocks.counts * values.size
    return values.offsets[blocks.ends] - values.offsets[blocks.starts]


def _block_data(blocks: _Blocks, docs: np.ndarray, values: Values):
    """Every block's data pickle, `(ids, weights, values)`, end to end, and their lengths."""
    count = len(blocks.starts)
    id_mat, id_lengths = pickle_ints(_docnum_deltas(blocks, docs))
    ids = concat_rows(id_mat, id_lengths)
    del id_mat
    ids_per_block = np.add.reduceat(id_lengths, blocks.starts)
    tuples = blocks.weight_kind == 2
    tuple_postings = np.repeat(tuples, blocks.counts)
    weights = pickle_floats(blocks.weights32[tuple_postings]).reshape(-1)
    weight_prefix = np.zeros((count, 9), dtype=np.uint8)
    weight_prefix[:, 0] = np.where(
        blocks.weight_kind == 0, NONE, np.where(blocks.weight_kind == 1, BINFLOAT, MARK)
    )
    weight_prefix[:, 1:] = np.asarray(blocks.min_weight, dtype=">f8").view(np.uint8).reshape(-1, 8)
    weight_prefix_lengths = np.where(blocks.weight_kind == 1, 9, 1)
    value_prefix, value_suffix = _value_glue(count, blocks, values)
    glue = interleave_rows(
        count,
        [
            constant_rows(count, b"\x80\x03("),
            constant_rows(count, b"t"),
            (weight_prefix, weight_prefix_lengths),
            chosen_rows([b"", b"t"], tuples.astype(np.int64)),
            value_prefix,
            constant_rows(count, value_suffix + b"\x87."),
        ],
    )
    value_prefix_lengths = value_prefix[0].shape[1] if value_prefix[1] is None else 1
    runs = np.empty((count, 7), dtype=np.int64)
    runs[:, 0] = 3
    runs[:, 1] = ids_per_block
    runs[:, 2] = 1 + weight_prefix_lengths
    runs[:, 3] = np.where(tuples, 9 * blocks.counts, 0)
    runs[:, 4] = tuples + value_prefix_lengths
    runs[:, 5] = _value_lengths(blocks, values)
    runs[:, 6] = len(value_suffix) + 2
    labels = np.tile(np.array([0, 1, 0, 2, 0, 3, 0], dtype=np.uint8), count)
    value_stream = values.blob if values.blob is not None else np.zeros(0, dtype=np.uint8)
    data = merge_runs(labels, runs.ravel(), [glue, ids, weights, value_stream])
    return data, runs.sum(axis=1)


def _value_glue(count: int, blocks: _Blocks, values: Values):
    """What stands before and after a block's values in its data pickle."""
    if values.blob is None:
        return constant_rows(count, b"N"), b""
    if values.offsets is None:
        heads = np.empty((count, 5), dtype=np.uint8)
        heads[:, 0] = BINBYTES
        lengths = blocks.counts * values.size
        heads[:, 1:] = np.asarray(lengths, dtype="<u4").view(np.uint8).reshape(-1, 4)
        return (heads, None), b""
    return constant_rows(count, b"("), b"t"


def _compressed(data: np.ndarray, lengths: np.ndarray) -> tuple[list[bytes], np.ndarray]:
    """zlib (level 3) of each block's data of at least 80 bytes, as Whoosh compresses.

    A window just large enough for the block (9 to 15 bits) gives the same stream as zlib's
    default 32 KB window for data of that size, at a fraction of zlib's set-up cost.
    """
    offsets = exclusive_cumsum(lengths)
    chosen = np.flatnonzero(lengths >= COMPRESSION_MIN_SIZE)
    view = memoryview(data)
    starts = offsets[chosen].tolist()
    ends = (offsets[chosen] + lengths[chosen]).tolist()
    windows = np.clip(np.ceil(np.log2(lengths[chosen] + 262)), 9, 15).astype(np.int64).tolist()
    packed = [
        zlib.compress(view[start:end], COMPRESSION_LEVEL, window)
        for start, end, window in zip(starts, ends, windows, strict=True)
    ]
    compressed = np.zeros(len(lengths), dtype=bool)
    compressed[chosen] = True
    return packed, compressed


def _with_block_heads(blocks, docs, data, raw_lengths, packed, compressed):
    """The postings file's bytes: per block its head and info, then its (compressed) data.
    Returns them and each term's offset (relative to the start), with the end last."""
    count = len(blocks.starts)
    out_lengths = raw_lengths.copy()
    out_lengths[compressed] = np.fromiter(map(len, packed), dtype=np.int64, count=len(packed))
    first = np.zeros(count, dtype=bool)
    first[blocks.first_of_term[:-1]] = True
    last = np.zeros(count, dtype=bool)
    last[blocks.first_of_term[1:] - 1] = True
    info, info_lengths = _block_infos(blocks, docs, compressed)
    signed = np.where(last, -(info_lengths + out_lengths), info_lengths + out_lengths)
    magic, magic_lengths = chosen_rows([b"", b"W3Bl"], first.astype(np.int64))
    pieces = [(magic, magic_lengths), (big_endian_int32(signed), None), *info]
    heads = interleave_rows(count, pieces)
    runs = np.empty((count, 2), dtype=np.int64)
    runs[:, 0] = magic_lengths + 4 + info_lengths
    runs[:, 1] = out_lengths
    labels = np.empty((count, 2), dtype=np.uint8)
    labels[:, 0] = 0
    labels[:, 1] = np.where(compressed, 2, 1)
    raw_kept = data[np.repeat(~compressed, raw_lengths)] if compressed.any() else data
    zipped = np.frombuffer(b"".join(packed), dtype=np.uint8)
    out = merge_runs(labels.ravel(), runs.ravel(), [heads, raw_kept, zipped])
    block_offsets = exclusive_cumsum(runs.sum(axis=1))
    return out, block_offsets[blocks.first_of_term]


def _block_infos(blocks: _Blocks, docs: np.ndarray, compressed: np.ndarray):
    """Each block's info pickle, (count, last docnum, max weight, compression, min length
    byte, max length byte), as pieces, and its length."""
    count = len(blocks.starts)
    numbers = [
        pickle_ints(blocks.counts),
        pickle_ints(docs[blocks.ends - 1]),
        _max_weight_pieces(blocks.max_weight),
        pickle_ints(np.where(compressed, COMPRESSION_LEVEL, 0)),
        pickle_ints(blocks.min_length),
        pickle_ints(blocks.max_length),
    ]
    pieces = [constant_rows(count, b"\x80\x02("), *numbers, constant_rows(count, b"tq\x00.")]
    return pieces, 3 + sum(lens for _, lens in numbers) + 4


def _max_weight_pieces(max_weight: np.ndarray):
    """A block's max weight: a BINFLOAT, or the int 0 when no weight was above 0."""
    mat = pickle_floats(max_weight)
    lens = np.full(len(max_weight), 9, dtype=np.int64)
    zero = max_weight <= 0
    mat[zero, 0] = ord("K")
    mat[zero, 1] = 0
    lens[zero] = 2
    return mat, lens


def _term_infos(blocks, docs, term_starts, term_offsets, base_offset) -> np.ndarray:
    """`W3TermInfo` of each term, as `add_block` sums them over its blocks."""
    firsts = blocks.first_of_term[:-1]
    infos = np.zeros(len(term_starts) - 1, dtype=TERM_INFO)
    block_sums = np.add.reduceat(blocks.weights32, blocks.starts)
    infos["weight"] = np.add.reduceat(block_sums, firsts)
    infos["df"] = np.diff(term_starts)
    shortest = np.minimum.reduceat(np.where(blocks.min_length > 0, blocks.min_length, 256), firsts)
    infos["minlength"] = np.where(shortest == 256, 0, shortest)
    infos["maxlength"] = np.maximum.reduceat(blocks.max_length, firsts)
    infos["maxweight"] = np.maximum.reduceat(np.maximum(blocks.max_weight, 0), firsts)
    infos["minid"] = docs[term_starts[:-1]]
    infos["maxid"] = docs[term_starts[1:] - 1]
    infos["offset"] = base_offset + term_offsets[:-1]
    infos["length"] = np.diff(term_offsets)
    return infos
