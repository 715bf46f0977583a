"""Flemish Parliament written questions and answers, in the text layout of that parliament's PDFs.

Two layouts occur. With a header block::

    SCHRIFTELIJKE VRAAG / nr. 235 / van SUZY WOUTERS / datum: 11 januari 2024 /
    aan ZUHAL DEMIR / VLAAMS MINISTER VAN ... / subject line / question ...

and without it, where the text starts at the subject line and only the answer block
(``ANTWOORD`` / ``op vraag nr. 58 van 9 december 2019`` / ``van FILIP BRUSSELMANS``) gives the
number, date and member. In both, the minister's name and title in capitals stand just above
``ANTWOORD``.
"""

from __future__ import annotations

import datetime as dt
import re

from search.errors import ParlsearchError
from search.ingest.document import Document
from search.ingest.ministers import find_office
from search.ingest.numbering import split_numbered
from search.ingest.pdf_text import repair_pdf_text

DUTCH_MONTHS = {
    name: number
    for number, name in enumerate(
        [
            "januari",
            "februari",
            "maart",
            "april",
            "mei",
            "juni",
            "juli",
            "augustus",
            "september",
            "oktober",
            "november",
            "december",
        ],
        start=1,
    )
}

_MONTH_NAMES = {number: name for name, number in DUTCH_MONTHS.items()}
_ANSWER_HEADING = re.compile(r"^\s*ANTWOORD\s*$", re.MULTILINE)
_ANSWER_REFERENCE = re.compile(
    r"^\s*op vraag nr\.?\s*(?P<number>\d+)\s+van\s+(?P<date>\d{1,2}\s+\w+\s+\d{4})\s*$",
    re.IGNORECASE,
)
_QUESTION_HEADING = re.compile(r"^\s*SCHRIFTELIJKE\s+VRAAG\s*$", re.IGNORECASE)
_HEADER_NUMBER = re.compile(r"^\s*nr\.?\s*(?P<number>\d+)\s*$", re.IGNORECASE)
_HEADER_MEMBER = re.compile(r"^\s*van\s+(?P<name>.+?)\s*$")
_HEADER_DATE = re.compile(r"^\s*datum:?\s*(?P<date>\d{1,2}\s+\w+\s+\d{4})\s*$", re.IGNORECASE)
_HEADER_MINISTER = re.compile(r"^\s*aan\s+(?P<name>.+?)\s*$")
# Words kept in lower case inside a minister's title ("Vlaams minister van Omgeving en Energie").
_TITLE_LOWER_WORDS = frozenset(
    ["van", "de", "der", "het", "en", "voor", "in", "op", "met", "minister"]
)


class ParseError(ParlsearchError, ValueError):
    """The text is not a Flemish Parliament question-and-answer document."""


def parse_flemish_text(text: str, origin: str = "") -> Document:
    """Parse a Flemish Parliament question with its answer from text in the PDF layout."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    header, body_start = _read_header(lines)
    answer_at = _find_answer_heading(lines, body_start)
    if answer_at is None:
        raise ParseError("geen blok ANTWOORD gevonden")
    minister_start = _minister_block_start(lines, body_start, answer_at)
    reference = _read_answer_reference(lines, answer_at + 1)

    number = header.get("number") or reference.get("number")
    date = header.get("date") or reference.get("date")
    member = header.get("member") or reference.get("member")
    if not number or date is None or not member:
        raise ParseError("vraagnummer, datum of vraagsteller ontbreekt")

    minister_lines = [line.strip() for line in lines[minister_start:answer_at] if line.strip()]
    minister = header.get("minister") or (minister_lines[0] if minister_lines else "")
    minister_title = " ".join(minister_lines[1:]) or header.get("minister_title", "")

    subject, question_lines = _split_subject(lines[body_start:minister_start])
    question = repair_pdf_text("\n".join(question_lines))
    answer = repair_pdf_text("\n".join(lines[reference["end"] :]))
    question_intro, subquestions = split_numbered(question)
    answer_intro, subanswers = split_numbered(answer)
    minister_title = display_title(minister_title)
    # The document names its minister; the table gives the portfolio's short label.
    office = find_office("vlpar", minister_title, date)
    return Document(
        id=f"vlpar-{session_year(date)}-{number}",
        source="vlpar",
        title=subject,
        date=date,
        member=display_name(member),
        party="",
        minister=display_name(minister),
        minister_title=minister_title,
        minister_label=office.label if office else "",
        number=number,
        question=question,
        answer=answer,
        question_intro=question_intro,
        subquestions=subquestions,
        answer_intro=answer_intro,
        subanswers=subanswers,
        origin=origin,
    )


def session_year(date: dt.date) -> str:
    """The Flemish Parliament session of a date; sessions start on September's fourth Monday."""
    first = dt.date(date.year, 9, 1)
    fourth_monday = first + dt.timedelta(days=(7 - first.weekday()) % 7 + 21)
    start = date.year if date >= fourth_monday else date.year - 1
    return f"{start}-{start + 1}"


def parse_dutch_date(text: str) -> dt.date:
    """Parse "9 december 2019"."""
    day, month, year = text.split()
    try:
        return dt.date(int(year), DUTCH_MONTHS[month.lower()], int(day))
    except (KeyError, ValueError) as error:
        raise ParseError(f"geen Nederlandse datum: {text!r}") from error


def dutch_date(date: dt.date) -> str:
    """The date as Dutch text: 9 december 2019 -> "9 december 2019"."""
    return f"{date.day} {month_name(date.month)} {date.year}"


def month_name(month: int) -> str:
    """The Dutch name of a month (1-12): 3 -> "maart"."""
    return _MONTH_NAMES[month]


def display_name(capitals: str) -> str:
    """Show a name written in capitals as "Filip Brusselmans" (also "D'Haese", "Van Dijck-Smet")."""
    return re.sub(r"[^\W\d_]+", lambda m: m[0].capitalize(), " ".join(capitals.split()))


def display_title(capitals: str) -> str:
    """Show a minister's title written in capitals in normal case."""
    words = []
    for i, word in enumerate(" ".join(capitals.split()).split(" ")):
        bare = word.strip(",.").lower()
        if i > 0 and bare in _TITLE_LOWER_WORDS:
            words.append(word.lower())
        elif len(bare) <= 3 and bare.isalpha():
            words.append(word)  # acronyms such as ICT
        else:
            words.append(display_name(word))
    return " ".join(words)


def _read_header(lines: list[str]) -> tuple[dict, int]:
    """Read the optional header block; return its fields and the index of the subject line."""
    start = _first_nonblank(lines, 0)
    if start >= len(lines) or not _QUESTION_HEADING.match(lines[start]):
        return {}, start
    header: dict = {}
    i = start + 1
    patterns = [
        ("number", _HEADER_NUMBER),
        ("member", _HEADER_MEMBER),
        ("date", _HEADER_DATE),
        ("minister", _HEADER_MINISTER),
    ]
    for key, pattern in patterns:
        i = _first_nonblank(lines, i)
        match = pattern.match(lines[i]) if i < len(lines) else None
        if not match:
            raise ParseError(f"kopregel voor {key} niet begrepen: {lines[i : i + 1]}")
        value = match.group(1)
        header[key] = parse_dutch_date(value) if key == "date" else value
        i += 1
    title_lines = []
    i = _first_nonblank(lines, i)
    while i < len(lines) and _is_capitals(lines[i]):
        title_lines.append(lines[i].strip())
        i += 1
    header["minister_title"] = " ".join(title_lines)
    return header, _first_nonblank(lines, i)


def _find_answer_heading(lines: list[str], start: int) -> int | None:
    for i in range(start, len(lines)):
        if _ANSWER_HEADING.match(lines[i]):
            return i
    return None


def _minister_block_start(lines: list[str], body_start: int, answer_at: int) -> int:
    """The first line of the run of capitals (minister's name and title) just above ANTWOORD."""
    i = answer_at
    while i - 1 > body_start and (_is_capitals(lines[i - 1]) or not lines[i - 1].strip()):
        i -= 1
    return _first_nonblank(lines, i)


def _read_answer_reference(lines: list[str], start: int) -> dict:
    """Read "op vraag nr. 58 van 9 december 2019" and "van FILIP BRUSSELMANS" below ANTWOORD."""
    i = _first_nonblank(lines, start)
    match = _ANSWER_REFERENCE.match(lines[i]) if i < len(lines) else None
    if not match:
        raise ParseError("geen regel 'op vraag nr. ... van ...' onder ANTWOORD")
    reference: dict = {"number": match["number"], "date": parse_dutch_date(match["date"])}
    i = _first_nonblank(lines, i + 1)
    member = _HEADER_MEMBER.match(lines[i]) if i < len(lines) else None
    if member and _is_capitals(member["name"]):
        reference["member"] = member["name"]
        i += 1
    reference["end"] = i
    return reference


def _split_subject(lines: list[str]) -> tuple[str, list[str]]:
    """The subject is the first line, continued by lines that start in lower case."""
    i = _first_nonblank(lines, 0)
    if i >= len(lines):
        raise ParseError("geen onderwerpregel")
    subject = [lines[i].strip()]
    i += 1
    while i < len(lines) and lines[i][:1].islower():
        subject.append(lines[i].strip())
        i += 1
    return " ".join(" ".join(subject).split()), lines[i:]


def _first_nonblank(lines: list[str], start: int) -> int:
    while start < len(lines) and not lines[start].strip():
        start += 1
    return start


def _is_capitals(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)
