"""The CSV and Atom twins of a results page, rendered from the core's plain results.

The CSV comes in two forms: for programs (comma-separated UTF-8, ISO dates: `/search.csv`, which
scripts read and which stays as it is) and for Excel as Belgian and Dutch set-ups open it
(semicolons, UTF-8 behind a byte order mark, dates as dd/mm/yyyy, no cell longer than Excel
holds). Both may add the whole question and answer of each document. Cells that a spreadsheet
would read as a formula (starting with =, +, -, @, also after leading spaces or line breaks, or
starting with a tab or a carriage return) get a leading apostrophe in both.

The Atom feed is built with ElementTree, which escapes every text and attribute;
characters that XML 1.0 does not allow at all (control characters such as NUL or U+000B, lone
surrogates, U+FFFE, U+FFFF), which it would write as they are, are left out, so that the feed
stays well-formed whatever a document or a query holds.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from search.engine.pages import ExportedDocument, SearchPage
from search.engine.query import QueryError
from search.ingest.document import ANSWERED, UNANSWERED
from search.render.highlight import ELLIPSIS, passage_text, snippet_text
from search.render.labels import ANSWERED_LABELS
from search.render.urls import Urls

CSV_COLUMNS = (
    "id",
    "date",
    "member",
    "party",
    "minister",
    "title",
    "status",
    "source",
    "url",
    "portfolio",
    "themes",
    "answered",
    "reference",
    "passage",
)
# With the export's `tekst` option: each document's whole question and answer.
TEXT_COLUMNS = ("question", "answer")
_FORMULA_START = ("=", "+", "-", "@")
_CONTROL_START = ("\t", "\r", "\n")
# Everything outside XML 1.0's Char production.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
ATOM_NS = "http://www.w3.org/2005/Atom"


@dataclass(frozen=True)
class ExportOption:
    """A URL parameter of the exports, beside the search's own: its name, its values (the first
    the default) and what it does."""

    name: str
    values: tuple[str, ...]
    description: str

    def read(self, params: Mapping[str, Sequence[str]]) -> str:
        """The value asked for (the default when none is given); `QueryError` for another."""
        given = [value.strip() for value in params.get(self.name, ()) if value.strip()]
        if len(given) > 1:
            raise QueryError(f"Geef de parameter '{self.name}' maar één keer op.")
        value = given[0] if given else self.values[0]
        if value not in self.values:
            choices = " of ".join(self.values)
            raise QueryError(f"Onbekende waarde '{value}' voor '{self.name}'; kies {choices}.")
        return value


TEXTS = ExportOption(
    "tekst",
    ("nee", "ja"),
    "ja: met de hele vraag en het hele antwoord van elk document (kolommen question en answer).",
)
SCOPE = ExportOption(
    "bereik",
    ("alles", "pagina"),
    "alles: elk overeenkomend document; pagina: alleen de resultaten van de pagina (page, "
    "per_page), één document per resultaat.",
)


@dataclass(frozen=True)
class CsvFormat:
    """How a CSV export is written: its separator, what precedes its first line, how it writes
    a date (given as ISO), and the most characters a cell may hold (None: no limit)."""

    delimiter: str
    start: str
    date: Callable[[str], str]
    cell_limit: int | None = None


def _excel_date(iso_date: str) -> str:
    """ "2019-12-09" -> "09/12/2019", which Excel with Belgian or Dutch settings reads as a
    date (day first, as every locale that separates CSV cells with semicolons does)."""
    return "/".join(reversed(iso_date.split("-"))) if iso_date else ""


# For programs: what `/search.csv` has always written.
PLAIN_CSV = CsvFormat(delimiter=",", start="", date=str)
# For Excel: a byte order mark, so that it reads UTF-8 (accents), and semicolons, the separator
# of locales that write decimals with a comma; Excel holds at most 32,767 characters a cell.
EXCEL_CSV = CsvFormat(delimiter=";", start="\ufeff", date=_excel_date, cell_limit=32_767)


def csv_lines(
    documents: Iterable[ExportedDocument],
    urls: Urls,
    form: CsvFormat = PLAIN_CSV,
    *,
    texts: bool = False,
) -> Iterator[str]:
    """The CSV text, a header line and then one line per document, for streaming.

    `minister` is the person ("" when the ministers table cannot tell), `portfolio` the short
    label of the portfolio, `answered` 1 or 0 (to add up), `passage` the best-matching passage
    as plain text ("" without query words); with `texts`, `question` and `answer` hold the
    document's whole question and answer.
    """
    columns = CSV_COLUMNS + TEXT_COLUMNS if texts else CSV_COLUMNS
    yield form.start + _csv_line(columns, form)
    for document in documents:
        cells = [
            document.id,
            form.date(document.date),
            document.member,
            document.party,
            document.minister,
            document.title,
            ANSWERED if document.answered else UNANSWERED,
            document.source,
            urls.absolute(urls.document(document.id)),
            document.minister_label,
            ", ".join(document.themes),
            "1" if document.answered else "0",
            document.reference,
            passage_text(document.passage),
        ]
        if texts:
            cells += [document.question, document.answer]
        yield _csv_line(cells, form)


def neutralise_formula(cell: str) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula.

    What counts is the first visible character: after spaces, line breaks and invisible format
    characters (U+200B, U+FEFF, direction marks), and as its compatibility form (full-width
    `＝` is `=`), since spreadsheets skip or fold those before reading a formula.
    """
    if cell.startswith(_CONTROL_START):
        return "'" + cell
    visible = next((char for char in cell if not _invisible(char)), "")
    if unicodedata.normalize("NFKC", visible).startswith(_FORMULA_START):
        return "'" + cell
    return cell


def _invisible(char: str) -> bool:
    return char.isspace() or unicodedata.category(char) in ("Cf", "Zs", "Cc")


def _csv_line(cells: Iterable[str], form: CsvFormat) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=form.delimiter, lineterminator="\r\n")
    writer.writerow([_cut(neutralise_formula(cell), form.cell_limit) for cell in cells])
    return out.getvalue()


def _cut(cell: str, limit: int | None) -> str:
    """A cell cut to `limit` characters, an ellipsis at its end saying that it goes on."""
    if limit is None or len(cell) <= limit:
        return cell
    return cell[: limit - 1] + ELLIPSIS


def atom_feed(page: SearchPage, urls: Urls, *, feed_url: str, html_url: str) -> bytes:
    """An Atom 1.0 feed (RFC 4287) of a results page, one entry per result.

    Links are absolute from the base URL of `urls`, relative without one; ids, which Atom wants
    absolute, are then `urn:parlsearch:` + path.
    """
    feed_url, html_url = _xml_text(feed_url), _xml_text(html_url)
    ET.register_namespace("", ATOM_NS)
    feed = ET.Element(_atom("feed"))
    title = page.query or "alle documenten"
    _text(feed, "title", f"Parlsearch: {title}")
    _text(feed, "subtitle", "Schriftelijke vragen en antwoorden, nieuwste eerst")
    _text(feed, "id", _atom_id(urls, feed_url))
    _text(feed, "updated", _timestamp(max((hit.date for hit in page.results), default="")))
    ET.SubElement(feed, _atom("link"), rel="self", type="application/atom+xml", href=feed_url)
    ET.SubElement(feed, _atom("link"), rel="alternate", type="text/html", href=html_url)
    author = ET.SubElement(feed, _atom("author"))
    _text(author, "name", "Parlsearch")
    _text(feed, "generator", "Parlsearch")
    for hit in page.results:
        entry = ET.SubElement(feed, _atom("entry"))
        _text(entry, "title", hit.title or hit.id)
        _text(entry, "id", _atom_id(urls, urls.absolute(urls.document(hit.id))))
        _text(entry, "updated", _timestamp(hit.date))
        link = _xml_text(urls.absolute(urls.hit(hit)))
        ET.SubElement(entry, _atom("link"), rel="alternate", type="text/html", href=link)
        entry_author = ET.SubElement(entry, _atom("author"))
        _text(entry_author, "name", hit.member or hit.source_name)
        summary = _text(entry, "summary", _summary(hit))
        summary.set("type", "text")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def _xml_text(text: str) -> str:
    """`text` without the characters XML 1.0 forbids."""
    return _NOT_XML.sub("", text)


def _summary(hit) -> str:
    who = f"{hit.member} ({hit.party})" if hit.party else hit.member
    to = f" aan {hit.minister_shown}" if hit.minister_shown else ""
    return f"{who}{to}, {ANSWERED_LABELS[hit.answered]}. {snippet_text(hit.snippet)}"


def _atom(tag: str) -> str:
    return f"{{{ATOM_NS}}}{tag}"


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, _atom(tag))
    element.text = _xml_text(text)
    return element


def _timestamp(iso_date: str) -> str:
    """An RFC 3339 time for a date; the epoch for an unknown one (Atom requires a time)."""
    return f"{iso_date or '1970-01-01'}T00:00:00Z"


def _atom_id(urls: Urls, url: str) -> str:
    """An absolute IRI for an Atom id: the URL itself, or a URN for a relative one."""
    return url if urls.base_url else "urn:parlsearch:" + url.lstrip("/")
