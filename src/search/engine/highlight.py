"""Mark query matches in document text, escaping everything else: the one place text becomes HTML.

What matches is found by `search.engine.query.matching`: a word in its forms or inside a
compound, a compound's parts only where they stand close together, a phrase only where its words
stand in order (one mark per occurrence), a prefix or wildcard pattern. Words under NOT or after
`-` are never marked. On document pages, mentions of other written questions ("vraag nr. 1263 van
26 juli 2021") also become links.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence

from search.engine.query.matching import Found
from search.ingest.references import Reference, find_references

SNIPPET_CHARS = 240
ELLIPSIS = "…"


def mark(
    text: str,
    found: Sequence[Found],
    link_for: Callable[[Reference], str] | None = None,
) -> str:
    """The whole text as HTML: escaped, with `<mark>` around each match `found` in it
    (`matching.find`).

    With `link_for`, each mention of a written question becomes a link to the URL it gives.
    """
    links = []
    if link_for is not None:
        links = [(ref.start, ref.end, link_for(ref)) for ref in find_references(text)]
    return _render(text, 0, len(text), _merged_spans(found), links)


def plain_text(marked_html: str, marker: str = "") -> str:
    """The text of marked HTML (a snippet): entities decoded, marks replaced by `marker`."""
    return html.unescape(re.sub(r"</?mark>", marker, marked_html))


def snippet(text: str, found: Sequence[Found], size: int = SNIPPET_CHARS) -> str:
    """The passage of about `size` characters with the most matches `found` in `text`
    (`matching.find`), as escaped, marked HTML."""
    spans = _merged_spans(found)
    start, end = _best_window(text, spans, size)
    body = _render(text, start, end, [s for s in spans if s[0] >= start and s[1] <= end])
    return (ELLIPSIS if start > 0 else "") + body + (ELLIPSIS if end < len(text) else "")


def _merged_spans(found: Sequence[Found]) -> list[tuple[int, int]]:
    """The spans to mark: each match, the widest where matches overlap (a phrase over a word)."""
    spans = sorted({(match.start, match.end) for match in found})
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _best_window(text: str, spans: list[tuple[int, int]], size: int) -> tuple[int, int]:
    """Pick the window of `size` characters covering the most distinct matched words."""
    if len(text) <= size:
        return 0, len(text)
    best_start, best_score = 0, -1
    for first, _ in spans:
        covered = {text[s:e].lower() for s, e in spans if first <= s and e <= first + size}
        score = len(covered) * 1000 + sum(1 for s, e in spans if first <= s and e <= first + size)
        if score > best_score:
            best_start, best_score = first, score
    start = _word_boundary(text, max(0, best_start - size // 4), backwards=True)
    end = _word_boundary(text, min(len(text), start + size), backwards=False)
    return start, end


def _word_boundary(text: str, index: int, backwards: bool) -> int:
    """Move `index` to the nearest space so that no word is cut."""
    if index <= 0 or index >= len(text):
        return max(0, min(index, len(text)))
    space = text.rfind(" ", 0, index) if backwards else text.find(" ", index)
    if space == -1:
        return 0 if backwards else len(text)
    return space + 1 if backwards else space


def _render(
    text: str,
    start: int,
    end: int,
    spans: list[tuple[int, int]],
    links: Sequence[tuple[int, int, str]] = (),
) -> str:
    """Escape text[start:end], marking `spans` and wrapping `links` (start, end, href).

    Marks cover single words and links start and end at word boundaries, so marks nest inside
    links; a mark that would cross a link's edge is left out.
    """
    edges = [edge for link_start, link_end, _ in links for edge in (link_start, link_end)]
    spans = [(s, e) for s, e in spans if not any(s < edge < e for edge in edges)]
    tags = [(s, 1, "<mark>") for s, _ in spans] + [(e, 0, "</mark>") for _, e in spans]
    for link_start, link_end, href in links:
        tags.append((link_start, 0, f'<a class="reference" href="{html.escape(href)}">'))
        tags.append((link_end, 1, "</a>"))
    parts = []
    position = start
    for offset, _, tag in sorted(tags):
        parts.append(html.escape(text[position:offset]))
        parts.append(tag)
        position = offset
    parts.append(html.escape(text[position:end]))
    return "".join(parts)
