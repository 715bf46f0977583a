"""The Whoosh schema: one indexed record per chunk, carrying its document's metadata."""

from __future__ import annotations

from whoosh.analysis import (
    CharsetFilter,
    Composable,
    IDTokenizer,
    LowercaseFilter,
    RegexTokenizer,
    StripFilter,
)
from whoosh.fields import BOOLEAN, ID, STORED, TEXT, Schema
from whoosh.support.charset import accent_map

from search.analysis import dutch_analyzer, exact_analyzer

# The ranked text fields; each has an unstemmed twin "<name>_exact" for phrases and prefixes.
TEXT_FIELDS = ("title", "question", "answer")
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
        # A word the analyzer splits ("e-sigaret", "storing.Trein") is searched as a phrase.
        fields[name] = TEXT(analyzer=stemmed, stored=True, multitoken_query="phrase")
        fields[exact_field(name)] = TEXT(analyzer=exact, multitoken_query="phrase")
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
