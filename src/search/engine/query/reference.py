"""A query that is a reference to a document: its id, its number, or a citation as our pages
print it. The document it names comes first.

Researchers paste what they have: a document's id (`dekamer-190665`, `vlpar-2023-2024-235`, a
Chamber record's number alone, `190665`, or its address at data.dekamer.be), a Flemish question's
number with or without its session or date (`nr. 235`, `vraag 235 2023-2024`, "vraag nr. 58 van
9 december 2019"), or what a document page shows: its permalink, its official reference
("Schriftelijke vraag nr. 58 van 9 december 2019 (zitting 2019-2020)", "Schriftelijke vraag van
2 mei 2017, record 190137 van data.dekamer.be") or its citation ("Filip Brusselmans aan Jan
Jambon, schriftelijke vraag nr. 58, Vlaams Parlement, 9 december 2019."), as
`search.engine.citation` writes them. The words of such a query seldom stand in the document, so
a query that is one of these forms as a whole (`cited_documents`) also matches the documents it
names, which score `CITED_SCORE` more than anything else (`Cited`); the documents its words
match still follow. A number alone names the Chamber record with that number and every Flemish
question of that number; a reference inside a longer text is a mention, searched as words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import unquote

import numpy as np

from search.engine.citation import CHAMBER_PREFIX
from search.engine.query.clause import Node
from search.engine.query.documents import DocumentScoring, Matched, or_documents
from search.engine.query.matching import QueryWord
from search.index.arrays.document_table import DocumentTable
from search.index.arrays.postings import Postings
from search.ingest.parse_flemish import DUTCH_MONTHS, session_year
from search.ingest.references import reference_key, written_date

# What naming a document adds to its score: more than words and names can, so that it comes
# first.
CITED_SCORE = 1_000_000.0
FLEMISH_PREFIX = "vlpar-"

_DATE = r"(?P<day>\d{1,2})\s+(?P<month>" + "|".join(DUTCH_MONTHS) + r")\s+(?P<year>\d{4})"
_SESSION = r"\(?(?:zitting\s+)?(?P<session>\d{4}-\d{4})\)?"
_NUMBER = r"(?:nr\.?|nummer|n°|no\.?)\s*(?P<number>\d{1,6})"
_RECORD = r"(?P<record>[0-9][\w-]*)"
# The forms a whole query may take, each read case-insensitively, its spaces collapsed and a
# final full stop dropped.
_FORMS = [
    re.compile(form, re.IGNORECASE)
    for form in (
        # A permalink of a document page, or a Chamber record's address at data.dekamer.be.
        r"(?:(?:https?://)?[^\s/]+)?(?:/[^\s/]+)*?/documents/(?P<id>[^\s?#]+)(?:[?#]\S*)?",
        r"(?:https?://)?data\.dekamer\.be/v0/qrva/" + _RECORD,
        # A document's id, a Chamber record's number, or a number alone: a Chamber record's
        # and a Flemish question's.
        r"(?P<id>(?:dekamer|vlpar)-\w[\w-]*)",
        r"(?:record\s+)?" + _RECORD,
        r"(?P<record>(?P<number>\d{1,6}))",
        # A Flemish question's number, with its date or session (as the official reference).
        r"(?:schriftelijke\s+)?(?:vraag\s+)?" + _NUMBER + rf"(?:\s+van\s+{_DATE})?"
        rf"(?:\s*,?\s*{_SESSION})?",
        rf"(?:schriftelijke\s+)?vraag\s+(?P<number>\d{{1,6}})(?:\s+van\s+{_DATE})?"
        rf"(?:\s*,?\s*{_SESSION})?",
        rf"(?P<number>\d{{1,6}})\s*,?\s*{_SESSION}",
        # The Chamber's official reference, and the citations of both parliaments.
        rf"schriftelijke\s+vraag(?:\s+van\s+{_DATE})?\s*,?\s*record\s+{_RECORD}"
        r"(?:\s+van\s+data\.dekamer\.be)?",
        rf".+?\s+aan\s+.+?,\s*schriftelijke\s+vraag\s+\(record\s+{_RECORD}\)\s*,"
        rf"\s*kamer\s+van\s+volksvertegenwoordigers(?:\s*,\s*{_DATE})?",
        rf".+?\s+aan\s+.+?,\s*schriftelijke\s+vraag\s+{_NUMBER}\s*,\s*vlaams\s+parlement"
        rf"(?:\s*,\s*{_DATE})?",
    )
]


@dataclass(frozen=True)
class Cited(Node):
    """The documents a reference names (`ordinals`), or those matching the query's `text`."""

    ordinals: tuple[int, ...]
    text: Node

    def evaluate(self, scoring: DocumentScoring, counted: bool = True) -> Matched:
        """The documents the words match, and the documents named, which score `CITED_SCORE`
        more."""
        named = np.zeros(scoring.documents, dtype=bool)
        named[list(self.ordinals)] = True
        return or_documents(self.text.evaluate(scoring, counted), named, CITED_SCORE)

    def costs(self, postings: Postings, check: Callable[[], None]) -> Iterator[int]:
        """What its words cost."""
        yield from self.text.costs(postings, check)

    def typed_words(self) -> Iterator[QueryWord | None]:
        """The words of the text."""
        yield from self.text.typed_words()


def cited_documents(text: str, table: DocumentTable) -> tuple[int, ...]:
    """The ordinals of the documents a query names when it is, as a whole, a reference to them
    (see the module docstring), in their order in the table; () for any other query."""
    query = " ".join(text.split()).removesuffix(".")
    found: set[int] = set()
    for form in _FORMS:
        match = form.fullmatch(query)
        if match is not None:
            found.update(_named(match.groupdict(), table))
    return tuple(sorted(found))


def _named(groups: dict[str, str | None], table: DocumentTable) -> Iterator[int]:
    """The documents one reading of a query names."""
    ids = []
    if groups.get("id"):
        ids.append(_document_id(unquote(groups["id"])))
    if groups.get("record"):
        ids.append(CHAMBER_PREFIX + groups["record"])
    number = groups.get("number")
    date = written_date(groups)
    if number:
        sessions = [groups["session"]] if groups.get("session") else []
        if date is not None:
            sessions.append(session_year(date))
            keyed = table.referenced(reference_key(number, date))
            if keyed is not None:
                yield keyed
        ids += [f"{FLEMISH_PREFIX}{session}-{int(number)}" for session in sessions]
        if not sessions:
            yield from table.numbered(str(int(number)))
    for doc_id in ids:
        ordinal = table.ordinal_of(doc_id)
        if ordinal is not None:
            yield ordinal


def _document_id(written: str) -> str:
    """A document id as written: its parliament's prefix in lower case, the rest as is."""
    prefix, dash, rest = written.partition("-")
    return f"{prefix.lower()}{dash}{rest}" if prefix.lower() in ("dekamer", "vlpar") else written
