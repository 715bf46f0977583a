"""The Whoosh schema: one indexed record per chunk, carrying its document's metadata."""

from __future__ import annotations

from collections.abc import Iterable

from whoosh import query as wq
from whoosh.analysis import Token
from whoosh.fields import BOOLEAN, ID, STORED, TEXT, Schema

from search.analysis import JOINED, PART, WORD, dutch_analyzer, exact_analyzer

# The ranked text fields; each has an unstemmed twin "<name>_exact" for phrases and prefixes.
TEXT_FIELDS = ("title", "question", "answer")
EXACT_SUFFIX = "_exact"


def exact_field(name: str) -> str:
    """The name of the unstemmed twin of a text field."""
    return name + EXACT_SUFFIX


class RankedText(TEXT):
    """The stemmed text field, which builds each typed word's query from its analysed tokens.

    A compound matches as itself or by its parts: "overheidskantines" is the better of
    `overheidskantines` and `overheid OR kantin` (a disjunction max, so that a document with the
    compound, indexed with its parts too, does not count the word twice). Each part adds its
    own weight, so a document with both parts ranks above one with only the commoner part.
    A word the tokenizer splits ("storing.Trein") is a phrase; a hyphenated one
    ("burn-outpreventie") is the better of the phrase and its members written as one
    ("burnoutpreventie", itself a compound of "burnout" and "preventie").
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
    units: list[tuple[str, str, list[str]]] = []
    for token in tokens:
        role = getattr(token, "role", WORD)
        if role == PART and units:
            units[-1][2].append(token.text)
        else:
            units.append((role, token.text, []))
    words = [(text, parts) for role, text, parts in units if role == WORD]
    alternatives = [
        _word_or_parts(fieldname, text, parts, boost)
        for role, text, parts in units
        if role == JOINED
    ]
    if len(words) == 1:
        alternatives.insert(0, _word_or_parts(fieldname, *words[0], boost))
    elif words:
        alternatives.insert(0, WordPhrase(fieldname, [text for text, _ in words], boost=boost))
    if len(alternatives) <= 1:
        return alternatives[0] if alternatives else None
    return wq.DisjunctionMax(alternatives)


def _word_or_parts(fieldname: str, word: str, parts: list[str], boost: float) -> wq.Query:
    term = wq.Term(fieldname, word, boost=boost)
    parts = [part for part in dict.fromkeys(parts) if part != word]
    if not parts:
        return term
    parts_query = wq.Or([wq.Term(fieldname, part, boost=boost) for part in parts])
    return wq.DisjunctionMax([term, parts_query])


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
    }
    for name in TEXT_FIELDS:
        fields[name] = RankedText(analyzer=stemmed, stored=True)
        fields[exact_field(name)] = TEXT(analyzer=exact, multitoken_query="phrase")
    return Schema(**fields)
