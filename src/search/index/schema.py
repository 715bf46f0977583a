"""The Whoosh schema: one indexed record per chunk, carrying its document's metadata."""

from __future__ import annotations

from collections.abc import Iterable

from whoosh import query as wq
from whoosh.analysis import (
    CharsetFilter,
    Composable,
    IDTokenizer,
    LowercaseFilter,
    RegexTokenizer,
    StripFilter,
    Token,
)
from whoosh.fields import BOOLEAN, ID, STORED, TEXT, Schema
from whoosh.formats import Positions
from whoosh.support.charset import accent_map

from search.index.disjunction import DisjunctionMax
from search.index.near import PartsNear
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


def exact_field(name: str) -> str:
    """The name of the unstemmed twin of a text field."""
    return name + EXACT_SUFFIX


# Metadata that can be filtered on and counted in facets: member, party, minister, theme.
# "<name>_key" holds the whole value (themes: each theme), folded, for exact filters, with the
# value as shown in its column; "<name>_words" holds its words, for partial filters.
FACET_TEXT_FIELDS = ("member", "party", "minister", "theme")
# Single-valued facets stored as plain keys (their column holds the same value).
SOURCE_FIELD = "source_key"
YEAR_FIELD = "year"
STATUS_FIELD = "status"
# Which question a document is (member + normalised text): copies filed with several ministers
# share it. And "<number>/<date>", the way other documents cite a question.
QUESTION_KEY_FIELD = "question_key"
REFERENCE_FIELD = "reference"


def key_field(name: str) -> str:
    """The field holding the whole folded value(s) of a metadata field, for exact filters."""
    return name + "_key"


def words_field(name: str) -> str:
    """The field holding the words of a metadata field, for partial filters."""
    return name + "_words"


def value_key_analyzer() -> Composable:
    """A whole value as one lowercase, accent-folded key ("N-VA" -> "n-va")."""
    return IDTokenizer() | StripFilter() | LowercaseFilter() | CharsetFilter(accent_map)


def list_key_analyzer() -> Composable:
    """Comma-separated values, each one key ("NMBS,VERVOER PER SPOOR" -> "nmbs", ...)."""
    return RegexTokenizer(r"[^,]+") | StripFilter() | LowercaseFilter() | CharsetFilter(accent_map)


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


class DutchText(TEXT):
    """A text field indexed through `AnalyzedPositions`."""

    def __init__(self, analyzer, **kwargs) -> None:
        super().__init__(analyzer=analyzer, **kwargs)
        self.format = AnalyzedPositions(field_boost=self.format.field_boost)


class RankedText(DutchText):
    """The stemmed text field, which builds each typed word's query from its analysed tokens.

    A word matches a chunk in one of three ways (a disjunction max, so that a chunk matching
    more than one way counts the word once, by its best way): the word in any form (its stem),
    the word inside a compound ("kerncentrale" in "kerncentralesite": the marked term
    `~kerncentral`), or, for a compound, all its parts close together (`near.PartsNear`:
    "directeur van de gevangenis" for "gevangenisdirecteur"). One part alone never matches.
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


def word_forms_query(
    fieldname: str, terms: WordTerms, boost: float = 1.0, exact: bool = False
) -> wq.Query:
    """A word in any form, inside a compound, or (a compound) as its parts close together;
    with `exact`, a chunk that holds the word as typed scores `EXACT_BONUS` of that form's score
    in the unstemmed twin on top."""
    alternatives: list[wq.Query] = [
        wq.Term(fieldname, terms.stem, boost=boost),
        wq.Term(fieldname, PART_MARK + terms.stem, boost=boost),
    ]
    if terms.parts:
        parts = [[part, PART_MARK + part] for part in terms.parts]
        alternatives.append(PartsNear.of_terms(fieldname, parts, boost=boost))
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
        "chunk_id": ID(stored=True, unique=True),
        "doc_id": ID(stored=True, sortable=True),
        "position": STORED(),
        "kind": ID(stored=True),
        "number": STORED(),
        "last": STORED(),
        "source": ID(stored=True),
        "date": ID(stored=True, sortable=True),
        "member": STORED(),
        "party": STORED(),
        "minister": STORED(),
        "minister_title": STORED(),
        "themes": STORED(),
        "question_number": STORED(),
        "answered": BOOLEAN(stored=True),
        "origin": STORED(),
        # A fingerprint of the document's indexed content, for `update` (see indexing.py).
        "content_hash": STORED(),
    }
    for name in TEXT_FIELDS:
        fields[name] = RankedText(analyzer=stemmed, stored=True)
        fields[exact_field(name)] = DutchText(analyzer=exact, multitoken_query="phrase")
    fields.update(_filter_fields())
    return Schema(**fields)


def _filter_fields() -> dict:
    """The fields behind filters, facets, grouped questions and cross-references."""
    fields = {}
    for name in FACET_TEXT_FIELDS:
        keys = list_key_analyzer() if name == "theme" else value_key_analyzer()
        fields[key_field(name)] = TEXT(analyzer=keys, phrase=False, sortable=True)
        fields[words_field(name)] = TEXT(analyzer=exact_analyzer(), phrase=False)
    for name in (SOURCE_FIELD, YEAR_FIELD, STATUS_FIELD, QUESTION_KEY_FIELD, REFERENCE_FIELD):
        fields[name] = ID(sortable=True)
    return fields
