"""The Whoosh schema: one indexed record per chunk, with its document's values in columns, and
the query a typed word becomes on the stemmed field (`RankedText`), built of the query classes
of this package: a compound's parts in a phrase (`near`) and the best of a word's ways to
match (`disjunction`).

The schema itself is in this `__init__`, not in a module of the package: Whoosh pickles its
classes into every index's table of contents by their module path, `search.index.schema`, and an
index whose classes are gone must be rebuilt.

May import: `search.text` and `search.index.format`.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

from whoosh import query as wq
from whoosh.analysis import Token
from whoosh.columns import RefBytesColumn, VarBytesColumn
from whoosh.fields import ID, STORED, TEXT, FieldType, Schema
from whoosh.formats import Positions
from whoosh.util.varints import varint

from search.index.schema.disjunction import DisjunctionMax
from search.index.schema.near import PartsNear
from search.text.analysis import (
    JOINED,
    PART_MARK,
    WORD,
    WordTerms,
    dutch_analyzer,
    exact_analyzer,
)

# The ranked text fields; each has an unstemmed twin "<name>_exact" for phrases and prefixes.
TEXT_FIELDS = ("title", "question", "answer")
# How much a word as typed counts on top of its forms (a share of its score in the unstemmed
# twin field): a document with "elektronische" ranks above one with only "elektronisch" for
# the query `elektronische`, as search engines rank an exact match above a stemmed one.
EXACT_BONUS = 0.25
EXACT_SUFFIX = "_exact"
# A typed compound's doer or comparative (`doer_stems`).
DOER_SUFFIX = "er"


def exact_field(name: str) -> str:
    """The name of the unstemmed twin of a text field."""
    return name + EXACT_SUFFIX


# A document's values, stored with each of its chunks and kept in columns (never indexed): the
# per-document tables that filters, facets, sorting and grouping read are made from them
# (`search.index.arrays.document_table`). Themes are held joined by commas, "answered" as "1" or "".
DOCUMENT_COLUMNS = (
    "source",
    "date",
    "member",
    "party",
    "minister",
    "minister_title",
    "minister_label",
    "themes",
    "question_number",
    "answered",
    # Which question a document is (member + normalised text): copies filed with several
    # ministers share it.
    "question_key",
)
# The document columns of few distinct values, kept coded (`TextColumn`): a segment holds at
# most 65,536 distinct values of each (writing more is an error), and these hold a few
# thousand at most (the members, the ministers and their portfolios, the days of a few
# decades). Not the themes, numbers and keys, which may differ in every document.
CODED_COLUMNS = frozenset(DOCUMENT_COLUMNS) - {"themes", "question_number", "question_key"}
# Where the document stands in the corpus (its file, then its place in the file), in a column
# only: the order that breaks ties between equal scores, whichever process indexed it.
CORPUS_KEY = "corpus_key"
# The hyphenated words of a chunk's texts written as one ("burnout"), in a column only: with
# the words of the unstemmed fields they make the generation's vocabulary
# (`search.index.arrays.vocabulary`).
JOINED_WORDS = "joined_words"


class TextColumn(FieldType):
    """A value kept in a column of text (and stored, unless `stored` is false), not indexed;
    with `coded`, a column of few distinct values, each kept once per segment (Whoosh's
    `RefBytesColumn`: a chunk holds its value's number, in a byte or two)."""

    indexed = False
    scorable = False

    def __init__(self, stored: bool = True, coded: bool = False) -> None:
        self.stored = stored
        self.column_type = RefBytesColumn() if coded else VarBytesColumn()

    def to_column_value(self, value) -> bytes:
        if isinstance(value, list | tuple):
            value = ",".join(value)
        elif isinstance(value, bool):
            value = "1" if value else ""
        return str(value).encode("utf-8")

    def from_column_value(self, value: bytes) -> str:
        return value.decode("utf-8")


class AnalyzedPositions(Positions):
    """Whoosh's positions format, reading a text's words and positions in one call from an
    analyzer that offers `word_positions` (ours do) instead of token by token: the same
    postings, several times faster to index."""

    def word_values(self, value, analyzer, **kwargs):
        if kwargs.get("mode") != "index" or not hasattr(analyzer, "word_positions"):
            yield from super().word_values(value, analyzer, **kwargs)
            return
        boost = self.field_boost
        for word, positions in analyzer.word_positions(value).items():
            yield word, len(positions), float(len(positions)) * boost, self.encode(positions)


class PackedPositions(AnalyzedPositions):
    """`AnalyzedPositions` whose postings' values are packed: a posting's number of positions,
    then the gaps between them (the first from 0), each a varint (Whoosh's: 7 bits a byte, the
    lowest first, the top bit set on all but the last byte), where Whoosh's `Positions` writes a
    4-byte count and a pickled list (2 bytes a position, 16 more a posting). Whoosh reads them
    through this format's `decode_positions`, as it reads any format's; an index written before
    names `AnalyzedPositions` in its schema and is read as it was written."""

    def encode(self, poslist) -> bytes:
        gaps = [varint(len(poslist))]
        before = 0
        for position in poslist:
            gaps.append(varint(position - before))
            before = position
        return b"".join(gaps)

    def decode_positions(self, valuestring: bytes) -> list[int]:
        return list(itertools.accumulate(_varints(valuestring)[1:]))

    def decode_frequency(self, valuestring: bytes) -> int:
        return _varints(valuestring, 1)[0]


def _varints(data: bytes, limit: int | None = None) -> list[int]:
    """The numbers of a run of varints (the first `limit` of them)."""
    numbers: list[int] = []
    value = shift = 0
    for byte in data:
        value |= (byte & 0x7F) << shift
        if byte & 0x80:
            shift += 7
            continue
        numbers.append(value)
        if len(numbers) == limit:
            break
        value = shift = 0
    return numbers


class DutchText(TEXT):
    """A text field indexed through `PackedPositions`."""

    def __init__(self, analyzer, **kwargs) -> None:
        super().__init__(analyzer=analyzer, **kwargs)
        self.format = PackedPositions(field_boost=self.format.field_boost)


class RankedText(DutchText):
    """The stemmed text field, which builds each typed word's query from its analysed tokens.

    A word matches a chunk in one of three ways (a disjunction max, so that a chunk matching
    more than one way counts the word once, by its best way): the word in any form (its stem),
    the word inside a compound ("kerncentrale" in "kerncentralesite": the marked term
    `~kerncentral`), or, for a compound, its parts as words of their own in a phrase that can
    carry its meaning (`near.PartsNear`: "directeur van de gevangenis" for
    "gevangenisdirecteur", "drugs gebruiken" for "drugsgebruik"). One part alone never
    matches.
    A word the tokenizer splits ("storing.Trein") is a phrase; a hyphenated one
    ("burn-outpreventie") is the better of the phrase and its members written as one
    ("burnoutpreventie").
    """

    def self_parsing(self) -> bool:
        return True

    def parse_query(self, fieldname: str, qstring: str, boost: float = 1.0) -> wq.Query | None:
        query = word_query(fieldname, self.analyzer(qstring, mode="query", positions=True), boost)
        for leaf in query.leaves() if query is not None else ():
            # What the user typed, for explaining why a document was found (`explain.py`).
            leaf.typed = qstring
        return query


class WordPhrase(wq.Phrase):
    """The phrase of a word's members ("storing.Trein"), keeping what was typed when the query
    is normalized."""

    def normalize(self) -> wq.Query:
        query = super().normalize()
        if hasattr(self, "typed"):
            query.typed = self.typed
        return query


def word_query(fieldname: str, tokens: Iterable[Token], boost: float = 1.0) -> wq.Query | None:
    """The query for one typed word from its tokens (see `RankedText`)."""
    units = [(token.role, token.terms) for token in tokens if token.role in (WORD, JOINED)]
    words = [terms for role, terms in units if role == WORD]
    alternatives = [
        word_forms_query(fieldname, terms, boost) for role, terms in units if role == JOINED
    ]
    if len(words) == 1:
        alternatives.insert(0, word_forms_query(fieldname, words[0], boost, exact=True))
    elif words:
        alternatives.insert(0, WordPhrase(fieldname, [terms.stem for terms in words], boost=boost))
    if len(alternatives) <= 1:
        return alternatives[0] if alternatives else None
    return DisjunctionMax(alternatives)


def doer_stems(terms: WordTerms) -> tuple[str, ...]:
    """The stems a typed compound also finds as forms of itself: the one who does what it names
    or its comparative, its stem with "er" ("drugsgebruik" -> "drugsgebruiker", for
    "drugsgebruikers"; "mantelzorg" -> "mantelzorger"; "milieuvriendelijk" ->
    "milieuvriendelijker"), which the analysis splits at another place ("drugs" + "gebruiker")."""
    return (terms.stem + DOER_SUFFIX,) if terms.parts else ()


def word_forms_query(
    fieldname: str, terms: WordTerms, boost: float = 1.0, exact: bool = False
) -> wq.Query:
    """A word in any form, inside a compound, or (a compound) as its parts in a phrase that
    can carry its meaning ("overlast door water": `near`); with `exact`, a chunk that holds the
    word as typed scores `EXACT_BONUS` of that form's score in the unstemmed twin on top."""
    alternatives: list[wq.Query] = [
        wq.Term(fieldname, term, boost=boost)
        for stem in (terms.stem, *doer_stems(terms))
        for term in (stem, PART_MARK + stem)
    ]
    if terms.parts:
        alternatives.append(
            PartsNear(fieldname, exact_field(fieldname), terms.parts, term_boost=boost)
        )
    forms = DisjunctionMax(alternatives)
    if not exact or not EXACT_BONUS:
        return forms
    return ExactBonus(
        [forms, wq.Term(exact_field(fieldname), terms.word, boost=boost * EXACT_BONUS)]
    )


class ExactBonus(wq.Or):
    """A word's forms, and the word as typed counting on top (it matches no more chunks: a
    chunk holding the typed form holds its stem)."""


def build_schema() -> Schema:
    """The schema of a Parlsearch index."""
    stemmed = dutch_analyzer()
    exact = exact_analyzer()
    fields = {
        # "<document id>#<position>", in a column too: which document each chunk is of, and
        # where in it, for the per-document tables.
        "chunk_id": ID(stored=True, unique=True, sortable=True),
        "doc_id": ID(stored=True),
        "position": STORED(),
        "kind": STORED(),
        "number": STORED(),
        "last": STORED(),
        "origin": STORED(),
        # A fingerprint of the document's indexed content, for `update` (see
        # `search.index.generations.update`).
        "content_hash": STORED(),
        **{name: TextColumn(coded=name in CODED_COLUMNS) for name in DOCUMENT_COLUMNS},
        CORPUS_KEY: TextColumn(stored=False),
        JOINED_WORDS: TextColumn(stored=False),
    }
    for name in TEXT_FIELDS:
        fields[name] = RankedText(analyzer=stemmed, stored=True)
        fields[exact_field(name)] = DutchText(analyzer=exact, multitoken_query="phrase")
    return Schema(**fields)
