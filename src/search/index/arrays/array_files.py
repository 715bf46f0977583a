"""Files of numpy arrays, mapped read-only and shared by every thread and process that reads them.

The search reads its postings and per-document tables as arrays (`postings`, `tables`). Each
file holds named arrays and a small JSON header, so that opening one costs one `mmap` and a
few views: nothing is copied or decoded up front, the pages the operating system keeps in
memory are shared by all server processes, and a generation swap costs milliseconds.

Layout: `MAGIC`, the header's length (uint64, little-endian), the header (JSON: free metadata
and, per array, its offset, dtype and shape), then the arrays, each at a 64-byte boundary.
Text goes in as `Strings`: the UTF-8 bytes of all values end to end and where each starts.
Runs of such arrays (a list column's codes, a posting's positions) are read at once with
`gathered_runs`.
"""

from __future__ import annotations

import bisect
import itertools
import json
import logging
import mmap
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np

MAGIC = b"PARLARR1"
_ALIGN = 64
# Bytes of a sorted value that its key holds (see `encode_strings`).
_KEY_BYTES = 8
_EMPTY = np.zeros(0, dtype=np.uint8)

_log = logging.getLogger(__name__)


def write_arrays(path: Path, arrays: Mapping[str, np.ndarray], meta: dict | None = None) -> None:
    """Write `arrays` (and the JSON-able `meta`) to `path`: under a temporary name, then renamed,
    so that a reader never sees half a file."""
    arrays = {name: np.ascontiguousarray(array) for name, array in arrays.items()}
    # Offsets count from the first array, so that the header does not depend on its own length.
    entries, position = {}, 0
    for name, array in arrays.items():
        entries[name] = [position, array.dtype.str, list(array.shape)]
        position = _aligned(position + array.nbytes)
    header = json.dumps({"meta": meta or {}, "arrays": entries}).encode("utf-8")
    start = _aligned(len(MAGIC) + 8 + len(header))
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(temporary, "wb") as out:
        out.write(MAGIC + len(header).to_bytes(8, "little") + header)
        for name, array in arrays.items():
            out.write(b"\0" * (start + entries[name][0] - out.tell()))
            out.write(array.tobytes())
    os.replace(temporary, path)


def _aligned(position: int) -> int:
    return -(-position // _ALIGN) * _ALIGN


def mapped_or_computed(
    path: Path, compute: Callable[[], Mapping[str, np.ndarray]]
) -> Mapping[str, np.ndarray]:
    """The arrays of the file `path`, mapped; without the file (a generation written before it
    existed), the arrays `compute` makes, in memory."""
    if path.exists():
        return ArrayFile(path).arrays
    _log.warning("%s is missing: computing its arrays in memory", path)
    return compute()


class ArrayFile:
    """The arrays of one file, as read-only views of one memory map."""

    def __init__(self, path: Path) -> None:
        with open(path, "rb") as file:
            size = os.fstat(file.fileno()).st_size
            self._map = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) if size else b""
        if self._map[: len(MAGIC)] != MAGIC:
            raise ValueError(f"{path} is not an array file")
        length = int.from_bytes(self._map[len(MAGIC) : len(MAGIC) + 8], "little")
        start = len(MAGIC) + 8
        header = json.loads(self._map[start : start + length])
        first = _aligned(start + length)
        self.meta: dict = header["meta"]
        self.arrays: dict[str, np.ndarray] = {
            name: self._view(first + offset, dtype, shape)
            for name, (offset, dtype, shape) in header["arrays"].items()
        }

    def _view(self, offset: int, dtype: str, shape: list[int]) -> np.ndarray:
        count = int(np.prod(shape)) if shape else 1
        if count == 0:
            return np.zeros(shape, dtype=dtype)
        return np.frombuffer(self._map, dtype=np.dtype(dtype), count=count, offset=offset).reshape(
            shape
        )


def gathered_runs(starts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """The positions of runs end to end, run i the `sizes[i]` positions from `starts[i]`:
    gathered without a loop over the runs."""
    within = np.arange(int(sizes.sum())) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    return np.repeat(starts, sizes) + within


def found_in_sorted(values: np.ndarray, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each of `wanted` stands in the ascending `values` (an index, meaningful only where
    it is there) and whether it is there."""
    if not len(values):
        return np.zeros(len(wanted), dtype=np.int64), np.zeros(len(wanted), dtype=bool)
    at = np.minimum(np.searchsorted(values, wanted), len(values) - 1)
    return at, values[at] == wanted


def found_in_both(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where the values two ascending arrays (each value once) both hold stand in each, in
    ascending order: the shorter array's values searched for in the longer."""
    if len(a) > len(b):
        in_b, in_a = found_in_both(b, a)
        return in_a, in_b
    at, held = found_in_sorted(b, a)
    return np.flatnonzero(held), at[held]


def encode_strings(
    name: str, values: Iterable[str], ordered: bool = False
) -> dict[str, np.ndarray]:
    """The arrays that store `values` under `name`: their UTF-8 bytes end to end, and where
    each one starts (one offset more than values, the last the blob's length). Values sorted
    by their bytes (`ordered`) get keys too, for `Strings.find`: each value's first 8 bytes as a
    big-endian number (sorting as the bytes do, as UTF-8 never holds the byte 0)."""
    encoded = [value.encode("utf-8") for value in values]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(value) for value in encoded], out=offsets[1:])
    blob = np.frombuffer(b"".join(encoded), dtype=np.uint8) if encoded else _EMPTY
    arrays = {f"{name}.blob": blob, f"{name}.offsets": offsets}
    if ordered:
        heads = b"".join(value[:_KEY_BYTES].ljust(_KEY_BYTES, b"\0") for value in encoded)
        arrays[f"{name}.keys"] = np.frombuffer(heads, dtype=">u8").astype(np.uint64)
    return arrays


class Strings(Sequence[str]):
    """Stored text values, decoded one at a time as they are asked for."""

    def __init__(self, blob: np.ndarray, offsets: np.ndarray, keys: np.ndarray | None = None):
        # Memory views: slicing and indexing them costs a fraction of numpy's per call.
        self._data = memoryview(np.ascontiguousarray(blob, dtype=np.uint8))
        self._starts = memoryview(np.ascontiguousarray(offsets, dtype=np.int64))
        self._keys = None if keys is None else memoryview(np.ascontiguousarray(keys))
        self._length = len(offsets) - 1

    @classmethod
    def stored(cls, arrays: Mapping[str, np.ndarray], name: str) -> Strings:
        """The values stored under `name` (see `encode_strings`)."""
        return cls(arrays[f"{name}.blob"], arrays[f"{name}.offsets"], arrays.get(f"{name}.keys"))

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._length))]
        return self.bytes_at(index).decode("utf-8")

    def bytes_at(self, index: int) -> bytes:
        """The UTF-8 bytes of value number `index`."""
        if index < 0:
            index += self._length
        if not 0 <= index < self._length:
            raise IndexError(index)
        return bytes(self._data[self._starts[index] : self._starts[index + 1]])

    def take(self, indexes: Iterable[int]) -> list[str]:
        """The values at `indexes`, decoded (one pass, without a check per index)."""
        data, starts = self._data, self._starts
        return [str(data[starts[i] : starts[i + 1]], "utf-8") for i in indexes]

    def tolist(self) -> list[str]:
        """Every value, decoded."""
        data = bytes(self._data)
        bounds = self._starts.tolist()
        return [data[a:b].decode("utf-8") for a, b in itertools.pairwise(bounds)]

    def position(self, value: bytes) -> int:
        """Where `value` stands or would stand among values sorted by their bytes: found among
        the keys first when there are any (a binary search in C), then among the few values
        whose first bytes are the same."""
        low, high = 0, self._length
        if self._keys is not None:
            key = int.from_bytes(value[:_KEY_BYTES].ljust(_KEY_BYTES, b"\0"), "big")
            low = bisect.bisect_left(self._keys, key)
            high = bisect.bisect_right(self._keys, key, low)
        return bisect.bisect_left(range(self._length), value, low, high, key=self.bytes_at)

    def find(self, value: str | bytes) -> int:
        """The index of `value` among values sorted by their bytes, or -1."""
        key = value.encode("utf-8") if isinstance(value, str) else value
        index = self.position(key)
        return index if index < self._length and self.bytes_at(index) == key else -1

    def prefixed(self, prefix: bytes) -> range:
        """The indexes of the values starting with `prefix`, among values sorted by their bytes
        (UTF-8 never holds the byte 0xFF)."""
        return range(self.position(prefix), self.position(prefix + b"\xff"))
