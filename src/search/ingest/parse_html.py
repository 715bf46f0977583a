"""Flemish Parliament documents as HTML: the visible main content's text, then the text parser."""

from __future__ import annotations

from bs4 import BeautifulSoup, NavigableString, Tag

from search.ingest.document import Document
from search.ingest.parse_flemish import parse_flemish_text

_INVISIBLE = ("script", "style", "template", "noscript", "head", "nav", "header", "footer", "aside")
_BLOCKS = frozenset(
    "address article blockquote br dd div dl dt figcaption figure form h1 h2 h3 h4 h5 h6 hr li "
    "main ol p pre section table td th tr ul".split()
)


def html_to_text(html: str) -> str:
    """The visible text of the page's main content, one line per block element."""
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.find_all(_INVISIBLE):
        tag.decompose()
    main = soup.find("main") or soup.find(attrs={"role": "main"}) or soup.find("article")
    lines: list[str] = []
    _collect_text(main or soup.body or soup, lines)
    return "\n".join(" ".join(line.split()) for line in "".join(lines).split("\n"))


def parse_flemish_html(html: str, origin: str = "") -> Document:
    """Parse an HTML rendering of a Flemish Parliament question and answer."""
    return parse_flemish_text(html_to_text(html), origin=origin)


def _collect_text(node: Tag, out: list[str]) -> None:
    for child in node.children:
        if isinstance(child, NavigableString):
            if type(child) is NavigableString:  # not a comment, CDATA or doctype
                out.append(str(child).replace("\n", " "))
        elif isinstance(child, Tag):
            block = child.name in _BLOCKS
            if block:
                out.append("\n")
            _collect_text(child, out)
            if block:
                out.append("\n")
