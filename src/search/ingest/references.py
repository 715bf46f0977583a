"""Cross-references between written questions: "(schriftelijke) vraag nr. 1263 van 26 juli 2021".

A mention names a question by its number and, usually, the date it was filed. Indexed documents
carry the same `reference_key`, so a mention can be resolved to the document it cites.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

from search.ingest.parse_flemish import DUTCH_MONTHS, dutch_date

_MENTION = re.compile(
    r"\b(?:schriftelijke\s+)?vraag\s+(?:nr\.?|nummer)\s*(?P<number>\d{1,6})\b"
    r"(?:\s+van\s+(?P<day>\d{1,2})\s+(?P<month>"
    + "|".join(DUTCH_MONTHS)
    + r")\s+(?P<year>\d{4})\b)?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Reference:
    """A mention of a written question in a text: where it is, the number, the date if given."""

    start: int
    end: int
    number: str
    date: dt.date | None

    @property
    def key(self) -> str:
        """The `reference_key` of the cited document ("" without a date: not resolvable)."""
        return reference_key(self.number, self.date)

    @property
    def search_text(self) -> str:
        """A query for documents citing the same question."""
        if self.date is None:
            return f'"vraag nr. {self.number}"'
        return f'"nr. {self.number} van {dutch_date(self.date)}"'


def reference_key(number: str, date: dt.date | None) -> str:
    """How a document is cited: "<number>/<ISO date>", or "" when either is unknown."""
    if not number or date is None:
        return ""
    return f"{int(number)}/{date.isoformat()}"


def find_references(text: str) -> list[Reference]:
    """The mentions of written questions in `text`, in order."""
    references = []
    for match in _MENTION.finditer(text):
        references.append(
            Reference(match.start(), match.end(), match["number"], written_date(match.groupdict()))
        )
    return references


def written_date(groups: Mapping[str, str | None]) -> dt.date | None:
    """The date a mention gives in its groups `day`, `month` (a Dutch month's name) and `year`;
    None without one, or for one that does not exist."""
    if not groups.get("year"):
        return None
    try:
        month = DUTCH_MONTHS[groups["month"].lower()]
        return dt.date(int(groups["year"]), month, int(groups["day"]))
    except ValueError:
        return None
