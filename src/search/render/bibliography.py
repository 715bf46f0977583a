"""Documents as references for reference managers (Zotero, EndNote, JabRef, Mendeley): RIS and
BibTeX records, and the Highwire Press `citation_*` meta tags of a document page, which
Zotero's browser connector reads.

A written question is filed as a report of its parliament, as Zotero's types come closest: RIS
`RPRT`, BibTeX `@techreport`, Highwire's technical report; the member who asked it is the
author ("Brusselmans, Filip"), the parliament the institution, "Schriftelijke vraag" the type,
the Flemish Parliament's question number the report number, the question text the abstract and
the official reference, the minister it was put to and whether it was answered the note. All
three are made from one `Reference`.

RIS holds one tag and value per line, so every run of white space in a value (line breaks
included) becomes one space and control characters are left out. BibTeX values stand in braces
with the characters TeX treats as special escaped (`\\&`, `\\%`, `\\{`, ...), accents kept as
UTF-8, which biber, Zotero and JabRef read.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import quote

from search.engine.pages import ExportedDocument
from search.ingest.document import source_name
from search.render.highlight import passage_text
from search.render.labels import ANSWERED_LABELS
from search.render.urls import Urls

RIS_TYPE = "application/x-research-info-systems"
BIBTEX_TYPE = "application/x-bibtex"
REPORT_TYPE = "Schriftelijke vraag"
LANGUAGE = "nl"
# What reference managers name as the catalogue an item came from.
CATALOGUE = "Parlsearch"
_BIBTEX_MONTHS = "jan feb mar apr may jun jul aug sep oct nov dec".split()
# The characters TeX reads as commands, groups, comments, parameters or math, as BibTeX values
# must write them.
_TEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
}
_TEX_PATTERN = re.compile("|".join(map(re.escape, _TEX_SPECIAL)))
# What a BibTeX key may hold; any other character of a document id becomes "-".
_NOT_IN_KEY = re.compile(r"[^A-Za-z0-9:._-]")
_NOT_IN_URL = re.compile(r"[{}\\\s]")
# Control and format characters, and lone surrogates (which UTF-8 cannot write).
_INVISIBLE = ("Cc", "Cf", "Cs")


@dataclass(frozen=True)
class Reference:
    """What a reference manager records of one document."""

    key: str
    title: str
    # "Family, Given".
    authors: tuple[str, ...]
    # ISO, "" when unknown.
    date: str
    institution: str
    number: str
    url: str
    keywords: tuple[str, ...]
    abstract: str
    note: str

    @property
    def year(self) -> str:
        """The year, "" when the date is unknown."""
        return self.date[:4]

    @property
    def slashed_date(self) -> str:
        """The date as RIS and Highwire write it: "2019/12/09"."""
        return self.date.replace("-", "/")


def reference(document: ExportedDocument, urls: Urls) -> Reference:
    """The reference of an exported document; its abstract is the question text, or the passage
    that matched best when the export holds no texts."""
    to = f"Gesteld aan {document.minister_shown}. " if document.minister_shown else ""
    answered = ANSWERED_LABELS[document.answered]
    return Reference(
        key=_NOT_IN_KEY.sub("-", document.id),
        title=document.title or document.id,
        authors=(family_first(document.member),) if document.member else (),
        date=document.date,
        institution=source_name(document.source),
        number=document.number,
        url=urls.absolute(urls.document(document.id)),
        keywords=document.themes,
        abstract=document.question or passage_text(document.passage),
        note=f"{document.reference}. {to}{answered[0].upper()}{answered[1:]}.",
    )


def family_first(name: str) -> str:
    """ "Filip Brusselmans" -> "Brusselmans, Filip"; "Kristien Van Vaerenbergh" -> "Van
    Vaerenbergh, Kristien". The records name members given name first, with one given name
    (which may be hyphenated: "Jean-Marc")."""
    given, _, family = name.strip().partition(" ")
    return f"{family.strip()}, {given}" if family.strip() else given


# RIS


def ris_records(documents: Iterable[ExportedDocument], urls: Urls) -> Iterator[str]:
    """RIS text, one record per document, for streaming."""
    for document in documents:
        yield ris_record(reference(document, urls))


def ris_record(ref: Reference) -> str:
    """One RIS record (`TY` to `ER`), lines ending in CR LF as the format has them."""
    tags = [
        ("TY", "RPRT"),
        ("TI", ref.title),
        *(("AU", author) for author in ref.authors),
        ("PY", ref.year),
        ("DA", ref.slashed_date),
        ("PB", ref.institution),
        ("M3", REPORT_TYPE),
        ("SN", ref.number),
        *(("KW", keyword) for keyword in ref.keywords),
        ("AB", ref.abstract),
        ("N1", ref.note),
        ("UR", ref.url),
        ("LA", LANGUAGE),
        ("DP", CATALOGUE),
        ("ID", ref.key),
    ]
    lines = [f"{tag}  - {line}" for tag, value in tags if (line := _one_line(value))]
    return "\r\n".join([*lines, "ER  - ", "", ""])


def _one_line(value: str) -> str:
    """A value on one line: runs of white space (line breaks included) as one space; control
    and format characters and lone surrogates left out."""
    kept = (
        " " if char.isspace() else char
        for char in value
        if char.isspace() or unicodedata.category(char) not in _INVISIBLE
    )
    return " ".join("".join(kept).split())


# BibTeX


def bibtex_entries(documents: Iterable[ExportedDocument], urls: Urls) -> Iterator[str]:
    """BibTeX text, one entry per document, for streaming."""
    for document in documents:
        yield bibtex_entry(reference(document, urls))


def bibtex_entry(ref: Reference) -> str:
    """One `@techreport` entry; the title braced once more, so that styles keep its case."""
    month = _BIBTEX_MONTHS[int(ref.date[5:7]) - 1] if ref.date else ""
    fields = [
        ("title", _braced("{" + _tex(ref.title) + "}")),
        ("author", _braced(" and ".join(map(_tex, ref.authors)))),
        ("institution", _braced(_tex(ref.institution))),
        ("type", _braced(_tex(REPORT_TYPE))),
        ("number", _braced(_tex(ref.number))),
        ("year", _braced(ref.year)),
        # The month as BibTeX's own abbreviation, which every style prints in its language.
        ("month", month),
        ("date", _braced(ref.date)),
        ("url", _braced(_url(ref.url))),
        ("keywords", _braced(_tex(", ".join(ref.keywords)))),
        ("abstract", _braced(_tex(ref.abstract))),
        ("note", _braced(_tex(ref.note))),
        ("language", "{dutch}"),
    ]
    lines = [f"  {name} = {value}" for name, value in fields if value]
    return f"@techreport{{{ref.key},\n" + ",\n".join(lines) + "\n}\n\n"


def _braced(value: str) -> str:
    """A BibTeX value in braces; "" (the field left out) for an empty one."""
    return f"{{{value}}}" if value else ""


def _tex(value: str) -> str:
    """A value as BibTeX reads it back: on one line, TeX's special characters escaped."""
    return _TEX_PATTERN.sub(lambda special: _TEX_SPECIAL[special[0]], _one_line(value))


def _url(url: str) -> str:
    """A URL as a BibTeX value, which is not escaped: braces, backslashes and white space, which
    would break the entry, percent-encoded."""
    return _NOT_IN_URL.sub(lambda char: quote(char[0]), _one_line(url))


# Highwire Press meta tags


def highwire_tags(document: ExportedDocument, urls: Urls) -> list[tuple[str, str]]:
    """The `citation_*` meta tags (name, content) of a document's page, as Zotero's connector
    and Google Scholar read them: a technical report, its date as yyyy/mm/dd; its URL only when
    links are absolute (a relative one names no site)."""
    ref = reference(document, urls)
    tags = [
        ("citation_title", ref.title),
        *(("citation_author", author) for author in ref.authors),
        ("citation_publication_date", ref.slashed_date),
        ("citation_technical_report_institution", ref.institution),
        ("citation_technical_report_number", ref.number),
        ("citation_publisher", ref.institution),
        ("citation_language", LANGUAGE),
        *(("citation_keywords", keyword) for keyword in ref.keywords),
        ("citation_abstract", ref.abstract),
        ("citation_public_url", ref.url if urls.base_url else ""),
    ]
    return [(name, content) for name, value in tags if (content := _one_line(value))]
