"""Bytes of many items built at once with numpy: pickle opcodes, big-endian integers, and byte
streams interleaved in runs. Whoosh's W3 files are made of these (see `posting_blocks`).

A set of pieces is `(mat, lens)`: row i holds the bytes of item i in `mat[i, :lens[i]]` (all of
the row when `lens` is None). `concat_rows` and `interleave_rows` lay such rows end to end;
`merge_runs` takes runs in turn from several streams without any per-item Python.
"""

from __future__ import annotations

import numpy as np

# The pickle opcodes written here: protocol 2, and BINBYTES / SHORT_BINBYTES of protocol 3.
MARK, STOP, TUPLE3 = ord("("), ord("."), 0x87
BININT, BININT1, BININT2 = ord("J"), ord("K"), ord("M")
BINFLOAT, NONE = ord("G"), ord("N")
BINBYTES, SHORT_BINBYTES = ord("B"), ord("C")
APPEND, APPENDS = ord("a"), ord("e")

Pieces = tuple[np.ndarray, np.ndarray | None]


def exclusive_cumsum(lengths: np.ndarray) -> np.ndarray:
    """Offsets of items of these lengths laid end to end: [0, l0, l0 + l1, ...] (int64)."""
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    return offsets


def pickle_ints(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each int as pickle writes it from protocol 1 on: BININT1 (0-255), BININT2 (to 65535),
    else BININT (signed 32 bits). Returns `(mat (n, 5) uint8, lens)`."""
    values = np.asarray(values, dtype=np.int64)
    if values.size and (values.min() < -(2**31) or values.max() >= 2**31):
        raise OverflowError("an integer outside 32 bits (pickle would write LONG1)")
    mat = np.empty((len(values), 5), dtype=np.uint8)
    small = (values >= 0) & (values < 256)
    medium = (values >= 256) & (values < 65536)
    mat[:, 0] = np.where(small, BININT1, np.where(medium, BININT2, BININT))
    mat[:, 1:] = values.astype("<i4").view(np.uint8).reshape(-1, 4)
    lens = np.where(small, 2, np.where(medium, 3, 5)).astype(np.int64)
    return mat, lens


def pickle_floats(values: np.ndarray) -> np.ndarray:
    """Each float as BINFLOAT: "G" and 8 bytes of big-endian double. Returns `mat (n, 9)`."""
    doubles = np.asarray(values, dtype=">f8")
    mat = np.empty((len(doubles), 9), dtype=np.uint8)
    mat[:, 0] = BINFLOAT
    mat[:, 1:] = doubles.view(np.uint8).reshape(-1, 8)
    return mat


def pickled_bytes_heads(lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The opcode and length before each bytes object of a protocol-3 pickle: SHORT_BINBYTES
    and one byte (under 256 bytes), else BINBYTES and 4 bytes little-endian."""
    lengths = np.asarray(lengths, dtype=np.int64)
    heads = np.empty((len(lengths), 5), dtype=np.uint8)
    short = lengths < 256
    heads[:, 0] = np.where(short, SHORT_BINBYTES, BINBYTES)
    heads[:, 1:] = lengths.astype("<u4").view(np.uint8).reshape(-1, 4)
    return heads, np.where(short, 2, 5)


def big_endian_uint32(values) -> np.ndarray:
    """Each value as 4 big-endian bytes: `(n, 4)`."""
    return np.asarray(values, dtype=">u4").view(np.uint8).reshape(-1, 4)


def big_endian_int32(values) -> np.ndarray:
    """Each value as 4 big-endian bytes of a signed int: `(n, 4)`."""
    return np.asarray(values, dtype=">i4").view(np.uint8).reshape(-1, 4)


def concat_rows(mat: np.ndarray, lens: np.ndarray) -> np.ndarray:
    """The rows' bytes, each cut to its length, end to end."""
    return mat[np.arange(mat.shape[1]) < lens[:, None]]


def constant_rows(count: int, data: bytes) -> Pieces:
    """The same bytes for each of `count` items."""
    return np.tile(np.frombuffer(data, dtype=np.uint8), (count, 1)), None


def chosen_rows(choices: list[bytes], which: np.ndarray) -> Pieces:
    """For each item, the byte string `choices[which[i]]`."""
    width = max(len(choice) for choice in choices)
    table = np.zeros((len(choices), width), dtype=np.uint8)
    for row, choice in enumerate(choices):
        table[row, : len(choice)] = np.frombuffer(choice, dtype=np.uint8)
    lens = np.array([len(choice) for choice in choices], dtype=np.int64)
    return table[which], lens[which]


def interleave_rows(count: int, parts: list[Pieces]) -> np.ndarray:
    """Per item, its pieces of each part side by side; then all items end to end."""
    width = sum(mat.shape[1] for mat, _ in parts)
    mat = np.zeros((count, width), dtype=np.uint8)
    keep = np.zeros((count, width), dtype=bool)
    column = 0
    for piece, lens in parts:
        end = column + piece.shape[1]
        mat[:, column:end] = piece
        if lens is None:
            keep[:, column:end] = True
        else:
            keep[:, column:end] = np.arange(piece.shape[1]) < np.asarray(lens)[:, None]
        column = end
    return mat[keep]


def merge_runs(labels: np.ndarray, lengths: np.ndarray, streams: list[np.ndarray]) -> np.ndarray:
    """Runs taken in turn from byte streams: run r is the next `lengths[r]` bytes of
    `streams[labels[r]]`. Every stream must be used up exactly. One byte of label per output
    byte, no index arrays."""
    label = np.repeat(np.asarray(labels, dtype=np.uint8), np.asarray(lengths, dtype=np.int64))
    out = np.empty(len(label), dtype=np.uint8)
    if len(streams) == 2:
        second = label.view(bool)
        out[~second] = streams[0]
        out[second] = streams[1]
    else:
        for number, stream in enumerate(streams):
            out[label == number] = stream
    return out


def scatter_rows(out: np.ndarray, starts: np.ndarray, mat: np.ndarray) -> None:
    """Write row i of `mat` at `out[starts[i]:]`."""
    out[starts[:, None] + np.arange(mat.shape[1])] = mat


def copy_spans(
    out: np.ndarray, targets: np.ndarray, source: np.ndarray, starts: np.ndarray, lengths
) -> None:
    """`out[targets[i]:][:lengths[i]] = source[starts[i]:][:lengths[i]]` for every i at once."""
    lengths = np.asarray(lengths, dtype=np.int64)
    total = int(lengths.sum())
    if not total:
        return
    before = exclusive_cumsum(lengths)[:-1]
    ramp = np.arange(total, dtype=np.int64)
    out[np.repeat(targets - before, lengths) + ramp] = source[
        np.repeat(starts - before, lengths) + ramp
    ]


def gather_items(
    blob: np.ndarray, offsets: np.ndarray, order: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Variable-length items reordered: item k of the result is item `order[k]` of
    `blob[offsets[i]:offsets[i + 1]]`. Returns the new blob and offsets."""
    lengths = np.diff(offsets)[order]
    new_offsets = exclusive_cumsum(lengths)
    shift = np.repeat(offsets[:-1][order] - new_offsets[:-1], lengths)
    return blob[shift + np.arange(new_offsets[-1], dtype=np.int64)], new_offsets
