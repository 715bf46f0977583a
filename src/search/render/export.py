"""The CSV and Atom twins of a results page, rendered from the core's plain results.

CSV cells that a spreadsheet would read as a formula (starting with =, +, -, @, also after
leading spaces or line breaks, or starting with a tab or a carriage return) get a leading
apostrophe. The Atom feed is built with ElementTree, which escapes every text and attribute;
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
from collections.abc import Iterable, Iterator

from search.engine.pages import ExportedDocument, SearchPage
from search.ingest.document import ANSWERED, UNANSWERED
from search.render.highlight import passage_text, snippet_text
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
_FORMULA_START = ("=", "+", "-", "@")
_CONTROL_START = ("\t", "\r", "\n")
# Everything outside XML 1.0's Char production.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
ATOM_NS = "http://www.w3.org/2005/Atom"


def csv_lines(documents: Iterable[ExportedDocument], urls: Urls) -> Iterator[str]:
    """The CSV text, a header line and then one line per document, for streaming.

    `minister` is the person ("" when the ministers table cannot tell), `portfolio` the short
    label of the portfolio, `answered` 1 or 0 (to add up), `passage` the best-matching passage
    as plain text ("" without query words).
    """
    yield _csv_line(CSV_COLUMNS)
    for document in documents:
        yield _csv_line(
            (
                document.id,
                document.date,
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
            )
        )


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


def _csv_line(cells: Iterable[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow([neutralise_formula(c) for c in cells])
    return out.getvalue()


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
