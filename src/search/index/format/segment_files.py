"""A Whoosh W3 segment's compound file written from arrays, and the table of contents that lists
a generation's segments.

A segment `MAIN_<segid>` is one compound file `MAIN_<segid>.seg` (`CompoundStorage.assemble`:
an int64 directory position and int32 directory length, big-endian; the parts' bytes; a pickle of
{name: {"offset", "length", "modified"}} and a pickle of {}), whose parts are:
    MAIN_<segid>.trm                  the term index (`term_table`)
    MAIN_<segid>.pst                  the postings (`posting_blocks`), fields in field-number order
    MAIN_<segid>._stored.col          each document's stored fields, zlib(pickle(dict, 5), 3)
                                      (protocol 2 where Whoosh's own writer wrote them)
    MAIN_<segid>._<field>_len.col     per scored field, a length byte per document, trailing
                                      zero bytes left out (none at all when every one is 0)
    MAIN_<segid>.<field>.col          per sortable field, a `VarBytesColumn` of its values, or
                                      a `RefBytesColumn` (`refbytes_column`)
The table of contents `_MAIN_<n>.toc` pickles the schema and the list of plain `W3Segment`s (with
their doc counts, deleted docnums and field-length totals), so plain Whoosh opens what is written
here: no codec of our own is named in it.
"""

from __future__ import annotations

import pickle
import struct
import time
from collections.abc import Iterable
from pathlib import Path

import numpy as np
from whoosh.codec.whoosh3 import W3Codec, W3Segment
from whoosh.index import TOC, FileIndex, clean_files
from whoosh.util import random_name

from search.errors import ParlsearchError
from search.index.format.internals import set_field_length_totals, table_of_contents

INDEX_NAME = "MAIN"
# What a compound file's part is written from: bytes, or a contiguous numpy array of them.
Buffer = bytes | np.ndarray
# Whoosh's `VarBytesColumn` writes an offsets array from this many documents on.
OFFSETS_CUTOFF = 2**15
# The numpy types of Whoosh's array type codes (big-endian, as it writes them).
ARRAY_TYPES = {"B": "u1", "H": ">u2", "i": ">i4", "I": ">u4", "q": ">i8"}


class IndexLockedError(ParlsearchError, RuntimeError):
    """Whoosh's own write lock of a generation is taken (only a writer of ours takes it)."""


def new_segment() -> W3Segment:
    """A segment with a new random id, not yet in any table of contents."""
    return W3Segment(W3Codec(), INDEX_NAME, segid=random_name(16))


def varbytes_column(values: list[bytes], cutoff: int = OFFSETS_CUTOFF) -> bytes:
    """A `VarBytesColumn`: the values end to end, their lengths array, the offsets array when
    there are more than `cutoff` documents, then the typecode(s) (and b"X" with offsets)."""
    lengths = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
    length_type = _growable_typecode(int(lengths.max(initial=0)))
    parts = [b"".join(values), lengths.astype(ARRAY_TYPES[length_type]).tobytes()]
    tail = length_type.encode()
    if len(values) > cutoff:
        starts = np.cumsum(lengths) - lengths
        offset_type = _growable_typecode(int(starts.max(initial=0)))
        parts.append(starts.astype(ARRAY_TYPES[offset_type]).tobytes())
        tail += offset_type.encode() + b"X"
    parts.append(tail)
    return b"".join(parts)


def _growable_typecode(largest: int, start: str = "B") -> str:
    """The typecode Whoosh's `GrowableArray` ends with for values up to `largest`."""
    if start == "B" and largest < 256:
        return "B"
    for typecode, limit in (("H", 2**16), ("i", 2**31), ("I", 2**32)):
        if largest < limit:
            return typecode
    return "q"


def length_column(length_bytes: np.ndarray) -> bytes | None:
    """`NumericColumn("B")` as Whoosh's writer leaves it: a byte per document up to the last
    one that is not 0 (later ones read as 0); None when every byte is 0."""
    nonzero = np.flatnonzero(length_bytes)
    if not len(nonzero):
        return None
    return length_bytes[: nonzero[-1] + 1].astype(np.uint8).tobytes()


def write_compound_file(path: Path, parts: Iterable[tuple[str, Buffer | list[Buffer]]]) -> None:
    """The compound file of a segment's parts, as `CompoundStorage.assemble` writes it; a
    part's data may come as a list of pieces, written one after the other (not joined into a
    second copy of them)."""
    directory = {}
    now = time.time()
    with open(path, "wb") as out:
        out.write(b"\x00" * 12)
        for name, data in parts:
            pieces = data if isinstance(data, list) else [data]
            offset = out.tell()
            for piece in pieces:
                out.write(piece)
            directory[name] = {"offset": offset, "length": out.tell() - offset, "modified": now}
        directory_position = out.tell()
        pickle.dump(directory, out, -1)
        pickle.dump({}, out, -1)
        end = out.tell()
        out.seek(0)
        out.write(struct.pack("!qi", directory_position, end - directory_position))


def write_segment(
    folder: Path,
    terms: bytes,
    postings: Buffer | list[Buffer],
    columns: dict[str, bytes],
    doc_count: int,
    field_lengths: dict[str, int],
) -> W3Segment:
    """Write a new segment's compound file into `folder`; the segment, for a table of contents.
    `postings` may come in pieces (see `write_compound_file`)."""
    segment = new_segment()
    name = segment.make_filename
    parts = [(name(".trm"), terms), (name(".pst"), postings)]
    parts += [(W3Codec.column_filename(segment, column), data) for column, data in columns.items()]
    write_compound_file(Path(folder) / name(".seg"), parts)
    segment.set_doc_count(doc_count)
    set_field_length_totals(segment, field_lengths)
    segment.compound = True
    return segment


def commit_segments(
    ix: FileIndex,
    added: list[W3Segment],
    deletions: dict[str, Iterable[int]] | None = None,
    dropped: Iterable[str] = (),
) -> int:
    """Write the next table of contents of `ix`: its segments but those in `dropped` (segment
    ids, merged into one of `added`), the docnums of `deletions` (segment id -> docnums) marked
    deleted, then `added`; remove the files no segment uses. Returns the new TOC's number.

    Deletions live only in the table of contents: no segment file changes.
    """
    lock = ix.lock("WRITELOCK")
    if not lock.acquire():
        raise IndexLockedError(f"{ix.storage.folder} is being written by another writer")
    try:
        toc = table_of_contents(ix)
        dropped = set(dropped)
        segments = [seg for seg in toc.segments if seg.segment_id() not in dropped]
        for segment in segments:
            for docnum in (deletions or {}).get(segment.segment_id(), ()):
                segment.delete_document(int(docnum))
        segments += added
        number = toc.generation + 1
        TOC(toc.schema, segments, number).write(ix.storage, ix.indexname)
        clean_files(ix.storage, ix.indexname, number, segments)
        return number
    finally:
        lock.release()
