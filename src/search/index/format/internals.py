"""Whoosh's private attributes, each read in one function here and nowhere else in `search`.

Whoosh offers no public way to a few things the index needs: an index's table of contents as it
is on disk (`FileIndex._read_toc`), a segment's total field lengths (`Segment._fieldlengths`,
which BM25F averages over and which a segment written from arrays must carry), the raw bytes of
a column of text (`SegmentReader._perdoc` and its column reader's `_lengths`, `_dbfile` and
`_basepos`, or a `RefBytesColumn` reader's `_uniques` and `_itemsize`), and the tree of
matchers a compound query joins its subqueries' into (`CompoundQuery._tree_matcher`). They are
those of the Whoosh that `pyproject.toml` pins; `tests/test_layers.py` fails when one is read
anywhere else.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping

import numpy as np
from whoosh.codec.base import Segment
from whoosh.columns import RefBytesColumn, VarBytesColumn
from whoosh.index import TOC, FileIndex
from whoosh.matching import Matcher
from whoosh.query import CompoundQuery, Query
from whoosh.reading import SegmentReader

from search.index.format.coded_columns import coded_values


def table_of_contents(ix: FileIndex) -> TOC:
    """The table of contents of an index as it is on disk now: its schema, its segments (with
    their deletions) and its number."""
    return ix._read_toc()


def field_length_totals(segment: Segment) -> Mapping[str, int]:
    """Each scored field's length summed over a segment's documents, deleted ones included."""
    return segment._fieldlengths


def set_field_length_totals(segment: Segment, totals: Mapping[str, int]) -> None:
    """Give a segment its fields' total lengths, as Whoosh's own writer leaves them."""
    segment._fieldlengths = defaultdict(int, totals)


def column_bytes(reader: SegmentReader, fieldname: str) -> tuple[np.ndarray, np.ndarray]:
    """A segment's column of text of a field (a `VarBytesColumn` or a `RefBytesColumn`): every
    document's value end to end (bytes) and where each starts, one offset more than documents
    (all empty without the column)."""
    count = reader.doc_count_all()
    offsets = np.zeros(count + 1, dtype=np.int64)
    perdoc = reader._perdoc
    if not perdoc.has_column(fieldname):
        return np.zeros(0, dtype=np.uint8), offsets
    coded = column_codes(reader, fieldname)
    if coded is not None:
        return coded_values(*coded)
    column = perdoc.column_reader(fieldname, VarBytesColumn())
    # From the lengths, not the offsets Whoosh may have stored: whoosh3 writes those short when
    # it widens their type.
    lengths = np.array(column._lengths, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1 : len(lengths) + 1])
    offsets[len(lengths) + 1 :] = offsets[len(lengths)]
    data = column._dbfile.get(column._basepos, int(offsets[-1]))
    return np.frombuffer(data, dtype=np.uint8), offsets


def column_codes(reader: SegmentReader, fieldname: str) -> tuple[list[bytes], np.ndarray] | None:
    """A segment's `RefBytesColumn` of a field as it is stored: its distinct values, and each
    document's number among them; None for a field without such a column."""
    if not isinstance(reader.schema[fieldname].column_type, RefBytesColumn):
        return None
    if not reader._perdoc.has_column(fieldname):
        return None
    column = reader._perdoc.column_reader(fieldname, RefBytesColumn())
    refs = column._dbfile.get(column._basepos, reader.doc_count_all() * column._itemsize)
    return column._uniques, np.frombuffer(refs, dtype=f">u{column._itemsize}")


def tree_matcher(
    query: CompoundQuery,
    subqueries: list[Query],
    matcher_type: type[Matcher],
    searcher,
    context,
    weight: Callable[[Query], int],
) -> Matcher:
    """The matcher of a compound query, as Whoosh's own compound queries make theirs: its
    subqueries' matchers joined two by two into a tree of `matcher_type`, shaped by each
    subquery's `weight` (lighter ones joined first), with the query's boost applied."""
    return query._tree_matcher(subqueries, matcher_type, searcher, context, weight)
