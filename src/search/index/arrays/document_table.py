"""Per-document values of one index generation, as arrays in a file of the generation.

Filters, facet counts, date order, grouped questions and cross-references need a few values of
every matching document, however many match. The writer reads them from the index's columns
once, right after its commit (`write_document_table`), and saves them as arrays indexed by
document ordinal (`documents.parl`, see `array_files`), which every searching thread and process
maps: a result set of any size is filtered, counted, sorted and grouped with a few array
operations, and opening a generation costs milliseconds. A generation without the file (written
before it existed) gets the same table computed from its columns in memory.

Ordinals number the documents in corpus order (their file, then their place in it, as a build
reads them), which is also the order of documents with equal scores: a build with one process
or several, or an update, ranks ties alike. A document's chunks are listed by their place in
the document.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC
from whoosh.reading import SegmentReader
from whoosh.support.charset import accent_map

from search.index.arrays.array_files import (
    ArrayFile,
    Strings,
    encode_strings,
    gathered_runs,
    mapped_or_computed,
    write_arrays,
)
from search.index.format.internals import column_bytes, column_codes
from search.index.format.segment_files import INDEX_NAME
from search.index.schema import CORPUS_KEY, DOCUMENT_COLUMNS
from search.ingest.document import ANSWERED, UNANSWERED, shown_minister, source_name
from search.ingest.references import reference_key
from search.text.analysis import exact_words, surname_words
from search.text.compounds import dutch_lexicon
from search.text.lemmas import is_dutch_word

TABLE_FILE = "documents.parl"
# The facets, in the order they are shown: filter name, and whether a document may have
# several values (headings are the renderers', `search.render.labels`).
FACETS = (
    ("lid", False),
    ("partij", False),
    ("minister", False),
    ("thema", True),
    ("bron", False),
    ("jaar", False),
    ("status", False),
)
# The columns besides the facets: the minister as a person (for the minister pages) and the
# minister's portfolio as the parliament writes it (its words find the minister).
MINISTER_NAMES, MINISTER_TITLES = "minister_names", "minister_titles"
# The columns naming people: the members who ask, and the ministers asked (as persons), each
# with the document column it is read from.
PEOPLE_SOURCES = {"lid": "member", MINISTER_NAMES: "minister"}
PEOPLE_COLUMNS = tuple(PEOPLE_SOURCES)
# How common each person's surname is as a Dutch word, an array per column of `PEOPLE_COLUMNS`
# ("lid.surname_word_zipf"; see `surname_frequencies`).
SURNAME_WORD_ZIPF = "surname_word_zipf"
# Values listed per facet; the rest are summed in `other`.
FACET_LIMIT = 10
MISSING = -1

# The chunk's column that names its document and place, and the document's columns read.
_CHUNK_ID = "chunk_id"
_VALUES = (CORPUS_KEY, *DOCUMENT_COLUMNS)


def value_key(value: str) -> str:
    """A value as filters compare it: trimmed, lower case, accents folded ("N-VA" -> "n-va")."""
    return value.strip().lower().translate(accent_map)


def split(value: str) -> list[str]:
    """The values of a comma-separated list column."""
    return [part.strip() for part in value.split(",") if part.strip()]


# Writing -------------------------------------------------------------------------------------


def write_document_table(
    generation: Path,
    previous: Path | None = None,
    surnames: Mapping[str, float] | None = None,
    storage: FileStorage | None = None,
) -> None:
    """Save the per-document table of a committed generation in it; the people `previous`
    (a generation) had keep the surname frequencies it gave them, and those of `surnames` the
    frequencies given there (`surname_frequencies` of each, worked out by the processes that
    analysed a build's documents). `storage` reads the generation's files (see
    `table_arrays`)."""
    known = {**(surnames or {}), **(_known_surnames(previous / TABLE_FILE) if previous else {})}
    write_arrays(generation / TABLE_FILE, table_arrays(generation, known, storage))


def _known_surnames(path: Path) -> dict[str, float]:
    """Each person of a table file with their surname's frequency (none without the file, or
    from a file written before the frequencies were those of `_surname_frequencies`)."""
    if not path.exists():
        return {}
    arrays = ArrayFile(path).arrays
    known: dict[str, float] = {}
    for column in PEOPLE_COLUMNS:
        frequencies = arrays.get(f"{column}.{SURNAME_WORD_ZIPF}")
        if frequencies is not None:
            people = Strings.stored(arrays, f"{column}.labels").tolist()
            known.update(zip(people, frequencies.tolist(), strict=True))
    return known


def table_arrays(
    generation: Path,
    known_surnames: Mapping[str, float] | None = None,
    storage: FileStorage | None = None,
) -> dict[str, np.ndarray]:
    """The arrays of a generation's table, read from its columns through `storage` (by
    default Whoosh's own, which copies each column it opens into memory: a writer passes a
    storage that maps the files); the members of `known_surnames` keep the surname
    frequencies given there."""
    storage = storage or FileStorage(str(generation))
    toc = TOC.read(storage, INDEX_NAME)
    documents: list[str] = []
    places: list[np.ndarray] = []
    deleted: list[np.ndarray] = []
    columns: dict[str, list[Strings]] = {name: [] for name in _VALUES}
    for segment in toc.segments:
        reader = SegmentReader(storage, toc.schema, segment)
        try:
            of_chunks, in_documents = chunk_parts(*column_bytes(reader, _CHUNK_ID))
            documents += of_chunks
            places.append(in_documents)
            for name in _VALUES:
                columns[name].append(segment_values(reader, name))
        finally:
            reader.close()
        gone = np.zeros(segment.doc_count_all(), dtype=bool)
        gone[list(segment.deleted_docs())] = True
        deleted.append(gone)
    live = ~np.concatenate(deleted) if deleted else np.zeros(0, dtype=bool)
    positions = np.concatenate(places) if places else np.zeros(0, dtype=np.int32)
    return _Builder(documents, positions, live, columns).arrays(known_surnames or {})


def chunk_parts(blob: np.ndarray, offsets: np.ndarray) -> tuple[list[str], np.ndarray]:
    """Each chunk's document id and its place in the document, from a segment's chunk ids
    ("<doc_id>#<place>", end to end in `blob`, each starting at its offset), as
    `str.rpartition("#")` and `int` give them: the places read as digits all at once (where
    each is a few ASCII digits after the id's last "#"), the ids decoded one by one."""
    starts, ends = offsets[:-1], offsets[1:]
    marks = np.flatnonzero(blob == ord("#"))
    last = np.searchsorted(marks, ends) - 1
    # Without any "#", every `last` is -1 and the ids are read as Python reads them.
    hashes = marks[np.maximum(last, 0)] if len(marks) else starts
    widths = ends - hashes - 1
    readable = bool(np.all((last >= 0) & (hashes >= starts) & (widths > 0) & (widths < 10)))
    if not readable or not bool(np.all(blob[gathered_runs(hashes + 1, widths)] - ord("0") < 10)):
        # Some id is not so (none is, as the writer makes them): each read as Python reads it.
        parts = [chunk_id.rpartition("#") for chunk_id in Strings(blob, offsets).tolist()]
        return [document for document, _, _ in parts], np.array(
            [int(place) for _, _, place in parts], dtype=np.int32
        )
    places = np.zeros(len(starts), dtype=np.int64)
    for digit in range(int(widths.max(initial=0))):
        more = widths > digit
        places[more] = places[more] * 10 + (blob[hashes[more] + 1 + digit] - ord("0"))
    data = blob.tobytes()
    documents = [
        data[start:mark].decode("utf-8")
        for start, mark in zip(starts.tolist(), hashes.tolist(), strict=True)
    ]
    return documents, places.astype(np.int32)


def segment_column(reader: SegmentReader, fieldname: str) -> Strings:
    """A segment's column of text, every document's value ("" where it has none)."""
    return Strings(*column_bytes(reader, fieldname))


def segment_values(reader: SegmentReader, fieldname: str) -> Strings | _CodedValues:
    """A segment's column of text, as stored: coded (each distinct value decoded once) or
    every value in full."""
    coded = column_codes(reader, fieldname)
    return segment_column(reader, fieldname) if coded is None else _CodedValues(*coded)


class _CodedValues:
    """A segment's coded column (`RefBytesColumn`): each document's value by its number among
    the distinct values."""

    def __init__(self, values: list[bytes], numbers: np.ndarray) -> None:
        self._values = [value.decode("utf-8") for value in values]
        self._numbers = numbers

    def __len__(self) -> int:
        return len(self._numbers)

    def take(self, indexes: list[int]) -> list[str]:
        """The values at `indexes`."""
        values = self._values
        numbers = self._numbers[np.asarray(indexes, dtype=np.int64)]
        return [values[number] for number in numbers.tolist()]


class _Builder:
    """The table's arrays from every chunk's id, which chunks are live, and the columns."""

    def __init__(
        self, documents: list[str], positions: np.ndarray, live: np.ndarray, columns: dict
    ) -> None:
        self.live = live
        self.columns = columns
        sizes = [len(column) for column in columns[CORPUS_KEY]]
        self.starts = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        self.documents = documents
        self.chunk_positions = positions
        # Each live document's first live chunk, whose columns give its values: the chunks
        # taken last to first, the first of a document's written last.
        docnums = np.flatnonzero(live)[::-1].tolist()
        self.first: dict[str, int] = dict(
            zip(map(documents.__getitem__, docnums), docnums, strict=True)
        )

    def values(self, name: str, docnums: list[int]) -> list[str]:
        """Column `name` of the chunks `docnums` (numbered over all segments), segment by
        segment: one search for the segments of all of them, one decoding pass per segment."""
        numbers = np.asarray(docnums, dtype=np.int64)
        segments = np.searchsorted(self.starts, numbers, side="right") - 1
        found: list[str] = [""] * len(numbers)
        for segment in np.unique(segments).tolist():
            where = np.flatnonzero(segments == segment)
            local = (numbers[where] - self.starts[segment]).tolist()
            values = self.columns[name][segment].take(local)
            for at, value in zip(where.tolist(), values, strict=True):
                found[at] = value
        return found

    def arrays(self, known_surnames: Mapping[str, float]) -> dict[str, np.ndarray]:
        corpus_keys = self.values(CORPUS_KEY, list(self.first.values()))
        keys = dict(zip(self.first, corpus_keys, strict=True))
        ids = sorted(self.first, key=lambda doc_id: (keys[doc_id], doc_id))
        ordinal = {doc_id: number for number, doc_id in enumerate(ids)}
        firsts = [self.first[doc_id] for doc_id in ids]
        values = {name: self.values(name, firsts) for name in DOCUMENT_COLUMNS}
        chunk_document = np.array(
            [ordinal.get(doc_id, MISSING) for doc_id in self.documents], dtype=np.int32
        )
        chunk_document[~self.live] = MISSING
        live = np.flatnonzero(chunk_document >= 0)
        chunk_order = live[np.lexsort((self.chunk_positions[live], chunk_document[live]))].astype(
            np.int64
        )
        chunk_starts = np.searchsorted(chunk_document[chunk_order], np.arange(len(ids) + 1))
        dates = values["date"]
        date_values, date_rank = np.unique(np.array(dates, dtype=object), return_inverse=True)
        arrays = {
            **encode_strings("ids", ids),
            "id_order": np.argsort(np.array([i.encode() for i in ids], dtype=object)).astype(
                np.int32
            ),
            "chunk_document": chunk_document,
            "chunk_position": self.chunk_positions,
            "chunk_order": chunk_order,
            "chunk_starts": chunk_starts.astype(np.int64),
            **encode_strings("date_values", date_values.tolist()),
            "date_rank": date_rank.astype(np.int32),
            "group_leaders": _group_leaders(values["question_key"]),
            **_references(values["question_number"], dates),
        }
        for name, several, column in self._facet_values(values):
            arrays.update(_coded(name, column, several))
        for column in PEOPLE_COLUMNS:
            people = Strings.stored(arrays, f"{column}.labels").tolist()
            arrays[f"{column}.{SURNAME_WORD_ZIPF}"] = surname_frequencies(people, known_surnames)
        return arrays

    @staticmethod
    def _facet_values(values: dict[str, list[str]]):
        """Each facet's (and other coded column's) name, whether it holds several values, and
        every document's value."""
        years = [date[:4] for date in values["date"]]
        statuses = [ANSWERED if answered else UNANSWERED for answered in values["answered"]]
        shown = [
            shown_minister(person, label, title)
            for person, label, title in zip(
                values["minister"],
                values["minister_label"],
                values["minister_title"],
                strict=True,
            )
        ]
        yield "lid", False, values[PEOPLE_SOURCES["lid"]]
        yield "partij", False, values["party"]
        yield "minister", False, shown
        yield "thema", True, values["themes"]
        yield "bron", False, values["source"]
        yield "jaar", False, years
        yield "status", False, statuses
        yield MINISTER_NAMES, False, values[PEOPLE_SOURCES[MINISTER_NAMES]]
        yield MINISTER_TITLES, False, values["minister_title"]


def _coded(name: str, values: list[str], several: bool) -> dict[str, np.ndarray]:
    """A column's values as codes (a list column: each document's codes in a run), with each
    code's label: the first spelling met of its key."""
    codes: dict[str, int] = {}
    labels: list[str] = []

    def code(value: str) -> int:
        key = value_key(value)
        if key not in codes:
            codes[key] = len(labels)
            labels.append(value)
        return codes[key]

    # Each distinct value is coded once, in the order first met, which gives the codes and
    # labels that coding every document's value in order gives.
    distinct = {value: number for number, value in enumerate(dict.fromkeys(values))}
    which = np.fromiter(map(distinct.__getitem__, values), dtype=np.int64, count=len(values))
    if several:
        lists = [[code(part) for part in split(value)] for value in distinct]
        list_starts = np.cumsum([0, *map(len, lists)], dtype=np.int64)
        sizes = np.diff(list_starts)[which]
        listed = np.array([c for codes_ in lists for c in codes_], dtype=np.int32)
        arrays = {
            f"{name}.codes": listed[gathered_runs(list_starts[which], sizes)],
            f"{name}.starts": np.cumsum([0, *sizes.tolist()], dtype=np.int64),
        }
    else:
        coded = [code(value) if value else MISSING for value in distinct]
        arrays = {f"{name}.codes": np.array(coded, dtype=np.int32)[which]}
    return {**arrays, **encode_strings(f"{name}.labels", labels)}


def surname_frequencies(people: list[str], known: Mapping[str, float]) -> np.ndarray:
    """For each person, how common their surname is as a Dutch word when it is one word: the
    lexicon's Zipf frequency of a word that simplemma's Dutch data knows (the lexicon counts
    names too: "peeters", "michel"), else 0. It decides whether the surname names the person
    alone (`search.engine.query.names`). The lexicon and simplemma are loaded only for a person
    `known` lacks."""
    frequencies = np.zeros(len(people), dtype=np.float32)
    lexicon = None
    for number, person in enumerate(people):
        if person in known:
            frequencies[number] = known[person]
            continue
        surname = surname_words(person)
        if len(surname) == 1 and is_dutch_word(surname[0]):
            lexicon = lexicon if lexicon is not None else dutch_lexicon()
            frequencies[number] = lexicon.get(surname[0], 0.0)
    return frequencies


def _group_leaders(question_keys: list[str]) -> np.ndarray:
    """Each document's group, named by the first copy of its question (itself when alone)."""
    first: dict[str, int] = {}
    leaders = np.arange(len(question_keys), dtype=np.int32)
    for ordinal, key in enumerate(question_keys):
        if key:
            leaders[ordinal] = first.setdefault(key, ordinal)
    return leaders


def _references(numbers: list[str], dates: list[str]) -> dict[str, np.ndarray]:
    """The documents by the way others cite them ("<number>/<date>"): sorted keys, and each
    key's document (the last with that key)."""
    by_key = {}
    for ordinal, (number, date) in enumerate(zip(numbers, dates, strict=True)):
        key = reference_key(number, _date(date))
        if key:
            by_key[key] = ordinal
    keys = sorted(by_key, key=lambda key: key.encode("utf-8"))
    return {
        **encode_strings("references", keys, ordered=True),
        "reference_ordinals": np.array([by_key[key] for key in keys], dtype=np.int32),
    }


def _date(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


# Reading -------------------------------------------------------------------------------------


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
class Column:
    """One column's values: a code per document (several for a list), and each code's label."""

    labels: list[str]
    # The code of each document's value; for a list column, each document's codes are
    # codes[starts[ordinal]:starts[ordinal + 1]].
    codes: np.ndarray
    starts: np.ndarray | None = None
    keys: dict[str, int] = field(init=False)

    def __post_init__(self) -> None:
        self.keys = {value_key(label): code for code, label in enumerate(self.labels)}

    @cached_property
    def label_ranks(self) -> np.ndarray:
        """Each code's place among the labels in their order as strings."""
        ranks = np.zeros(len(self.labels), dtype=np.int64)
        ranks[sorted(range(len(self.labels)), key=self.labels.__getitem__)] = np.arange(
            len(self.labels)
        )
        return ranks

    @cached_property
    def label_words(self) -> list[tuple[str, ...]]:
        """The words of each value, as the unstemmed form indexes them."""
        return [tuple(exact_words(label)) for label in self.labels]

    def code_of(self, value: str) -> int | None:
        """The code of a value (case and accents aside), or None when no document has it."""
        return self.keys.get(value_key(value))

    def mask(self, codes: Iterable[int]) -> np.ndarray:
        """A mask over documents: those having any of `codes`."""
        wanted = np.zeros(len(self.labels) + 1, dtype=bool)
        wanted[[code + 1 for code in codes]] = True
        held = wanted[self.codes.astype(np.int64) + 1]
        if self.starts is None:
            return held
        per_document = np.zeros(len(self.starts) - 1, dtype=bool)
        owners = np.repeat(np.arange(len(self.starts) - 1), np.diff(self.starts))
        per_document[owners[held]] = True
        return per_document


class DocumentTable:
    """Values of every document of one index generation, by document ordinal."""

    def __init__(self, arrays: Mapping[str, np.ndarray]) -> None:
        self._arrays = arrays
        self.ids = Strings.stored(arrays, "ids")
        self._id_order = arrays["id_order"]
        # A chunk deleted by `update` keeps its docnum until segments merge; it belongs to no
        # document here (ordinal -1), and searches never return it.
        self.chunk_document = arrays["chunk_document"]
        self.chunk_position = arrays["chunk_position"]
        self.live_chunks = self.chunk_document >= 0
        # The live chunks by document, each document's in their order in it: those of ordinal
        # o are chunk_order[chunk_starts[o] : chunk_starts[o + 1]].
        self.chunk_order = arrays["chunk_order"]
        self.chunk_starts = arrays["chunk_starts"]
        # Whether each document has a live chunk. Both masks are shared by every search, which
        # may use them as they are (no filter): read-only.
        self.live_documents = np.diff(self.chunk_starts) > 0
        self.live_chunks.flags.writeable = self.live_documents.flags.writeable = False
        # Each document's place in date order (ISO dates sort as text; "" first), and the
        # distinct dates in that order: a document's date is date_values[date_rank[ordinal]].
        self.date_values = Strings.stored(arrays, "date_values")
        self.date_rank = arrays["date_rank"]
        self.undated = self.date_rank == self.date_values.find("")
        # Each document's group, named by its first copy (itself when alone).
        self.group_leaders = arrays["group_leaders"]
        self._references = Strings.stored(arrays, "references")
        self.columns = {name: self._column(name) for name, _ in FACETS}
        # The person each document was put to (MISSING when the ministers table cannot tell),
        # and the minister's portfolio as the parliament writes it.
        self.minister_names = self._column(MINISTER_NAMES)
        self.minister_titles = self._column(MINISTER_TITLES)
        # How common each person's surname is as a Dutch word, by column of `PEOPLE_COLUMNS`
        # (see `surname_frequencies`); a table written before they were kept gets them now.
        self.surname_frequencies = {
            column: self._surname_frequencies(column) for column in PEOPLE_COLUMNS
        }

    @classmethod
    def open(cls, generation: Path) -> DocumentTable:
        """The table of a generation: its file, or, without one, computed from its columns."""
        return cls(mapped_or_computed(generation / TABLE_FILE, lambda: table_arrays(generation)))

    def _surname_frequencies(self, column: str) -> np.ndarray:
        kept = self._arrays.get(f"{column}.{SURNAME_WORD_ZIPF}")
        if kept is not None:
            return kept
        return surname_frequencies(Strings.stored(self._arrays, f"{column}.labels").tolist(), {})

    def _column(self, name: str) -> Column:
        labels = Strings.stored(self._arrays, f"{name}.labels")
        return Column(
            labels.tolist(), self._arrays[f"{name}.codes"], self._arrays.get(f"{name}.starts")
        )

    @cached_property
    def months(self) -> np.ndarray:
        """Each document's month as year * 12 + month - 1 (MISSING when undated)."""
        months = np.array([_month_number(date) for date in self.date_values], dtype=np.int64)
        return months[self.date_rank] if len(months) else np.zeros(0, dtype=np.int64)

    def ordinal_of(self, doc_id: str) -> int | None:
        """A document's ordinal, or None for an id the index does not hold."""
        key = doc_id.encode("utf-8")
        order = self._id_order
        place = bisect.bisect_left(order, key, key=lambda ordinal: self.ids.bytes_at(ordinal))
        if place < len(order) and self.ids.bytes_at(int(order[place])) == key:
            return int(order[place])
        return None

    def referenced(self, key: str) -> int | None:
        """The document that others cite as `key` ("<number>/<date>"), or None."""
        index = self._references.find(key)
        return None if index < 0 else int(self._arrays["reference_ordinals"][index])

    def numbered(self, number: str) -> list[int]:
        """The documents that others cite by the question number `number` (whatever their
        date), in the order of their keys."""
        found = self._references.prefixed(f"{number}/".encode())
        return self._arrays["reference_ordinals"][found.start : found.stop].tolist()

    def facets(self, ordinals: np.ndarray, selected: Mapping[str, Sequence[str]]) -> list[Facet]:
        """The facets of a result set; values named in `selected` (filter name -> values) are
        listed and marked."""
        return [self._facet(name, ordinals, selected.get(name, ())) for name, _ in FACETS]

    def facet(
        self,
        name: str,
        ordinals: np.ndarray,
        selected: Sequence[str] = (),
        limit: int | None = FACET_LIMIT,
    ) -> Facet:
        """One facet of a result set, its `limit` most frequent values (None: all of them)."""
        return self._facet(name, ordinals, selected, limit)

    def value_mask(self, name: str, value: str) -> np.ndarray:
        """A mask over documents: those whose value of the facet `name` is `value` (case and
        accents aside)."""
        column = self.columns[name]
        code = column.code_of(value)
        return column.mask([] if code is None else [code])

    def value_counts(self, column: Column, ordinals: np.ndarray) -> dict[str, int]:
        """How many of the documents `ordinals` have each value of a column ("": no value)."""
        counts = _value_counts(column, np.asarray(ordinals, dtype=np.int64))
        return {"" if code == MISSING else column.labels[code]: n for code, n in counts.items()}

    def chunks(self, ordinal: int) -> list[int]:
        """The docnums of a document's live chunks, in their order in the document."""
        return self.chunk_order[
            self.chunk_starts[ordinal] : self.chunk_starts[ordinal + 1]
        ].tolist()

    def asked_by(self, members: Sequence[str]) -> np.ndarray:
        """A mask over documents: those asked by one of `members` (values of the member
        column, case and accents aside)."""
        return _having(self.columns["lid"], members)

    def put_to(self, ministers: Sequence[str]) -> np.ndarray:
        """A mask over documents: those put to one of `ministers` (persons, as the ministers
        table names them; case and accents aside)."""
        return _having(self.minister_names, ministers)

    def copies(self, ordinal: int, matched: Iterable[int] = ()) -> list[Copy]:
        """The other documents of this document's grouped question (none for most)."""
        matched = set(matched)
        ministers = self.columns["minister"]
        return [
            Copy(
                id=self.ids[other],
                minister=self._label(ministers, other),
                answered=self._label(self.columns["status"], other) == ANSWERED,
                matched=other in matched,
            )
            for other in self.group(ordinal)
            if other != ordinal
        ]

    def group(self, ordinal: int) -> list[int]:
        """The documents of this document's grouped question, itself included, in order."""
        leader = self.group_leaders[ordinal]
        return np.flatnonzero(self.group_leaders == leader).tolist()

    def _label(self, column: Column, ordinal: int) -> str:
        code = column.codes[ordinal]
        return "" if code == MISSING else column.labels[code]

    def _facet(
        self,
        name: str,
        ordinals: np.ndarray,
        selected: Sequence[str],
        limit: int | None = FACET_LIMIT,
    ) -> Facet:
        column = self.columns[name]
        counted = _code_counts(column, np.asarray(ordinals, dtype=np.int64))
        missing, counts = int(counted[0]), counted[1:]
        chosen = {column.code_of(value) for value in selected}
        # The values held, most frequent first, then by label.
        present = np.flatnonzero(counts)
        ranked = present[np.lexsort((column.label_ranks[present], -counts[present]))]
        shown = ranked[:limit].tolist()
        if limit is not None and chosen:
            # A selected value beyond the limit is shown too, in its place in that order.
            beyond = ranked[limit:]
            shown += beyond[np.isin(beyond, [code for code in chosen if code is not None])].tolist()
        values = [
            FacetValue(
                value=column.labels[code],
                label=_facet_label(name, column.labels[code]),
                count=int(counts[code]),
                selected=code in chosen,
            )
            for code in shown
        ]
        other = int(counts.sum()) - sum(value.count for value in values)
        return Facet(name, values, other, missing)


def _having(column: Column, values: Sequence[str]) -> np.ndarray:
    """A mask over documents: those with one of `values` in `column` (case and accents aside)."""
    codes = [column.code_of(value) for value in values]
    return column.mask(code for code in codes if code is not None)


def _value_counts(column: Column, ordinals: np.ndarray) -> dict[int, int]:
    """How many times each code occurs among the documents `ordinals` (MISSING: documents
    without a value), only codes that occur."""
    counts = _code_counts(column, ordinals)
    present = np.flatnonzero(counts)
    return dict(zip((present - 1).tolist(), counts[present].tolist(), strict=True))


def _code_counts(column: Column, ordinals: np.ndarray) -> np.ndarray:
    """How many times each code occurs among the documents `ordinals`, at the code's number
    plus one (first: documents without a value)."""
    if column.starts is None:
        codes = column.codes[ordinals]
    else:
        starts, ends = column.starts[ordinals], column.starts[ordinals + 1]
        sizes = ends - starts
        codes = column.codes[gathered_runs(starts, sizes)]
        codes = np.concatenate([codes, np.full(int((sizes == 0).sum()), MISSING, np.int32)])
    return np.bincount(codes.astype(np.int64) + 1, minlength=len(column.labels) + 1)


def _month_number(date: str) -> int:
    """ "2017-03-14" -> 2017 * 12 + 2; MISSING for no date."""
    return int(date[:4]) * 12 + int(date[5:7]) - 1 if date else MISSING


def _facet_label(name: str, value: str) -> str:
    return source_name(value) if name == "bron" else value
