"""An array-fed writer of Whoosh segments: documents are analysed into flat arrays, sorted with
numpy and written as one W3 segment (`search.index.format.segment_files`) that plain Whoosh
reads.

    writer = ArrayWriter(schema)
    for record in records:
        writer.add_document(record)            # analysis; postings appended to flat arrays
    segment = writer.write(folder)             # numpy: sort, encode, write MAIN_<segid>.seg
                                               # and the search's MAIN_<segid>.parl
    commit_segments(ix, [segment])             # the next table of contents lists it

A document's fields are indexed as Whoosh's `SegmentWriter.add_document` indexes them: fields in
name order, None skipped, the postings of `field.index(value)` (text fields whose analyzer
offers `indexed_text` from its terms and their positions, the same postings without tokens; a
stemmed text and its unstemmed twin from one pass over the words, `indexed_texts`), the length
of a scored field the sum of its frequencies, the stored values, the column values. Whoosh's
writer sends each posting through a pool, sorts it and encodes it one at a time; here no Python
runs per posting or per word: terms get ids through a dict in C (`map(vocab.setdefault, ...)`),
ids and positions go into `array`s, and sorting them into postings is numpy.

`take_over` adds the live documents of an existing segment (a merge, as Whoosh's `add_reader`
does it: their stored values copied, their lengths from their length bytes).
"""

from __future__ import annotations

import functools
import itertools
import pickle
import zlib
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from whoosh.codec.whoosh3 import W3Segment
from whoosh.fields import Schema
from whoosh.formats import Existence, Frequency

from search.index.arrays.postings import (
    LENGTH_OF_BYTE,
    field_arrays,
    postings_arrays,
    write_postings,
)
from search.index.format.coded_columns import refbytes_column
from search.index.format.pickle_bytes import exclusive_cumsum, gather_items
from search.index.format.posting_blocks import (
    TERM_INFO,
    Values,
    frequency_values,
    packed_position_values,
    pickled_items,
    position_values,
    posting_lists,
)
from search.index.format.segment_arrays import FieldPostings, SegmentArrays
from search.index.format.segment_files import length_column, varbytes_column, write_segment
from search.index.format.term_table import term_table
from search.index.schema import AnalyzedPositions, PackedPositions, exact_field
from search.text.analysis import DutchAnalyzer, ExactAnalyzer, IndexedText, indexed_texts

# The pickle protocol of the stored fields: Whoosh's own writer pickles them with protocol 2 and
# reads any; 5 writes a string's length in one byte instead of four, and the stored fields of
# the bundled corpus and of 100,000 documents take 8% fewer bytes, read as fast.
STORED_PROTOCOL = 5
# Distinct values of fields indexed term by term kept analysed (see `ArrayWriter`).
TERMS_CACHE_SIZE = 50_000
# Postings encoded at once when a segment is written: bounds the memory encoding takes.
POSTINGS_PER_PART = 500_000


def length_bytes(lengths: np.ndarray) -> np.ndarray:
    """Whoosh's `length_to_byte` of each length (0 stays 0)."""
    return np.minimum(np.searchsorted(LENGTH_OF_BYTE, lengths, side="left"), 255).astype(np.uint8)


class _Collected:
    """One field's postings as they are added, document by document, in flat arrays.

    A text field read by terms (`IndexedText`) keeps each term occurrence's id, the number of
    terms at each token, and per text its document, number of terms, number of tokens and
    first position (`docs`, `runs`, `tokens`, `firsts`); any other
    field one id, frequency, docnum and weight per posting. Term ids come from a counter that
    advances with every term given (a dict lookup in C), so they are sparse; writing makes them
    dense.
    """

    def __init__(self, by_words: bool) -> None:
        self.by_words = by_words
        self.vocab: dict = {}
        self.next_id = itertools.count()
        self.term_ids = array("i")
        self.counts = array("i")
        self.docs = array("i")
        self.runs = array("i")
        self.tokens = array("i")
        self.firsts = array("i")
        self.weights = array("d")
        self.values: list[bytes] = []

    def add_terms(self, docnum: int, terms: _Terms) -> None:
        """One document's postings of a field indexed term by term (not by words)."""
        self.term_ids.extend(map(self.vocab.setdefault, terms.terms, self.next_id))
        self.counts.extend(terms.counts)
        self.weights.extend(terms.weights)
        self.docs.extend(itertools.repeat(docnum, len(terms.terms)))
        self.values.extend(terms.values)

    def add_text(self, docnum: int, text: IndexedText) -> None:
        """A text's terms, as one document's occurrences (`counts`: terms per token)."""
        self.term_ids.extend(map(self.vocab.setdefault, text.terms, self.next_id))
        if text.counts is None:
            self.counts.extend(itertools.repeat(1, len(text.terms)))
        else:
            self.counts.extend(text.counts)
        self.docs.append(docnum)
        self.runs.append(len(text.terms))
        self.tokens.append(len(text.terms) if text.counts is None else len(text.counts))
        self.firsts.append(text.first)

    def exported(self) -> FieldBatch:
        """These postings with dense term ids and the terms in id order, to send elsewhere."""
        terms = list(self.vocab)
        ids = np.fromiter(self.vocab.values(), dtype=np.int64, count=len(terms))
        dense = np.zeros(int(ids.max(initial=-1)) + 1, dtype=np.int32)
        dense[ids] = np.arange(len(terms), dtype=np.int32)
        return FieldBatch(
            by_words=self.by_words,
            terms=terms,
            term_ids=dense[np.frombuffer(self.term_ids, dtype=np.int32)],
            counts=self.counts,
            docs=self.docs,
            runs=self.runs,
            tokens=self.tokens,
            firsts=self.firsts,
            weights=self.weights,
            values=self.values,
        )

    def absorb(self, batch: FieldBatch, first_doc: int) -> None:
        """Append the postings of another writer's documents, numbered from `first_doc`."""
        ids = np.fromiter(map(self.vocab.setdefault, batch.terms, self.next_id), np.int32)
        self.term_ids.frombytes(ids[batch.term_ids].tobytes())
        self.counts.extend(batch.counts)
        docs = np.frombuffer(batch.docs, dtype=np.int32) + np.int32(first_doc)
        self.docs.frombytes(docs.astype(np.int32).tobytes())
        self.runs.extend(batch.runs)
        self.tokens.extend(batch.tokens)
        self.firsts.extend(batch.firsts)
        self.weights.extend(batch.weights)
        self.values.extend(batch.values)


@dataclass(frozen=True)
class _Terms:
    """A value's postings in a field indexed term by term, and its length (the frequencies'
    sum)."""

    terms: tuple
    counts: tuple[int, ...]
    weights: tuple[float, ...]
    values: tuple[bytes, ...]
    length: int


@dataclass
class FieldBatch:
    """One field's postings of a batch of documents (see `_Collected.exported`)."""

    by_words: bool
    terms: list
    term_ids: np.ndarray
    counts: array
    docs: array
    runs: array
    tokens: array
    firsts: array
    weights: array
    values: list[bytes]


@dataclass
class DocumentBatch:
    """What an `ArrayWriter` collected of a batch of documents, to be written by another
    writer (`ArrayWriter.add_batch`): a worker process analyses, the writing process writes."""

    doc_count: int
    fields: dict[str, FieldBatch]
    lengths: dict[str, dict[int, int]]
    stored: list[bytes]
    columns: dict[str, list[tuple[int, bytes]]]


@dataclass
class _TakenOver:
    """Documents of an existing segment added to this one (see `ArrayWriter.take_over`)."""

    first: int
    count: int
    fields: dict[str, FieldPostings]
    length_bytes: dict[str, np.ndarray]


class ArrayWriter:
    """Collects documents into arrays and writes them as one segment (see the module)."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self.doc_count = 0
        self._collected: dict[str, _Collected] = {}
        self._lengths: dict[str, dict[int, int]] = {}
        self._stored: list[bytes] = []
        self._columns: dict[str, list[tuple[int, bytes]]] = {}
        self._taken_over: list[_TakenOver] = []
        self._by_words = {name: _reads_words(schema[name]) for name in schema.names()}
        self._twins = _twin_fields(schema)
        self._check_supported(schema)
        # A document's values repeat in each of its chunks (member, party, ...), and many
        # documents share them: each distinct value is analysed once while it is in use.
        self._terms_of = functools.lru_cache(maxsize=TERMS_CACHE_SIZE)(self._analysed)
        self._last_text: dict[str, tuple[str, IndexedText]] = {}

    @staticmethod
    def _check_supported(schema: Schema) -> None:
        for name, field_type in schema.items():
            if field_type.vector or field_type.separate_spelling():
                raise ValueError(f"the array writer writes no vectors or spelling ({name})")

    def add_document(self, record: dict) -> None:
        """Index one document: its postings, lengths, stored values and column values."""
        docnum = self.doc_count
        stored = {}
        twin_texts: dict[str, IndexedText] = {}
        for name in sorted(record):
            value = record[name]
            if value is None:
                continue
            field_type = self.schema[name]
            if field_type.indexed:
                self._index_field(docnum, name, value, twin_texts)
            if field_type.stored:
                stored[name] = value
            if field_type.column_type:
                self._columns.setdefault(name, []).append(
                    (docnum, field_type.to_column_value(value))
                )
        # Whoosh's stored-fields column: zlib(pickle(dict), 3); b"" without stored values.
        self._stored.append(
            zlib.compress(pickle.dumps(stored, STORED_PROTOCOL), 3) if stored else b""
        )
        self.doc_count += 1

    def _index_field(
        self, docnum: int, name: str, value, twin_texts: dict[str, IndexedText]
    ) -> None:
        collected = self._collected.get(name)
        if collected is None:
            collected = self._collected[name] = _Collected(self._by_words[name])
        if collected.by_words:
            if not isinstance(value, str):
                raise TypeError(f"{name}: the array writer indexes text given as a string")
            text = twin_texts.pop(name, None) or self._repeated(name, value)
            if text is None:
                text = self._text(name, value, twin_texts)
            self._last_text[name] = value, text
            if text.terms:
                collected.add_text(docnum, text)
            return
        hashable = isinstance(value, str | bool | int)
        terms = self._terms_of(name, value) if hashable else self._analysed(name, value)
        collected.add_terms(docnum, terms)
        if terms.length and self.schema[name].scorable:
            self._lengths.setdefault(name, {})[docnum] = terms.length

    def _analysed(self, name: str, value) -> _Terms:
        """A value's postings in a field that is not read by words (`field.index`)."""
        items = list(self.schema[name].index(value))
        keep_values = not _fixed_values(self.schema[name].format)
        return _Terms(
            terms=tuple(term for term, _, _, _ in items),
            counts=tuple(frequency for _, frequency, _, _ in items),
            weights=tuple(weight for _, _, weight, _ in items),
            values=tuple(encoded for _, _, _, encoded in items) if keep_values else (),
            length=sum(frequency for _, frequency, _, _ in items),
        )

    def _repeated(self, name: str, value: str) -> IndexedText | None:
        """The field's text of the document before when it is this one (each chunk of a
        document holds its title)."""
        last = self._last_text.get(name)
        return last[1] if last is not None and last[0] == value else None

    def _text(self, name: str, value: str, twin_texts: dict[str, IndexedText]) -> IndexedText:
        """A text's terms and positions; for a stemmed field, its unstemmed twin's too (kept
        for when that field comes), from one pass over the text."""
        twin = self._twins.get(name)
        if twin is None:
            return self.schema[name].analyzer.indexed_text(value)
        ranked, exact = indexed_texts(value)
        twin_texts[twin] = exact
        return ranked

    def batch(self) -> DocumentBatch:
        """Everything added so far, to hand to another writer (`add_batch`)."""
        return DocumentBatch(
            doc_count=self.doc_count,
            fields={name: collected.exported() for name, collected in self._collected.items()},
            lengths=self._lengths,
            stored=self._stored,
            columns=self._columns,
        )

    def add_batch(self, batch: DocumentBatch) -> None:
        """Add the documents another writer collected (`batch`), after those added so far:
        the same segment as adding them here one by one."""
        first = self.doc_count
        for name, field_batch in batch.fields.items():
            collected = self._collected.get(name)
            if collected is None:
                collected = self._collected[name] = _Collected(field_batch.by_words)
            collected.absorb(field_batch, first)
        for name, lengths in batch.lengths.items():
            own = self._lengths.setdefault(name, {})
            own.update((first + docnum, length) for docnum, length in lengths.items())
        self._stored.extend(batch.stored)
        for name, values in batch.columns.items():
            self._columns.setdefault(name, []).extend(
                (first + docnum, value) for docnum, value in values
            )
        self.doc_count += batch.doc_count

    def take_over(self, segment: SegmentArrays) -> None:
        """Add the live documents of an existing segment after those added so far, in their
        order; deleted ones and the terms only they held are left out."""
        live = ~segment.deleted
        count = int(live.sum())
        renumbered = np.full(len(live), -1, dtype=np.int64)
        renumbered[live] = self.doc_count + np.arange(count)
        fields = {}
        for name, postings in segment.postings.items():
            kept = _live_postings(postings, live, renumbered)
            if kept is not None:
                fields[name] = kept
        live_docs = np.flatnonzero(live).tolist()
        self._stored.extend(segment.stored[docnum] for docnum in live_docs)
        for name, values in segment.columns.items():
            self._columns.setdefault(name, []).extend(
                (int(renumbered[docnum]), values[docnum]) for docnum in live_docs
            )
        codes = {name: codes[live] for name, codes in segment.length_bytes.items()}
        self._taken_over.append(_TakenOver(self.doc_count, count, fields, codes))
        self.doc_count += count

    def write(self, folder: Path) -> W3Segment:
        """Write the documents as one new segment in `folder`, with the search's postings file
        of it (`search.index.arrays.postings`); not yet in any table of contents: see
        `search.index.format.segment_files.commit_segments`. A writer writes once: what it
        collected is let go of as it is written."""
        lengths = self._field_lengths()
        codes = {name: length_bytes(values) for name, values in lengths.items()}
        names = sorted(self._field_names())
        fieldmap = {name: number for number, name in enumerate(names)}
        postings_parts: list[np.ndarray] = []
        key_parts, key_lengths, infos = [], [], []
        searched: dict[str, np.ndarray] = {}
        offset = 0
        for name in names:
            postings = self.sorted_postings(name)
            # Its postings are sorted: the field's arrays as collected are not needed again
            # (a writer writes once), and the fields after it take their memory.
            self._collected.pop(name, None)
            if postings is None:
                continue
            searched.update(field_arrays(name, postings))
            # A few terms at a time, so that what encoding them takes stays small.
            for part in postings.parts(POSTINGS_PER_PART):
                part_codes = codes[name][part.docs] if name in codes else _no_codes(part)
                data, term_infos = posting_lists(
                    part.term_starts,
                    part.docs,
                    part.weights,
                    self._values(name, part),
                    part_codes,
                    base_offset=offset,
                )
                postings_parts.append(data)
                offset += len(data)
                infos.append(term_infos)
            prefix = fieldmap[name].to_bytes(2, "big")
            key_parts.append(prefix + prefix.join(postings.terms))
            key_lengths.append(np.fromiter(map(len, postings.terms), np.int64) + 2)
        terms = self._terms(key_parts, key_lengths, infos, fieldmap)
        columns = self._column_files(codes)
        totals = {name: int(values.sum()) for name, values in lengths.items() if values.any()}
        segment = write_segment(folder, terms, postings_parts, columns, self.doc_count, totals)
        # The search's postings file of the segment, from the same sorted postings.
        searched.update(postings_arrays(self.schema, {}, codes, self.doc_count))
        write_postings(folder, segment, searched)
        return segment

    def _field_names(self) -> set[str]:
        names = {name for name, collected in self._collected.items() if len(collected.term_ids)}
        return names | {name for part in self._taken_over for name in part.fields}

    @staticmethod
    def _terms(key_parts, key_lengths, infos, fieldmap) -> bytes:
        keys = np.frombuffer(b"".join(key_parts), dtype=np.uint8)
        offsets = exclusive_cumsum(np.concatenate(key_lengths) if key_lengths else np.zeros(0))
        # np.concatenate would make the big-endian fields native: cast back.
        all_infos = np.concatenate(infos).astype(TERM_INFO) if infos else np.zeros(0, TERM_INFO)
        return term_table(keys, offsets, all_infos, fieldmap)

    def _values(self, name: str, postings: FieldPostings) -> Values:
        format_ = self.schema[name].format
        if isinstance(format_, Existence) or format_.fixed_value_size() == 0:
            return Values()
        if isinstance(format_, Frequency):
            return frequency_values(postings.counts)
        if postings.positions is not None and isinstance(format_, PackedPositions):
            return packed_position_values(postings.counts, postings.positions)
        if postings.positions is not None:
            return position_values(postings.counts, postings.positions)
        return pickled_items(postings.value_blob, postings.value_offsets)

    def sorted_postings(self, name: str) -> FieldPostings | None:
        """A field's postings, new and taken over, in Whoosh's order; None without any."""
        parts = [part.fields[name] for part in self._taken_over if name in part.fields]
        collected = self._collected.get(name)
        if collected is not None and len(collected.term_ids):
            parts.insert(0, self._sorted_collected(name, collected))
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else _combined(parts)

    def _sorted_collected(self, name: str, collected: _Collected) -> FieldPostings:
        terms = sorted(collected.vocab)
        ids = np.fromiter(map(collected.vocab.__getitem__, terms), dtype=np.int64)
        rank = np.empty(int(ids.max()) + 1, dtype=np.int32)
        rank[ids] = np.arange(len(terms), dtype=np.int32)
        term_ids = rank[np.frombuffer(collected.term_ids, dtype=np.int32)]
        del rank
        if collected.by_words:
            return self._postings_of_texts(name, collected, terms, term_ids)
        # Postings were added in docnum order: a stable sort by term keeps it within a term.
        order = np.argsort(term_ids, kind="stable")
        postings = FieldPostings(
            terms=terms,
            term_starts=np.searchsorted(term_ids[order], np.arange(len(terms) + 1)),
            docs=np.frombuffer(collected.docs, dtype=np.int32)[order].astype(np.int64),
            weights=np.frombuffer(collected.weights, dtype=np.float64)[order],
            counts=np.frombuffer(collected.counts, dtype=np.int32)[order].astype(np.int64),
        )
        if collected.values:
            values = [collected.values[index] for index in order.tolist()]
            postings.value_blob = np.frombuffer(b"".join(values), dtype=np.uint8)
            postings.value_offsets = exclusive_cumsum(np.fromiter(map(len, values), np.int64))
        return postings

    def _postings_of_texts(
        self, name: str, collected: _Collected, terms: list[str], term_ids: np.ndarray
    ) -> FieldPostings:
        """Term occurrences (added document by document, each text's in position order) made
        postings: a stable sort by term puts each term's occurrences in document and position
        order; each run of one document is a posting, its length the frequency."""
        order = np.argsort(term_ids, kind="stable")
        sorted_ids = term_ids[order]
        del term_ids
        docs = _occurrence_docs(collected)[order]
        first = np.ones(len(order), dtype=bool)
        first[1:] = (sorted_ids[1:] != sorted_ids[:-1]) | (docs[1:] != docs[:-1])
        starts = np.flatnonzero(first)
        counts = np.diff(np.append(starts, len(order)))
        del first
        positions = _occurrence_positions(collected)[order]
        del order
        boost = float(self.schema[name].format.field_boost)
        return FieldPostings(
            terms=[term.encode("utf-8") for term in terms],
            term_starts=np.searchsorted(sorted_ids[starts], np.arange(len(terms) + 1)),
            docs=docs[starts].astype(np.int64),
            weights=counts * boost,
            counts=counts,
            positions=positions,
            position_starts=np.append(starts, len(positions)),
        )

    def _field_lengths(self) -> dict[str, np.ndarray]:
        """Each scored field's length in each document: the sum of its frequencies, and for
        documents taken over the length their length byte stands for (as Whoosh's merge)."""
        lengths: dict[str, np.ndarray] = {}
        for name, collected in self._collected.items():
            if not self.schema[name].scorable or not collected.by_words or not len(collected.runs):
                continue
            # A text's length is its number of term occurrences.
            runs = np.frombuffer(collected.runs, dtype=np.int32)
            docs = np.frombuffer(collected.docs, dtype=np.int32)
            lengths[name] = np.bincount(docs, weights=runs, minlength=self.doc_count).astype(
                np.int64
            )
        for name, sparse in self._lengths.items():
            values = np.zeros(self.doc_count, dtype=np.int64)
            values[list(sparse)] = list(sparse.values())
            lengths[name] = values
        for part in self._taken_over:
            for name, codes in part.length_bytes.items():
                values = lengths.setdefault(name, np.zeros(self.doc_count, dtype=np.int64))
                values[part.first : part.first + part.count] = LENGTH_OF_BYTE[codes] * (codes > 0)
        return lengths

    def _column_files(self, codes: dict[str, np.ndarray]) -> dict[str, bytes]:
        """The stored-fields column, the length columns, and every sortable field's column,
        with values or not: whoosh3 3.54's `MultiReader.column_reader` reads wrong rows of an
        index where a segment lacks one."""
        columns = {"_stored": varbytes_column(self._stored)}
        for name in sorted(codes):
            data = length_column(codes[name])
            if data is not None:
                columns[f"_{name}_len"] = data
        for name, field_type in self.schema.items():
            if not field_type.column_type:
                continue
            column = field_type.column_type
            kind = type(column).__name__
            if kind not in ("VarBytesColumn", "RefBytesColumn"):
                raise ValueError(f"the array writer writes no {kind} columns ({name})")
            values = [b""] * self.doc_count
            for docnum, value in self._columns.get(name, ()):
                values[docnum] = value
            if kind == "RefBytesColumn":
                columns[name] = refbytes_column(values)
                continue
            cutoff = column.write_offsets_cutoff if column.allow_offsets else 2**62
            columns[name] = varbytes_column(values, cutoff)
        return columns


def _reads_words(field_type) -> bool:
    """Whether a field is indexed from `analyzer.indexed_text` (text with positions)."""
    return isinstance(field_type.format, AnalyzedPositions) and hasattr(
        field_type.analyzer, "indexed_text"
    )


def _occurrence_positions(collected: _Collected) -> np.ndarray:
    """The position of each term occurrence of a text field: its token's, each text's
    tokens at consecutive positions from its first."""
    tokens = np.frombuffer(collected.tokens, dtype=np.int32)
    firsts = np.frombuffer(collected.firsts, dtype=np.int32)
    shift = np.repeat(firsts - exclusive_cumsum(tokens)[:-1].astype(np.int32), tokens)
    token_positions = np.arange(len(shift), dtype=np.int32) + shift
    return np.repeat(token_positions, np.frombuffer(collected.counts, dtype=np.int32))


def _occurrence_docs(collected: _Collected) -> np.ndarray:
    """The docnum of each term occurrence of a text field."""
    runs = np.frombuffer(collected.runs, dtype=np.int32)
    return np.repeat(np.frombuffer(collected.docs, dtype=np.int32), runs)


def _twin_fields(schema: Schema) -> dict[str, str]:
    """Stemmed text fields whose unstemmed twin is in the schema: stemmed -> twin."""
    twins = {}
    for name, field_type in schema.items():
        twin = exact_field(name)
        if (
            twin in schema
            and isinstance(getattr(field_type, "analyzer", None), DutchAnalyzer)
            and isinstance(getattr(schema[twin], "analyzer", None), ExactAnalyzer)
            and _reads_words(field_type)
            and _reads_words(schema[twin])
        ):
            twins[name] = twin
    return twins


def _fixed_values(format_) -> bool:
    """Whether a format's values follow from the frequency alone (or are empty)."""
    return isinstance(format_, Existence | Frequency) or format_.fixed_value_size() == 0


def _no_codes(postings: FieldPostings) -> np.ndarray:
    return np.zeros(len(postings), dtype=np.uint8)


def _live_postings(
    postings: FieldPostings, live: np.ndarray, renumbered: np.ndarray
) -> FieldPostings | None:
    """A segment's postings of live documents, renumbered; None when none is left."""
    keep = live[postings.docs]
    if not keep.any():
        return None
    term_of = np.repeat(np.arange(len(postings.terms)), np.diff(postings.term_starts))[keep]
    used, term_ids = np.unique(term_of, return_inverse=True)
    kept = FieldPostings(
        terms=[postings.terms[index] for index in used.tolist()],
        term_starts=np.searchsorted(term_ids, np.arange(len(used) + 1)),
        docs=renumbered[postings.docs[keep]],
        weights=postings.weights[keep],
        counts=postings.counts[keep],
    )
    kept_rows = np.flatnonzero(keep)
    if postings.positions is not None:
        kept.positions, kept.position_starts = gather_items(
            postings.positions, postings.position_starts, kept_rows
        )
    if postings.value_blob is not None:
        kept.value_blob, kept.value_offsets = gather_items(
            postings.value_blob, postings.value_offsets, kept_rows
        )
    return kept


def _combined(parts: list[FieldPostings]) -> FieldPostings:
    """Postings of several parts (their docnums apart) as one field's, sorted again."""
    vocabulary = sorted(set().union(*(part.terms for part in parts)))
    rank = {term: number for number, term in enumerate(vocabulary)}
    term_ids = np.concatenate(
        [
            np.fromiter(map(rank.__getitem__, part.terms), np.int64)[
                np.repeat(np.arange(len(part.terms)), np.diff(part.term_starts))
            ]
            for part in parts
        ]
    )
    docs = np.concatenate([part.docs for part in parts])
    order = np.lexsort((docs, term_ids))
    combined = FieldPostings(
        terms=vocabulary,
        term_starts=np.searchsorted(term_ids[order], np.arange(len(vocabulary) + 1)),
        docs=docs[order],
        weights=np.concatenate([part.weights for part in parts])[order],
        counts=np.concatenate([part.counts for part in parts])[order],
    )
    if all(part.positions is not None for part in parts):
        combined.positions, combined.position_starts = gather_items(
            *_joined_items([(part.positions, part.position_starts) for part in parts]), order
        )
    elif all(part.value_blob is not None for part in parts):
        combined.value_blob, combined.value_offsets = gather_items(
            *_joined_items([(part.value_blob, part.value_offsets) for part in parts]), order
        )
    return combined


def _joined_items(parts: Iterable[tuple[np.ndarray, np.ndarray]]):
    """Several (blob, offsets) lists of items as one."""
    parts = list(parts)
    blob = np.concatenate([items for items, _ in parts])
    shifts = exclusive_cumsum(np.array([offsets[-1] - offsets[0] for _, offsets in parts]))
    offsets = [parts[0][1][:1] - parts[0][1][0]]
    offsets += [
        part[1][1:] - part[1][0] + shift for part, shift in zip(parts, shifts, strict=False)
    ]
    return blob, np.concatenate(offsets)
