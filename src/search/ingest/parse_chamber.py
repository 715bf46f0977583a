"""Belgian federal Chamber written questions and answers, one JSON object a line (`.jsonl[.gz]`)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from search.errors import ParlsearchError
from search.ingest.document import Document
from search.ingest.ministers import find_office
from search.ingest.numbering import split_numbered

# Ids are a few digits; a longer one is not an id, and would only lengthen every link.
MAX_ID_LENGTH = 100


class RecordError(ParlsearchError, ValueError):
    """A Chamber record lacks a field the search needs, or holds a value of the wrong kind."""


def parse_chamber_record(record: Mapping, origin: str = "") -> Document:
    """Turn one Chamber record (fields as in data.dekamer.be's export) into a `Document`."""
    doc_id = record.get("doc_id")
    text = record.get("question")
    if not isinstance(doc_id, int | str) or not str(doc_id).strip():
        raise RecordError("geen doc_id")
    if len(str(doc_id)) > MAX_ID_LENGTH or not str(doc_id).isprintable():
        raise RecordError(f"doc_id langer dan {MAX_ID_LENGTH} tekens of met onzichtbare tekens")
    if not isinstance(text, str) or not text.strip():
        raise RecordError(f"record {doc_id}: geen vraagtekst")
    first_line, _, body = text.strip().partition("\n")
    answer = _text_field(record, "answer")
    question_intro, subquestions = split_numbered(body.strip())
    answer_intro, subanswers = split_numbered(answer)
    date = _date_field(record, "depotdat")
    portfolio = _text_field(record, "answer_department")
    office = find_office("dekamer", portfolio, date)
    return Document(
        id=f"dekamer-{doc_id}",
        source="dekamer",
        title=clean_title(first_line),
        date=date,
        member=display_member(_text_field(record, "aut_person")),
        party=_text_field(record, "aut_party"),
        minister=office.person if office else "",
        minister_title=portfolio,
        # The table's label, else the data's own short name of the portfolio.
        minister_label=office.label if office else _text_field(record, "answer_subdepartment"),
        themes=tuple(
            theme.strip()
            for theme in _text_field(record, "question_theme").split(",")
            if theme.strip()
        ),
        question=body.strip(),
        answer=answer,
        question_intro=question_intro,
        subquestions=subquestions,
        answer_intro=answer_intro,
        subanswers=subanswers,
        origin=origin,
    )


def clean_title(line: str) -> str:
    """Trim a title line: "Lijn X. - Technisch incident. " -> "Lijn X - Technisch incident"."""
    title = re.sub(r"\.\s+-\s+", " - ", " ".join(line.split()))
    return title.rstrip(" .-")


def display_member(name: str) -> str:
    """ "Burton, Emmanuel" -> "Emmanuel Burton"."""
    surname, comma, first_names = name.partition(",")
    return f"{first_names.strip()} {surname.strip()}" if comma else name.strip()


def _text_field(record: Mapping, key: str) -> str:
    value = record.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise RecordError(f"record {record.get('doc_id')}: {key} is geen tekst")
    return value.strip()


def _date_field(record: Mapping, key: str) -> dt.date | None:
    value = _text_field(record, key)
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError as error:
        raise RecordError(
            f"record {record.get('doc_id')}: {key} is not a date: {value!r}"
        ) from error
