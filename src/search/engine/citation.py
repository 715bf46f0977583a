"""How to cite a document: its official reference as the parliament writes it, and a citation.

The Flemish Parliament numbers written questions per session and cites them as "Schriftelijke
vraag nr. 58 van 9 december 2019" (session 2019-2020). The Chamber's open data holds no question
number for its records, only the record's own id (`doc_id` of data.dekamer.be), so a Chamber
question is referred to by its date and that id.

No link to the official record is made: neither parliament's published address can be formed
from what the data holds (the Chamber's pages need the bulletin and question number, the Flemish
Parliament's an internal document id), and an address that cannot be checked is not given.
"""

from __future__ import annotations

import datetime as dt

from search.ingest.document import source_name
from search.ingest.parse_flemish import dutch_date, session_year

CHAMBER_PREFIX = "dekamer-"


def official_reference(source: str, doc_id: str, number: str, date: str) -> str:
    """ "Schriftelijke vraag nr. 58 van 9 december 2019 (zitting 2019-2020)", or for the Chamber
    "Schriftelijke vraag van 2 mei 2017, record 190137 van data.dekamer.be"."""
    filed = dt.date.fromisoformat(date) if date else None
    when = f" van {dutch_date(filed)}" if filed else ""
    if source == "vlpar" and number:
        session = f" (zitting {session_year(filed)})" if filed else ""
        return f"Schriftelijke vraag nr. {number}{when}{session}"
    if source == "dekamer" and doc_id.startswith(CHAMBER_PREFIX):
        record = doc_id.removeprefix(CHAMBER_PREFIX)
        return f"Schriftelijke vraag{when}, record {record} van data.dekamer.be"
    return f"Schriftelijke vraag{when}"


def citation(
    *,
    member: str,
    minister: str,
    minister_title: str,
    source: str,
    doc_id: str,
    number: str,
    date: str,
) -> str:
    """ "Filip Brusselmans aan Jan Jambon, schriftelijke vraag nr. 58, Vlaams Parlement,
    9 december 2019." Without a known person, the question is addressed to the portfolio."""
    addressee = minister or _lower_first(minister_title)
    who = f"{member} aan {addressee}" if addressee else member
    if source == "vlpar" and number:
        what = f"schriftelijke vraag nr. {number}"
    elif source == "dekamer" and doc_id.startswith(CHAMBER_PREFIX):
        what = f"schriftelijke vraag (record {doc_id.removeprefix(CHAMBER_PREFIX)})"
    else:
        what = "schriftelijke vraag"
    when = f", {dutch_date(dt.date.fromisoformat(date))}" if date else ""
    return f"{who}, {what}, {source_name(source)}{when}."


def _lower_first(title: str) -> str:
    """ "Staatssecretaris voor ..." -> "de staatssecretaris voor ..."."""
    return f"de {title[:1].lower()}{title[1:]}" if title else ""
