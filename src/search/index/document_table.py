"""Per-document values of one index generation, read once from the index's columns.

Facet counts, date order, grouped questions and cross-references need a few values of every
matching document, however many match. Reading stored fields per hit would cost a lookup per
document; the columns hold these values compactly, and this table keeps them as numpy arrays
indexed by document ordinal for the life of the searcher (one index generation), so that a
result set of any size is counted, sorted and grouped with a few array operations.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from search.index.schema import (
    QUESTION_KEY_FIELD,
    REFERENCE_FIELD,
    SOURCE_FIELD,
    STATUS_FIELD,
    YEAR_FIELD,
    key_field,
)
from search.ingest.document import ANSWERED, source_name

# The facets, in the order they are shown: filter name, heading, column, one value or several.
FACETS = (
    ("lid", "Vraagsteller", key_field("member"), False),
    ("partij", "Partij", key_field("party"), False),
    ("minister", "Minister", key_field("minister"), False),
    ("thema", "Thema", key_field("theme"), True),
    ("bron", "Parlement", SOURCE_FIELD, False),
    ("jaar", "Jaar", YEAR_FIELD, False),
    ("status", "Status", STATUS_FIELD, False),
)
# Values listed per facet; the rest are summed in `other`.
FACET_LIMIT = 10
MISSING = -1


@dataclass(frozen=True)
class FacetValue:
    """One value of a facet: the filter value, how it is shown, and the documents having it."""

    value: str
    label: str
    count: int
    selected: bool = False


@dataclass(frozen=True)
class Facet:
    """Document counts per value of one field over the whole result set.

    For a field with one value per document, the counts of `values` plus `other` (documents
    with an unlisted value) plus `missing` (documents without a value) add up to the total.
    """

    name: str
    label: str
    values: list[FacetValue]
    other: int
    missing: int


@dataclass(frozen=True)
class Copy:
    """Another document of a grouped question: the same text sent to another minister."""

    id: str
    minister: str
    answered: bool
    matched: bool


@dataclass
class _Column:
    """One facet's values: a code per document (several for a list), and each code's label."""

    analyzer: Callable  # the key field's analyzer: a value as shown -> its folded key
    several: bool
    labels: list[str] = field(default_factory=list)
    keys: dict[str, int] = field(default_factory=dict)
    # The code of each document's value; for a list field, each document's codes are
    # codes[starts[ordinal]:starts[ordinal + 1]].
    codes: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    starts: np.ndarray | None = None
    # Codes by value as written, so that each distinct spelling is analysed once.
    seen: dict[str, int] = field(default_factory=dict)

    def key(self, value: str) -> str:
        """The folded key of a value, as the index holds it."""
        return "".join(token.text for token in self.analyzer(value, mode="query"))

    def code(self, value: str) -> int:
        """The code of a value, numbering a new key on first sight."""
        if not value:
            return MISSING
        if value not in self.seen:
            key = self.key(value)
            if key not in self.keys:
                self.keys[key] = len(self.labels)
                self.labels.append(value)
            self.seen[value] = self.keys[key]
        return self.seen[value]


class DocumentTable:
    """Values of every document of one index generation, by document ordinal."""

    def __init__(self, reader) -> None:
        # A chunk deleted by `update` keeps its docnum until segments merge; it belongs to no
        # document here (id "", ordinal -1), and searches never return it.
        live = set(reader.all_doc_ids()) if reader.has_deletions() else None
        chunk_ids = [
            doc_id if live is None or docnum in live else ""
            for docnum, doc_id in enumerate(reader.column_reader("doc_id"))
        ]
        self.ids: list[str] = [doc_id for doc_id in dict.fromkeys(chunk_ids) if doc_id]
        self.ordinal = {doc_id: number for number, doc_id in enumerate(self.ids)}
        self.chunk_document = np.fromiter(
            (self.ordinal.get(doc_id, -1) for doc_id in chunk_ids), dtype=np.int64
        )
        # Chunks that belong to a document (not deleted by an update).
        self.live_chunks = self.chunk_document >= 0
        # The live chunks grouped by document, each document's in index order: those of
        # ordinal o are _chunk_order[_chunk_starts[o] : _chunk_starts[o + 1]].
        live = np.flatnonzero(self.live_chunks)
        self._chunk_order = live[np.argsort(self.chunk_document[live], kind="stable")]
        self._chunk_starts = np.searchsorted(
            self.chunk_document[self._chunk_order], np.arange(len(self.ids) + 1)
        )
        first_chunks = self._chunk_order[self._chunk_starts[:-1]].tolist()
        dates = self._first_values(reader, "date", first_chunks)
        # Each document's place in date order (ISO dates sort as text; "" first).
        self.date_rank = np.unique(np.array(dates, dtype=object), return_inverse=True)[1]
        self.undated = np.array([not date for date in dates], dtype=bool)
        self.columns = {
            name: self._column(reader, fieldname, several, first_chunks)
            for name, _, fieldname, several in FACETS
        }
        self.groups = self._groups(self._first_values(reader, QUESTION_KEY_FIELD, first_chunks))
        # Each document's group, named by its first copy (itself when alone).
        self.group_leaders = np.arange(len(self.ids), dtype=np.int64)
        for ordinal, members in self.groups.items():
            self.group_leaders[ordinal] = members[0]
        references = self._first_values(reader, REFERENCE_FIELD, first_chunks)
        self.by_reference = {key: n for n, key in enumerate(references) if key}

    def facets(self, ordinals: np.ndarray, selected: Mapping[str, Sequence[str]]) -> list[Facet]:
        """The facets of a result set; values named in `selected` (filter name -> values) are
        listed and marked."""
        return [
            self._facet(name, label, ordinals, selected.get(name, ()))
            for name, label, _, _ in FACETS
        ]

    def chunks(self, ordinal: int) -> list[int]:
        """The docnums of a document's chunks, in index order (as `Searcher.documents` lists
        them)."""
        return self._chunk_order[
            self._chunk_starts[ordinal] : self._chunk_starts[ordinal + 1]
        ].tolist()

    def asked_by(self, members: Sequence[str]) -> np.ndarray:
        """A mask over documents: those asked by one of `members` (values of the member
        column, case and accents aside)."""
        column = self.columns["lid"]
        codes = [column.keys.get(column.key(member)) for member in members]
        return np.isin(column.codes, [code for code in codes if code is not None])

    def copies(self, ordinal: int, matched: Iterable[int] = ()) -> list[Copy]:
        """The other documents of this document's grouped question (none for most)."""
        members = self.groups.get(ordinal, ())
        matched = set(matched)
        ministers = self.columns["minister"]
        return [
            Copy(
                id=self.ids[other],
                minister=self._label(ministers, other),
                answered=self._label(self.columns["status"], other) == ANSWERED,
                matched=other in matched,
            )
            for other in members
            if other != ordinal
        ]

    @staticmethod
    def _first_values(reader, fieldname: str, first_chunks: list[int]) -> list[str]:
        values = reader.column_reader(fieldname)
        return [values[docnum] for docnum in first_chunks]

    def _column(self, reader, fieldname: str, several: bool, first_chunks: list[int]) -> _Column:
        column = _Column(reader.schema[fieldname].analyzer, several)
        raw = self._first_values(reader, fieldname, first_chunks)
        if several:
            codes = [[column.code(part) for part in split(value)] for value in raw]
            column.starts = np.cumsum([0, *map(len, codes)], dtype=np.int64)
            column.codes = np.array([c for document in codes for c in document], dtype=np.int32)
        else:
            column.codes = np.array([column.code(value) for value in raw], dtype=np.int32)
        return column

    @staticmethod
    def _groups(question_keys: list[str]) -> dict[int, tuple[int, ...]]:
        """For each document whose question was filed more than once, all its copies."""
        by_key: dict[str, list[int]] = {}
        for ordinal, key in enumerate(question_keys):
            if key:
                by_key.setdefault(key, []).append(ordinal)
        return {
            ordinal: tuple(members)
            for members in by_key.values()
            if len(members) > 1
            for ordinal in members
        }

    def _label(self, column: _Column, ordinal: int) -> str:
        code = column.codes[ordinal]
        return "" if code == MISSING else column.labels[code]

    def _facet(self, name: str, label: str, ordinals: np.ndarray, selected: Sequence[str]) -> Facet:
        column = self.columns[name]
        counts = _value_counts(column, np.asarray(ordinals, dtype=np.int64))
        missing = counts.pop(MISSING, 0)
        chosen = {column.keys.get(column.key(value)) for value in selected}
        ranked = sorted(counts.items(), key=lambda item: (-item[1], column.labels[item[0]]))
        shown = [code for code, _ in ranked[:FACET_LIMIT]]
        shown += [code for code, _ in ranked[FACET_LIMIT:] if code in chosen]
        values = [
            FacetValue(
                value=column.labels[code],
                label=_facet_label(name, column.labels[code]),
                count=counts[code],
                selected=code in chosen,
            )
            for code in shown
        ]
        other = sum(counts.values()) - sum(value.count for value in values)
        return Facet(name, label, values, other, missing)


def _value_counts(column: _Column, ordinals: np.ndarray) -> dict[int, int]:
    """How many times each code occurs among the documents `ordinals` (MISSING: documents
    without a value), only codes that occur."""
    if column.starts is None:
        codes = column.codes[ordinals]
    else:
        starts, ends = column.starts[ordinals], column.starts[ordinals + 1]
        sizes = ends - starts
        # Every code of every document, gathered without a loop over the documents.
        within = np.arange(sizes.sum()) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        codes = column.codes[np.repeat(starts, sizes) + within]
        codes = np.concatenate([codes, np.full(int((sizes == 0).sum()), MISSING, np.int32)])
    counts = np.bincount(codes.astype(np.int64) + 1, minlength=len(column.labels) + 1)
    present = np.flatnonzero(counts)
    return dict(zip((present - 1).tolist(), counts[present].tolist(), strict=True))


def split(value: str) -> list[str]:
    """The values of a comma-separated list column."""
    return [part.strip() for part in value.split(",") if part.strip()]


def _facet_label(name: str, value: str) -> str:
    return source_name(value) if name == "bron" else value
