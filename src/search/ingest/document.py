"""The `Document` every parser produces, and the numbered parts inside it."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property

SOURCE_NAMES = {
    "vlpar": "Vlaams Parlement",
    "dekamer": "Kamer van volksvertegenwoordigers",
}
# A document's status as the `status` filter names it.
ANSWERED = "beantwoord"
UNANSWERED = "onbeantwoord"


@functools.cache
def _combining_marks() -> dict[int, None]:
    """Every combining character (what NFKD splits off accents), mapped to nothing: a table
    for `str.translate`, which drops them in one pass instead of a test per character."""
    return {code: None for code in range(sys.maxunicode + 1) if unicodedata.combining(chr(code))}


def number_label(number: int, last: int) -> str:
    """A sub-question number as users see it: "3", "1-2" for a range, "" for none."""
    if not number:
        return ""
    return str(number) if last <= number else f"{number}-{last}"


def shown_minister(person: str, label: str, title: str = "") -> str:
    """A minister as shown: the person with the portfolio's label, else the portfolio alone."""
    if person and label:
        return f"{person} — {label}"
    return person or label or title


def source_name(source: str) -> str:
    """A source's parliament, named in Dutch."""
    return SOURCE_NAMES.get(source, source)


@dataclass(frozen=True)
class NumberedPart:
    """One numbered sub-question or sub-answer ("1.", "2.", ...) with its text."""

    number: int
    text: str
    last: int = 0

    def __post_init__(self) -> None:
        if self.last < self.number:
            object.__setattr__(self, "last", self.number)

    @property
    def numbers(self) -> range:
        """The sub-question numbers this part covers (one, or a range such as 1 to 2)."""
        return range(self.number, self.last + 1)

    @property
    def label(self) -> str:
        """The number as shown to users: "3", or "1-2" for a part covering several."""
        return number_label(self.number, self.last)


@dataclass(frozen=True)
class Document:
    """A written question with (when answered) the minister's answer."""

    id: str
    source: str
    title: str
    date: dt.date | None
    member: str
    party: str
    minister: str
    question: str
    answer: str
    number: str = ""
    # The minister's portfolio as the parliament writes it, and a short label for it (see
    # `search.ingest.ministers`); `minister` is the person, "" when it cannot be told.
    minister_title: str = ""
    minister_label: str = ""
    themes: tuple[str, ...] = ()
    question_intro: str = ""
    subquestions: tuple[NumberedPart, ...] = ()
    answer_intro: str = ""
    subanswers: tuple[NumberedPart, ...] = ()
    origin: str = field(default="", compare=False)

    @property
    def answered(self) -> bool:
        """Whether the minister's answer is present."""
        return bool(self.answer.strip())

    @property
    def source_name(self) -> str:
        """The parliament's name, in Dutch."""
        return source_name(self.source)

    @property
    def minister_shown(self) -> str:
        """The minister as pages show and facets count it: "Jan Jambon — Veiligheid en
        Binnenlandse Zaken", or the portfolio alone when the person is not known."""
        return shown_minister(self.minister, self.minister_label, self.minister_title)

    @property
    def status(self) -> str:
        """ "beantwoord" or "onbeantwoord"."""
        return ANSWERED if self.answered else UNANSWERED

    @cached_property
    def question_key(self) -> str:
        """Which question this is: the same for copies of one text filed with several ministers.

        Built from the member and the words of the title and question, case and accents folded,
        so copies that differ only in spacing, punctuation or diacritics still group.
        """
        text = unicodedata.normalize("NFKD", f"{self.member}\n{self.title}\n{self.question}")
        folded = text.translate(_combining_marks()).casefold()
        words = " ".join(re.findall(r"[^\W_]+", folded))
        return hashlib.sha1(words.encode("utf-8")).hexdigest()[:20]
