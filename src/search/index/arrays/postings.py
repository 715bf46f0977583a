"""Each index segment's postings as arrays, and a generation's postings over all its segments.

Whoosh stores a term's postings in blocks of 128, each a pickle (often zlib-compressed) that its
matchers decode one posting at a time. The search scores every matching chunk of every query
word, so it reads the same postings as arrays instead: per segment, a file `MAIN_<segment>.parl`
beside Whoosh's own `MAIN_<segment>.seg`, written by the build's writer in the same pass as the
segment, from the sorted postings it holds (`search.index.generations.array_writer`,
`write_postings`); a segment without one (written by Whoosh's own writer) gets it from its
Whoosh files, read back with `search.index.format.segment_arrays`, when the writer completes
the generation (`complete_postings`). Named after
its segment, it lives and dies with it: Whoosh's `clean_files` removes it when the segment is
merged away (a merge writes the merged segment's), and `update` copies it into the next
generation with the segment's other files. Whoosh stays the index of record (stored fields,
the query parser, plain `whoosh.index.open_dir` opens every generation); these files are
derived from it and can always be made again from it.

Per indexed field the file holds the field's terms sorted by their bytes (Whoosh's order, with
keys for a fast search), where each term's postings start, the postings' segment docnums (their
low 16 bits and per term where its postings pass each multiple of 65,536, or for a field of one
term per chunk 32 bits: `_split_docs`) and
weights (float32, exactly the weights Whoosh stores), and for fields with positions where each
term's positions start, each posting's number of positions and the positions (each in 8, 16 or
32 bits: the narrowest that holds them). A field with positions weighs each posting by its
number of positions (Whoosh's `Positions` format, no field boost): its weights are not written,
the counts stand for them and are read as fast. For each unstemmed twin, its word classes
(`search.index.schema.near.WORD_CLASSES`: the linking words and auxiliaries the compound phrases
read) as a field of their own (`<field>:classes`), one term per class holding where any of its
words stands (`class_postings`); per scored field the length byte of each document (Whoosh's
`length_to_byte`). Deleted documents, document counts and the fields' total lengths are not in
the file: they come from the generation's table of contents, as Whoosh takes them, so that
BM25F gives Whoosh's figures (deleted documents count in every statistic until segments merge,
as in Whoosh).
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import math
import multiprocessing
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from itertools import pairwise, repeat
from pathlib import Path

import numpy as np
from whoosh.fields import Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC, FileIndex
from whoosh.util.numeric import byte_to_length

from search.index.arrays.array_files import (
    Strings,
    encode_strings,
    found_in_both,
    found_in_sorted,
    gathered_runs,
    mapped_or_computed,
    write_arrays,
)
from search.index.format.internals import field_length_totals, table_of_contents
from search.index.format.segment_arrays import FieldPostings as SortedPostings
from search.index.format.segment_arrays import read_segment
from search.index.format.segment_files import INDEX_NAME
from search.index.schema import TEXT_FIELDS, exact_field
from search.index.schema.near import WORD_CLASSES

POSTINGS_EXTENSION = ".parl"
# Whoosh's BM25F reads a document's field length from its length byte.
LENGTH_OF_BYTE = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)
# The postings file's format, in its meta: 2 since a field with positions keeps no weights and
# counts and positions may be 8-bit, 3 since docnums are kept in 16 bits (`/docs16`) with where
# each term's docnums pass each multiple of 65,536 (files of versions 1 and 2 are read as they
# are).
FORMAT_VERSION = 3
# The unstemmed fields whose word classes are kept as terms (`class_postings`), and what the
# name of the field holding them ends with.
CLASSED_FIELDS = frozenset(exact_field(name) for name in TEXT_FIELDS)
CLASSES_SUFFIX = ":classes"

_NO_POSITIONS = np.zeros(0, dtype=np.int64)
# The integers counts and positions are kept in: the narrowest that holds them all.
_UNSIGNED = (np.uint8, np.uint16, np.uint32)
# A docnum is kept as its low 16 bits; its high bits are where its term's postings pass each
# multiple of this (`/doc_highs`).
DOC_SPAN = 1 << 16
# A term with at most this many postings has its docnums widened to be searched for chunks (a
# few microseconds), a longer one is searched span by span in its low bits.
WIDENED_RUN = 1 << 13
# Where a term's postings wanted lie past its first `LONG_RUN`, their positions are found through
# the totals of the term's counts per block of `BLOCK` postings (kept once computed: a few bytes
# a block), not by summing every count before them on each search.
LONG_RUN = 1 << 14
BLOCK = 64
# The most postings from a first to a last short term that `places_of_terms` reads at once.
MANY_TERMS_RUN = 1 << 16
# Term numbers each segment keeps once looked up (all forgotten when this many are kept).
REMEMBERED_TERMS = 4096


def postings_file(folder: Path, segment) -> Path:
    """The postings file of a segment."""
    return Path(folder) / segment.make_filename(POSTINGS_EXTENSION)


def complete_postings(generation: Path) -> None:
    """Write the postings file of each segment of a committed generation that has none (a
    segment Whoosh's own writer made): several at once in processes of their own, one per
    core (reading Whoosh's blocks is Python work, which threads would not share out). The
    build's writer writes the file of each segment it writes itself (`write_postings`)."""
    toc = TOC.read(FileStorage(str(generation)), INDEX_NAME)
    missing = [s.segment_id() for s in toc.segments if not postings_file(generation, s).exists()]
    if len(missing) > 1 and (os.cpu_count() or 1) > 1:
        # Spawned, not forked: a forked process would inherit the writer lock.
        context = multiprocessing.get_context("spawn")
        workers = min(len(missing), os.cpu_count() or 1)
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            list(pool.map(write_segment_postings, repeat(generation), missing))
    else:
        for segment_id in missing:
            write_segment_postings(generation, segment_id)


def write_segment_postings(generation: Path, segment_id: str) -> None:
    """Write the postings file of one segment of a generation, read from its Whoosh files."""
    toc = TOC.read(FileStorage(str(generation)), INDEX_NAME)
    segment = next(s for s in toc.segments if s.segment_id() == segment_id)
    write_postings(generation, segment, segment_postings_arrays(generation, toc.schema, segment))


def write_postings(folder: Path, segment, arrays: Mapping[str, np.ndarray]) -> None:
    """Write a segment's postings file (`arrays`: see `postings_arrays`)."""
    write_arrays(postings_file(folder, segment), arrays, _meta(segment))


def _meta(segment) -> dict:
    return {"version": FORMAT_VERSION, "doccount": segment.doc_count_all()}


def segment_postings_arrays(folder: Path, schema: Schema, segment) -> dict[str, np.ndarray]:
    """A segment's postings and length bytes read from its Whoosh files
    (`search.index.format.segment_arrays`), as the arrays of its postings file."""
    read = read_segment(folder, schema, segment)
    return postings_arrays(schema, read.postings, read.length_bytes, read.doc_count)


def postings_arrays(
    schema: Schema,
    fields: Mapping[str, SortedPostings],
    length_bytes: Mapping[str, np.ndarray],
    doc_count: int,
) -> dict[str, np.ndarray]:
    """The arrays of a segment's postings file, from its fields' sorted postings and the
    length bytes of its scored fields (as a writer holds them, or as read back)."""
    arrays: dict[str, np.ndarray] = {}
    for fieldname, postings in fields.items():
        arrays.update(field_arrays(fieldname, postings))
    for fieldname, field in schema.items():
        if field.scorable:
            codes = length_bytes.get(fieldname)
            arrays[f"{fieldname}/lengths"] = _zeros(doc_count) if codes is None else codes
    return arrays


def field_arrays(fieldname: str, postings: SortedPostings) -> dict[str, np.ndarray]:
    """One field's terms and postings (docnums, weights, positions) as the file's arrays."""
    arrays = {
        **encode_strings(
            f"{fieldname}/terms", (term.decode("utf-8") for term in postings.terms), ordered=True
        ),
        f"{fieldname}/starts": np.asarray(postings.term_starts, dtype=np.int64),
        **_split_docs(fieldname, postings.term_starts, postings.docs),
    }
    counts = None
    if postings.positions is not None:
        # Where each term's positions start; each posting's count of positions after it.
        position_starts = np.asarray(postings.position_starts, dtype=np.int64)
        counts = np.diff(position_starts)
        arrays[f"{fieldname}/pos_starts"] = position_starts[postings.term_starts]
        arrays[f"{fieldname}/counts"] = _narrowest_unsigned(counts)
        arrays[f"{fieldname}/positions"] = _narrowest_unsigned(postings.positions)
    if counts is None or not np.array_equal(postings.weights, counts):
        arrays[f"{fieldname}/weights"] = postings.weights.astype(np.float32)
    if counts is not None and fieldname in CLASSED_FIELDS:
        arrays.update(field_arrays(classes_field(fieldname), class_postings(postings)))
    return arrays


def classes_field(fieldname: str) -> str:
    """The name under which a field's word classes are kept as terms (see `class_postings`)."""
    return f"{fieldname}{CLASSES_SUFFIX}"


def class_postings(postings: SortedPostings) -> SortedPostings:
    """Each class of `WORD_CLASSES` as one term: in each chunk, the positions where any of its
    words stands (a class no chunk holds is left out)."""
    terms, docs, counts, positions = [], [], [], []
    for name, words in sorted(WORD_CLASSES.items()):
        numbers = [_number(postings.terms, word.encode("utf-8")) for word in sorted(words)]
        numbers = np.array([number for number in numbers if number >= 0], dtype=np.int64)
        firsts = postings.term_starts[numbers]
        chosen = gathered_runs(firsts, postings.term_starts[numbers + 1] - firsts)
        begins = postings.position_starts[chosen]
        sizes = postings.position_starts[chosen + 1] - begins
        owners = np.repeat(postings.docs[chosen].astype(np.int64), sizes)
        places = postings.positions[gathered_runs(begins, sizes)].astype(np.int64)
        # Chunk and position in one key, sorted, each once.
        keys = np.unique(owners << 32 | places)
        if not len(keys):
            continue
        chunks, per_chunk = np.unique(keys >> 32, return_counts=True)
        terms.append(name.encode("utf-8"))
        docs.append(chunks)
        counts.append(per_chunk)
        positions.append(keys & 0xFFFFFFFF)
    term_starts = np.cumsum([0] + [len(chunks) for chunks in docs], dtype=np.int64)
    counts_all = np.concatenate(counts) if counts else np.zeros(0, dtype=np.int64)
    return SortedPostings(
        terms=terms,
        term_starts=term_starts,
        docs=np.concatenate(docs) if docs else np.zeros(0, dtype=np.int64),
        weights=counts_all.astype(np.float64),
        counts=counts_all,
        positions=np.concatenate(positions) if positions else np.zeros(0, dtype=np.int64),
        position_starts=np.concatenate([[0], np.cumsum(counts_all)]).astype(np.int64),
    )


def _number(terms: list[bytes], btext: bytes) -> int:
    """The index of `btext` in the sorted `terms`, or -1."""
    at = bisect.bisect_left(terms, btext)
    return at if at < len(terms) and terms[at] == btext else -1


def _split_docs(fieldname: str, term_starts, docs) -> dict[str, np.ndarray]:
    """A field's docnums as their low 16 bits (`/docs16`), and, where some reach `DOC_SPAN`, per
    term and per multiple h of `DOC_SPAN` up to the largest the field reaches, where the term's
    first posting of a docnum of at least h * `DOC_SPAN` is, or the term's end (`/doc_highs`,
    counted from the field's first posting, term by term): a term's docnums ascend, so those
    are all the high bits there are. Half the bytes of 32-bit docnums for a field of few terms
    with many postings each; a field whose high-bit starts would take more than that saves (one
    term per chunk or document in a large segment) keeps 32-bit docnums (`/docs`). Read back by
    `FieldPostings.docnums`; a reader of version 2 or before finds no `/docs` and fails instead of
    reading low bits as docnums."""
    docs = np.asarray(docs, dtype=np.int64)
    top = int(docs.max()) // DOC_SPAN if len(docs) else 0
    if not top:
        return {f"{fieldname}/docs16": docs.astype(np.uint16)}
    term_starts = np.asarray(term_starts, dtype=np.int64)
    terms = np.arange(len(term_starts) - 1, dtype=np.int64)
    highs_size = len(terms) * top * _narrowest_unsigned(term_starts[-1:]).itemsize
    if highs_size >= 2 * len(docs):
        return {f"{fieldname}/docs": docs.astype(np.int32)}
    # Term and high bits in one ascending key per posting.
    keys = np.repeat(terms, np.diff(term_starts)) * (top + 1) + docs // DOC_SPAN
    wanted = (terms[:, None] * (top + 1) + np.arange(1, top + 1)).ravel()
    return {
        f"{fieldname}/docs16": (docs % DOC_SPAN).astype(np.uint16),
        f"{fieldname}/doc_highs": _narrowest_unsigned(np.searchsorted(keys, wanted)),
    }


def _narrowest_unsigned(values: np.ndarray) -> np.ndarray:
    """`values` (none negative) as 8-bit integers where they fit, else 16-bit, else 32-bit
    (a term's count of positions in a chunk is below 256 nearly always; every reader widens
    them to 64 bits before adding them up)."""
    top = int(values.max()) if len(values) else 0
    return values.astype(next(t for t in _UNSIGNED if top <= np.iinfo(t).max))


class SegmentChunks:
    """Chunks of one segment (their docnums there, ascending, 64-bit), as they are looked for
    among the postings of term after term (`FieldPostings.postings_of`)."""

    def __init__(self, docnums: np.ndarray) -> None:
        self.docnums = np.asarray(docnums, dtype=np.int64)
        self._typed: dict[np.dtype, np.ndarray] = {}

    @functools.cached_property
    def spans(self) -> list[tuple[int, int, np.ndarray]]:
        """Per span of `DOC_SPAN` docnums holding any of the chunks, its number, where its
        chunks start among them, and their low 16 bits."""
        docnums = self.docnums
        count = int(docnums[-1]) // DOC_SPAN + 1 if len(docnums) else 0
        cuts = np.searchsorted(docnums, np.arange(count + 1) * DOC_SPAN).tolist()
        return [
            (span, start, (docnums[start:end] % DOC_SPAN).astype(np.uint16))
            for span, (start, end) in enumerate(pairwise(cuts))
            if start < end
        ]

    def typed(self, dtype: np.dtype) -> np.ndarray:
        """The docnums as integers of `dtype` (a file of version 2 or before keeps whole
        docnums in its own type: searched in another, its postings would be copied)."""
        typed = self._typed.get(dtype)
        if typed is None:
            typed = self._typed[dtype] = self.docnums.astype(dtype)
        return typed


@dataclass(frozen=True)
class FieldPostings:
    """One field's terms and postings in one segment."""

    terms: Strings
    starts: np.ndarray
    # Each posting's docnum: its low 16 bits, the high ones in `doc_highs` (see `_split_docs`;
    # a field kept in 32 bits, and a file of version 2 or before, keeps whole docnums and no
    # `doc_highs`); read them through `docnums` and `postings_of`.
    docs: np.ndarray
    # Each posting's weight: its count of positions (`counts`) where the file keeps no weights.
    weights: np.ndarray
    # Fields with positions: where each term's positions start, each posting's count of them,
    # and the positions, posting after posting.
    pos_starts: np.ndarray | None
    counts: np.ndarray | None
    positions: np.ndarray | None
    # Per term, where its postings reach each multiple of `DOC_SPAN` (term number by h - 1);
    # None where no docnum reaches it, or in a file of version 2 or before.
    doc_highs: np.ndarray | None = None
    # A long term's positions read so far, per block of `BLOCK` postings (see `positions_of`),
    # by the term's number: computed when first needed.
    _blocks: dict[int, np.ndarray] = dataclasses.field(
        default_factory=dict, compare=False, repr=False
    )

    def docnums(self, first_term: int, end_term: int, offset: int = 0) -> np.ndarray:
        """The docnums (64-bit, plus `offset`) of the postings of terms `first_term` to
        `end_term` (not included), term after term."""
        first, last = int(self.starts[first_term]), int(self.starts[end_term])
        docnums = self.docs[first:last].astype(np.int64)
        highs = self.doc_highs
        if highs is None or first == last:
            if offset:
                docnums += offset
            return docnums
        if end_term - first_term == 1:
            # Each span's postings gain the offset and its high bits, in one pass.
            start, gain = 0, offset
            for bound in highs[first_term].tolist():
                if gain and start < bound - first:
                    docnums[start : bound - first] += gain
                start, gain = max(start, bound - first), gain + DOC_SPAN
            docnums[start:] += gain
            return docnums
        if offset:
            docnums += offset
        rows = highs[first_term:end_term]
        # Each term's postings from each of its starts to its end gain `DOC_SPAN`: a count of
        # starts minus ends, summed along.
        ends = np.repeat(self.starts[first_term + 1 : end_term + 1], rows.shape[1])
        size = last - first + 1
        steps = np.bincount(rows.ravel().astype(np.int64) - first, minlength=size)
        steps -= np.bincount(ends - first, minlength=size)
        return docnums + np.cumsum(steps[:-1]) * DOC_SPAN

    def postings_of(self, number: int, chunks: SegmentChunks) -> tuple[np.ndarray, np.ndarray]:
        """Which postings (counted from the term's first, ascending) of term `number` are of
        `chunks`, and their chunks: a short term's docnums widened and searched, a long term's
        low bits searched span by span of `DOC_SPAN` docnums, without widening them."""
        first, last = int(self.starts[number]), int(self.starts[number + 1])
        docs = self.docs
        if docs.dtype != np.uint16:
            at, of = found_in_both(docs[first:last], chunks.typed(docs.dtype))
        elif last - first <= WIDENED_RUN:
            at, of = found_in_both(self.docnums(number, number + 1), chunks.docnums)
        else:
            at, of = self._postings_in_spans(number, first, last, chunks)
        return at, chunks.docnums[of]

    def places_of_terms(
        self, numbers: np.ndarray, chunks: SegmentChunks
    ) -> tuple[np.ndarray, np.ndarray]:
        """The positions in `chunks` of the terms `numbers` (ascending), each with its chunk
        (64-bit, of this segment): one term's chunk after chunk, several terms' in no given
        order. Two or more terms of at most `WIDENED_RUN` postings whose postings lie within
        `MANY_TERMS_RUN` of each other are read at once: their postings and their positions
        are runs of the same arrays. The others as `postings_of` (the postings of `chunks`,
        ascending) and `positions_of` read one term."""
        if len(numbers) == 1:
            return self._term_places(int(numbers[0]), chunks)
        firsts = self.starts[numbers].astype(np.int64)
        sizes = self.starts[numbers + 1].astype(np.int64) - firsts
        short = sizes <= WIDENED_RUN
        together = np.count_nonzero(short) > 1 and (
            int(firsts[short][-1] + sizes[short][-1]) - int(firsts[short][0]) <= MANY_TERMS_RUN
        )
        if not together:
            short[:] = False
        read = [self._term_places(number, chunks) for number in numbers[~short].tolist()]
        if short.any():
            read.append(self._short_places(numbers[short], firsts[short], sizes[short], chunks))
        found = [(docnums, places) for docnums, places in read if len(places)]
        if not found:
            return _NO_POSITIONS, _NO_POSITIONS
        return np.concatenate([d for d, _ in found]), np.concatenate([p for _, p in found])

    def _term_places(self, number: int, chunks: SegmentChunks) -> tuple[np.ndarray, np.ndarray]:
        """One term's positions in `chunks`, each with its chunk, chunk after chunk."""
        at, docnums = self.postings_of(number, chunks)
        if not len(at):
            return _NO_POSITIONS, _NO_POSITIONS
        positions, counts = self.positions_of(number, int(self.starts[number]), at)
        return np.repeat(docnums, counts), positions.astype(np.int64)

    def _short_places(
        self, numbers: np.ndarray, firsts: np.ndarray, sizes: np.ndarray, chunks: SegmentChunks
    ) -> tuple[np.ndarray, np.ndarray]:
        """`places_of_terms` of short terms, read over the run of postings from the first's
        to the last's at once: its docnums widened (`docnums`) and its counts summed."""
        first_term, end_term = int(numbers[0]), int(numbers[-1]) + 1
        run_start = int(self.starts[first_term])
        run = self.docnums(first_term, end_term)
        postings = gathered_runs(firsts, sizes) - run_start
        docnums = run[postings]
        _, held = found_in_sorted(chunks.docnums, docnums)
        if not held.any():
            return _NO_POSITIONS, _NO_POSITIONS
        counts = self.counts[run_start : int(self.starts[end_term])].astype(np.int64)
        # Each posting's positions begin after those of its term's postings before it.
        before = np.cumsum(counts) - counts
        terms = np.repeat(np.arange(len(numbers)), sizes)[held]
        postings = postings[held]
        term_starts = self.pos_starts[numbers].astype(np.int64)[terms]
        begins = term_starts + before[postings] - before[firsts[terms] - run_start]
        lengths = counts[postings]
        positions = self.positions[gathered_runs(begins, lengths)].astype(np.int64)
        return np.repeat(docnums[held], lengths), positions

    def _postings_in_spans(
        self, number: int, first: int, last: int, chunks: SegmentChunks
    ) -> tuple[np.ndarray, np.ndarray]:
        """`postings_of` of a long term: its postings and where their chunks are in `chunks`."""
        # Where the term's postings of each span start, and where the last ends.
        highs = self.doc_highs
        bounds = [first, *highs[number].tolist(), last] if highs is not None else [first, last]
        postings, owners = [], []
        for span, offset, low in chunks.spans:
            if span + 1 >= len(bounds):
                break
            start, end = bounds[span], bounds[span + 1]
            if start < end:
                at, of = found_in_both(self.docs[start:end], low)
                postings.append(at + (start - first))
                owners.append(of + offset)
        if not postings:
            return _NO_POSITIONS, _NO_POSITIONS
        return np.concatenate(postings), np.concatenate(owners)

    def positions_of(
        self, number: int, first: int, chosen: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """The positions of the postings `chosen` (ascending, counted from the term's first
        posting `first`) of term `number`, posting after posting, and how many each posting
        has: only those postings' counts and positions are read, and, for a long term, its
        blocks' totals once (kept)."""
        counts = self.counts
        start = int(self.pos_starts[number])
        if not len(chosen):
            return _NO_POSITIONS, _NO_POSITIONS
        last = first + int(chosen[-1]) + 1
        if last - first <= LONG_RUN:
            # A short run: its counts summed outright.
            run = counts[first:last].astype(np.int64)
            begins = start + np.cumsum(run) - run
            begins, sizes = begins[chosen], run[chosen]
        else:
            begins, sizes = self._begins(number, first, chosen)
            begins = begins + start
        return self.positions[gathered_runs(begins, sizes)], sizes

    def _begins(self, number: int, first: int, chosen: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Where the positions of each of the postings `chosen` of a long term begin (counted
        from the term's first position) and how many there are: the total of the blocks before
        a posting's block, and its block's counts before it."""
        blocks = self._blocks.get(number)
        if blocks is None:
            last = int(self.starts[number + 1])
            totals = np.add.reduceat(
                self.counts[first:last].astype(np.int64), np.arange(0, last - first, BLOCK)
            )
            blocks = np.concatenate([[0], np.cumsum(totals)])
            self._blocks[number] = blocks
        block_starts = chosen - chosen % BLOCK
        before = chosen - block_starts
        # The counts from each posting's block start to the posting itself (included).
        run = self.counts[first + gathered_runs(block_starts, before + 1)].astype(np.int64)
        sums = np.cumsum(run)
        ends = np.cumsum(before + 1) - 1
        sizes = run[ends]
        within = sums[ends] - sizes - np.concatenate([[0], sums[ends[:-1]]])
        return blocks[chosen // BLOCK] + within, sizes


class SegmentPostings:
    """The postings of one segment, from its postings file or, for a segment without one (an
    index written before they existed), read from its Whoosh files into memory."""

    def __init__(self, arrays: dict[str, np.ndarray]) -> None:
        names = {name.split("/")[0] for name in arrays if name.endswith("/starts")}
        self.fields = {name: _field(arrays, name) for name in names}
        self.lengths = {
            name.split("/")[0]: array for name, array in arrays.items() if name.endswith("/lengths")
        }
        self._numbers: dict[tuple[str, bytes], int] = {}

    @classmethod
    def open(cls, folder: Path, schema: Schema, segment) -> SegmentPostings:
        path = postings_file(folder, segment)
        return cls(
            mapped_or_computed(path, lambda: segment_postings_arrays(folder, schema, segment))
        )

    def term(self, fieldname: str, btext: bytes) -> int:
        """The number of a term in its field, or -1 (remembered: a search looks up the same
        words in every segment, and the compound phrases' linking words on every search)."""
        key = (fieldname, btext)
        number = self._numbers.get(key)
        if number is None:
            field = self.fields.get(fieldname)
            number = -1 if field is None else field.terms.find(btext)
            if len(self._numbers) >= REMEMBERED_TERMS:
                self._numbers.clear()
            self._numbers[key] = number
        return number


def _field(arrays: dict[str, np.ndarray], name: str) -> FieldPostings:
    # A field weighing each posting by its number of positions keeps only those (see the
    # module docstring); a file written before kept both.
    weights = arrays.get(f"{name}/weights")
    starts = arrays[f"{name}/starts"]
    highs = arrays.get(f"{name}/doc_highs")
    return FieldPostings(
        terms=Strings.stored(arrays, f"{name}/terms"),
        starts=starts,
        docs=arrays[f"{name}/docs16"] if f"{name}/docs16" in arrays else arrays[f"{name}/docs"],
        doc_highs=None if highs is None else highs.reshape(len(starts) - 1, -1),
        weights=arrays[f"{name}/counts"] if weights is None else weights,
        pos_starts=arrays.get(f"{name}/pos_starts"),
        counts=arrays.get(f"{name}/counts"),
        positions=arrays.get(f"{name}/positions"),
    )


@dataclass(frozen=True)
class TermPostings:
    """A term's postings over all segments: docnums (ascending) and weights (its positions:
    `Postings.places`)."""

    docnums: np.ndarray
    weights: np.ndarray


_NO_TERM = TermPostings(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64))


class Postings:
    """The postings of one generation: every segment's, with docnums numbered across segments as
    Whoosh numbers them, and the statistics Whoosh's BM25F takes."""

    def __init__(self, folder: Path, schema: Schema, segments: list) -> None:
        self.schema = schema
        self.segments = [SegmentPostings.open(folder, schema, segment) for segment in segments]
        sizes = [segment.doc_count_all() for segment in segments]
        self.offsets = np.concatenate([[0], np.cumsum(sizes, dtype=np.int64)])
        self.doc_count_all = int(self.offsets[-1])
        self.deleted = np.zeros(self.doc_count_all, dtype=bool)
        totals: dict[str, int] = {}
        for segment, offset in zip(segments, self.offsets.tolist(), strict=False):
            deleted = np.fromiter(segment.deleted_docs(), dtype=np.int64)
            self.deleted[deleted + offset] = True
            for name, total in field_length_totals(segment).items():
                totals[name] = totals.get(name, 0) + total
        self._totals = totals
        # Chunks not deleted (Whoosh's `doc_count`).
        self.doc_count = self.doc_count_all - int(self.deleted.sum())
        self.lengths = {
            name: np.concatenate(
                [
                    segment.lengths.get(name, _zeros(size))
                    for segment, size in zip(self.segments, sizes, strict=True)
                ]
            )
            for name, field in schema.items()
            if field.scorable
        }

    @classmethod
    def of_index(cls, folder: Path, ix: FileIndex) -> Postings:
        """The postings of the generation in `folder`, over the segments its index `ix` (open
        on that folder) lists."""
        return cls(folder, ix.schema, table_of_contents(ix).segments)

    def term(self, fieldname: str, btext: bytes) -> TermPostings:
        """A term's postings (none for an unknown field or term)."""
        docnums, weights = [], []
        for segment, offset in zip(self.segments, self.offsets.tolist(), strict=False):
            number = segment.term(fieldname, btext)
            if number < 0:
                continue
            field = segment.fields[fieldname]
            first, last = int(field.starts[number]), int(field.starts[number + 1])
            docnums.append(field.docnums(number, number + 1, offset))
            weights.append(field.weights[first:last].astype(np.float64))
        if not docnums:
            return _NO_TERM
        if len(docnums) == 1:
            return TermPostings(docnums[0], weights[0])
        return TermPostings(np.concatenate(docnums), np.concatenate(weights))

    def places(
        self, fieldname: str, btext: bytes, chunks: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """A term's positions in `chunks` (docnums, ascending), each with its chunk: only the
        postings of those chunks are read, not the term's others (a common word's are many)."""
        return self._places(chunks, lambda segment: ((fieldname, btext),))

    def places_of_terms(
        self, fieldname: str, btexts: Sequence[bytes], chunks: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """The positions of any of some terms of a field in `chunks`, each with its chunk, as
        `places` gives one term's, in no given order (a position comes once for each term
        standing there): in one pass over the segments (`_places`)."""
        return self._places(chunks, lambda segment: ((fieldname, btext) for btext in btexts))

    def class_places(
        self, fieldname: str, name: str, chunks: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Where any word of the class `name` of `WORD_CLASSES` stands in `chunks`, as
        `places`: the class's own term of each segment (`class_postings`), or each of its
        words' where a segment was written without one (a position may then come twice)."""
        classes = classes_field(fieldname)
        words = [word.encode("utf-8") for word in sorted(WORD_CLASSES[name])]

        def terms(segment: SegmentPostings) -> Iterable[tuple[str, bytes]]:
            if classes in segment.fields:
                return ((classes, name.encode("utf-8")),)
            return ((fieldname, word) for word in words)

        return self._places(chunks, terms)

    def _places(
        self, chunks: np.ndarray, terms: Callable[[SegmentPostings], Iterable[tuple[str, bytes]]]
    ) -> tuple[np.ndarray, np.ndarray]:
        """The positions in `chunks` of the `terms` of each segment, each with its chunk: one
        term's chunk after chunk, several terms' in no given order (a field's terms of a
        segment are read together, `FieldPostings.places_of_terms`)."""
        found, positions = [], []
        bounds = np.searchsorted(chunks, self.offsets).tolist()
        for number, segment in enumerate(self.segments):
            low, high = bounds[number], bounds[number + 1]
            if low == high:
                continue
            numbers: dict[str, set[int]] = {}
            for fieldname, btext in terms(segment):
                term = segment.term(fieldname, btext)
                field = segment.fields.get(fieldname)
                if term >= 0 and field is not None and field.counts is not None:
                    numbers.setdefault(fieldname, set()).add(term)
            offset = int(self.offsets[number])
            wanted = SegmentChunks(chunks[low:high] - offset)
            for fieldname, held in numbers.items():
                field = segment.fields[fieldname]
                docnums, places = field.places_of_terms(np.array(sorted(held)), wanted)
                if len(places):
                    found.append(docnums + offset)
                    positions.append(places)
        if not positions:
            return _NO_POSITIONS, _NO_POSITIONS
        return np.concatenate(found), np.concatenate(positions)

    def idf_of(self, frequency: int) -> float:
        """Whoosh's inverse document frequency for a document frequency."""
        return math.log(self.doc_count_all / (frequency + 1)) + 1

    def avg_field_length(self, fieldname: str) -> float:
        """A field's average length over all chunks (deleted ones included), as Whoosh's."""
        return self._totals.get(fieldname, 0) / (self.doc_count_all or 1)

    def pattern(
        self, fieldname: str, prefix: bytes, keep: Callable[[bytes], object] | None = None
    ) -> TermPostings:
        """The postings of every term of a field starting with `prefix` (and that `keep`
        accepts), term after term: a chunk holding several of them comes once for each."""
        docnums, weights = [], []
        for segment, offset in zip(self.segments, self.offsets.tolist(), strict=False):
            field = segment.fields.get(fieldname)
            if field is None:
                continue
            numbers = field.terms.prefixed(prefix)
            if keep is None:
                runs = [(numbers.start, numbers.stop)]
            else:
                runs = [(n, n + 1) for n in numbers if keep(field.terms.bytes_at(n))]
            for first_term, end_term in runs:
                first, last = int(field.starts[first_term]), int(field.starts[end_term])
                docnums.append(field.docnums(first_term, end_term, offset))
                weights.append(field.weights[first:last].astype(np.float64))
        if not docnums:
            return _NO_TERM
        return TermPostings(np.concatenate(docnums), np.concatenate(weights))

    def expand(self, fieldname: str, prefix: bytes) -> list[bytes]:
        """The distinct terms of a field starting with `prefix`, in order."""
        found: set[bytes] = set()
        for segment in self.segments:
            field = segment.fields.get(fieldname)
            if field is not None:
                found.update(map(field.terms.bytes_at, field.terms.prefixed(prefix)))
        return sorted(found)


def _zeros(size: int) -> np.ndarray:
    return np.zeros(size, dtype=np.uint8)
