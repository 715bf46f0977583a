"""Whoosh's `RefBytesColumn` written from a list of values and read back into arrays.

The column holds each document's value as its number among the segment's distinct values (one
byte each while there are at most 256 of them, else two, big-endian), then the count of
distinct values and each one with its length before it (varints), then the typecode ("B" or
"H"). A column of few distinct values (a parliament's members, its ministers, the days
questions are put) costs a byte or two a chunk instead of the value itself.
"""

from __future__ import annotations

import numpy as np
from whoosh.util.varints import read_varint, varint

from search.index.format.pickle_bytes import exclusive_cumsum, gather_items

# Whoosh's typecodes of the values' numbers, as numpy types.
_NUMBER_TYPES = {"B": np.dtype("u1"), "H": np.dtype(">u2")}


def refbytes_column(values: list[bytes]) -> bytes:
    """A `RefBytesColumn`: each document's value as its number among the distinct values (b""
    first, then in the order they first come), one byte each while there are at most 256 of
    them, else two (big-endian); then the count of distinct values and each one, its length
    before it (varints); then the typecode. Whoosh's own writer drops the values past the
    65,536th of a segment with a warning: here that is an error."""
    numbers: dict[bytes, int] = {b"": 0}
    refs = np.fromiter(
        (numbers.setdefault(value, len(numbers)) for value in values),
        dtype=np.int64,
        count=len(values),
    )
    if len(numbers) > 2**16:
        raise ValueError(f"a RefBytesColumn holds at most 65,536 values, not {len(numbers):,}")
    typecode = "B" if len(numbers) <= 256 else "H"
    parts = [refs.astype(_NUMBER_TYPES[typecode]).tobytes(), varint(len(numbers))]
    for value in numbers:
        parts += [varint(len(value)), value]
    parts.append(typecode.encode())
    return b"".join(parts)


def refbytes_parts(raw: bytes, count: int) -> tuple[list[bytes], np.ndarray]:
    """The distinct values of a `RefBytesColumn` of `count` documents (its raw bytes), and
    each document's number among them."""
    number_type = _NUMBER_TYPES[chr(raw[-1])]
    end = count * number_type.itemsize
    refs = np.frombuffer(raw, dtype=number_type, count=count)
    at = end

    def read(size: int = 1) -> bytes:
        nonlocal at
        at += size
        return raw[at - size : at]

    values = []
    for _ in range(read_varint(read)):
        values.append(read(read_varint(read)))
    return values, refs


def coded_values(values: list[bytes], refs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each document's value of a `RefBytesColumn`, given its distinct values and each
    document's number among them: end to end (bytes), and where each starts (one offset more
    than documents)."""
    sizes = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
    blob = np.frombuffer(b"".join(values), dtype=np.uint8)
    return gather_items(blob, exclusive_cumsum(sizes), refs.astype(np.int64))
