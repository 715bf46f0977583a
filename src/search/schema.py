"""The Whoosh schema: one indexed record per chunk, carrying its document's metadata."""

from __future__ import annotations

from whoosh.fields import BOOLEAN, ID, STORED, TEXT, Schema

from search.analysis import dutch_analyzer, exact_analyzer

# The ranked text fields; each has an unstemmed twin "<name>_exact" for phrases and prefixes.
TEXT_FIELDS = ("title", "question", "answer")
EXACT_SUFFIX = "_exact"


def exact_field(name: str) -> str:
    """The name of the unstemmed twin of a text field."""
    return name + EXACT_SUFFIX


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
    return Schema(**fields)
