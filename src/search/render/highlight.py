"""The engine's passages and marked texts (`search.engine.fragments`) rendered: as HTML, the one
place where document text is escaped, or as plain text.

HTML escapes every character of the text, wraps each range to mark in `<mark>`, each link in
`<a class="reference">` with the href it is given, and puts an ellipsis where a passage cuts
its text; templates mark only this output safe. Plain text (CSV, Atom, the command line, the
`passage` of a document's JSON) is the text itself, with the ellipses and, if asked, a marker
around each mark.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence

from search.engine.fragments import Link, MarkedText, Snippet, Span
from search.render.hyphenation import soft_hyphens

ELLIPSIS = "…"


def snippet_html(snippet: Snippet) -> str:
    """A result's passage as escaped HTML with its matches marked."""
    return _cut(snippet, _html(snippet.text, snippet.marks))


def snippet_text(snippet: Snippet, marker: str = "") -> str:
    """A result's passage as plain text, each mark's start and end shown by `marker`."""
    edges = sorted(edge for span in snippet.marks for edge in span)
    parts, position = [], 0
    for edge in edges:
        parts += [snippet.text[position:edge], marker]
        position = edge
    parts.append(snippet.text[position:])
    return _cut(snippet, "".join(parts))


def passage_text(passage: Snippet | None) -> str:
    """A document's best passage as plain text; "" for none."""
    return snippet_text(passage) if passage is not None else ""


def marked_html(marked: MarkedText, href: Callable[[Link], str], *, hyphenate: bool = False) -> str:
    """A whole text as escaped HTML with its matches marked and its links made, each to the
    URL `href` gives it; with `hyphenate`, soft hyphens in its long words (for a page)."""
    links = [(link, href(link)) for link in marked.links]
    return _html(marked.text, marked.marks, links, soft_hyphens if hyphenate else str)


def _cut(snippet: Snippet, body: str) -> str:
    """A passage's body with an ellipsis where its text goes on."""
    return (ELLIPSIS if snippet.cut_before else "") + body + (ELLIPSIS if snippet.cut_after else "")


def _html(
    text: str,
    marks: Sequence[Span],
    links: Sequence[tuple[Link, str]] = (),
    words: Callable[[str], str] = str,
) -> str:
    """Escape `text`, marking `marks` and wrapping `links` (a link and its href); marks nest
    inside links. Each piece of text between tags is passed through `words` first."""
    tags = [(s, 1, "<mark>") for s, _ in marks] + [(e, 0, "</mark>") for _, e in marks]
    for link, url in links:
        tags.append((link.start, 0, f'<a class="reference" href="{html.escape(url)}">'))
        tags.append((link.end, 1, "</a>"))
    parts = []
    position = 0
    for offset, _, tag in sorted(tags):
        parts.append(html.escape(words(text[position:offset])))
        parts.append(tag)
        position = offset
    parts.append(html.escape(words(text[position:])))
    return "".join(parts)
