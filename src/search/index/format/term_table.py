"""A segment's term index (`.trm`) as Whoosh's `filetables.OrderedHashWriter` writes it, from
numpy arrays.

Layout: b"HSH3", a hash-type byte (0: md5) and two int32 0 (13 bytes); the records in key
order, each `!ii` (key length, value length), the key (field number as ushort, then the term's
bytes) and the value (a 35-byte `W3TermInfo`); 256 hash tables, one per `hash & 255`, each of
2 x entries slots `!Iq` (hash, record position), an entry's home slot `(hash >> 8) % slots`,
collisions probed linearly, (0, 0) empty; a directory of 256 `!qi` (table position, slots);
then a pickle of {"fieldmap", "indextype", "indexlen"} followed by the record positions as an
array (typecode H, i, I or q, big-endian), and an int32 with the length of those two.
The hash is md5 of the key, its last 4 bytes read as a big-endian number.
"""

from __future__ import annotations

import itertools
import pickle
import struct
from hashlib import md5

import numpy as np

from search.index.format.pickle_bytes import copy_spans, exclusive_cumsum, scatter_rows
from search.index.format.posting_blocks import TERM_INFO

_HEADER = b"HSH3\x00" + b"\x00" * 8
_SLOT = np.dtype([("hash", ">u4"), ("position", ">i8")])
_DIRECTORY_ENTRY = np.dtype([("position", ">i8"), ("slots", ">i4")])
_POSITION_TYPES = {"H": ">u2", "i": ">i4", "I": ">u4", "q": ">i8"}


def term_table(
    keys: np.ndarray, key_offsets: np.ndarray, infos: np.ndarray, fieldmap: dict[str, int]
) -> bytes:
    """The `.trm` file of these keys (ascending, `keys[key_offsets[i]:key_offsets[i + 1]]`)
    with their term infos."""
    count = len(key_offsets) - 1
    key_lengths = np.diff(key_offsets)
    infos = np.ascontiguousarray(infos.astype(TERM_INFO))
    record_positions = len(_HEADER) + exclusive_cumsum(8 + key_lengths + TERM_INFO.itemsize)
    records_end = int(record_positions[-1])
    record_positions = record_positions[:-1]
    records = _records(keys, key_offsets, infos, record_positions, records_end)
    hashes = _key_hashes(keys, key_offsets)
    tables, directory = _hash_tables(hashes, record_positions, records_end)
    return b"".join(
        [records, tables, directory, _position_index(record_positions, count, fieldmap)]
    )


def _records(keys, key_offsets, infos, positions, end) -> bytes:
    count = len(positions)
    key_lengths = np.diff(key_offsets)
    out = np.empty(end, dtype=np.uint8)
    out[: len(_HEADER)] = np.frombuffer(_HEADER, dtype=np.uint8)
    lengths = np.empty((count, 2), dtype=">i4")
    lengths[:, 0] = key_lengths
    lengths[:, 1] = TERM_INFO.itemsize
    scatter_rows(out, positions, lengths.view(np.uint8).reshape(count, 8))
    copy_spans(out, positions + 8, keys, key_offsets[:-1], key_lengths)
    info_bytes = infos.view(np.uint8).reshape(count, TERM_INFO.itemsize)
    scatter_rows(out, positions + 8 + key_lengths, info_bytes)
    return out.tobytes()


def _key_hashes(keys: np.ndarray, key_offsets: np.ndarray) -> np.ndarray:
    """md5 of each key, its last four bytes as a big-endian number."""
    data = keys.tobytes()
    bounds = key_offsets.tolist()
    digests = b"".join(
        md5(data[start:end], usedforsecurity=False).digest()
        for start, end in itertools.pairwise(bounds)
    )
    return np.frombuffer(digests, dtype=">u4").reshape(-1, 4)[:, 3].astype(np.int64)


def _hash_tables(hashes: np.ndarray, positions: np.ndarray, records_end: int):
    """The 256 tables and their directory.

    Linear probing is resolved in rounds: each round every entry not yet placed tries its next
    slot, and where several want the same free slot the first key takes it. Entries land
    elsewhere than Whoosh's one-by-one insertion puts them, but every entry stands at or after
    its home slot with no free slot between, which is all a lookup needs.
    """
    buckets = hashes & 255
    slots = 2 * np.bincount(buckets, minlength=256)
    table_starts = exclusive_cumsum(slots)
    taken = np.zeros(int(table_starts[-1]), dtype=bool)
    slot_of = np.full(len(hashes), -1, dtype=np.int64)
    table_sizes = np.maximum(slots[buckets], 1)
    probe = (hashes >> 8) % table_sizes
    pending = np.arange(len(hashes))
    while len(pending):
        wanted = table_starts[buckets[pending]] + probe[pending]
        free = ~taken[wanted]
        slots_wanted, first = np.unique(wanted[free], return_index=True)
        winners = pending[free][first]
        taken[slots_wanted] = True
        slot_of[winners] = slots_wanted
        placed = np.zeros(len(hashes), dtype=bool)
        placed[winners] = True
        pending = pending[~placed[pending]]
        probe[pending] = (probe[pending] + 1) % table_sizes[pending]
    tables = np.zeros(len(taken), dtype=_SLOT)
    tables["hash"][slot_of] = hashes
    tables["position"][slot_of] = positions
    directory = np.zeros(256, dtype=_DIRECTORY_ENTRY)
    directory["position"] = records_end + table_starts[:-1] * _SLOT.itemsize
    directory["slots"] = slots
    return tables.tobytes(), directory.tobytes()


def _position_index(positions: np.ndarray, count: int, fieldmap: dict[str, int]) -> bytes:
    """The extras pickle and the record positions that prefix and range lookups bisect."""
    largest = int(positions[-1]) if count else 0
    typecode = next(
        code
        for code, limit in (("H", 2**16), ("i", 2**31), ("I", 2**32), ("q", 2**63))
        if largest < limit
    )
    extras = pickle.dumps({"fieldmap": fieldmap, "indextype": typecode, "indexlen": count}, -1)
    tail = extras + np.asarray(positions, dtype=_POSITION_TYPES[typecode]).tobytes()
    return tail + struct.pack("!i", len(tail))
