"""Where a text's query matches are, as data: the passage a result shows and the ranges to mark.

What matches is found by `search.engine.query.matching`: a word in its forms or inside a
compound, a compound's parts only where they stand in a phrase, a phrase only where its words
stand in order (one mark per occurrence), a prefix or wildcard pattern. Words under NOT or after
`-` are never marked. Here the matches become the ranges to mark (overlapping ones merged), a
result's passage is chosen (`snippet`), and on document pages the mentions of other written
questions ("vraag nr. 1263 van 26 juli 2021") become links, given by what they lead to
(`marked`).

Nothing here is markup: `search.render.highlight` renders this data as HTML or plain text, so the
data says exactly what will be marked.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from search.engine.query.matching import Found
from search.ingest.references import Reference, find_references

SNIPPET_CHARS = 240

# A range of a text to mark: (start, end) character offsets.
Span = tuple[int, int]


@dataclass(frozen=True)
class Snippet:
    """A result's passage: a piece of a text, the ranges in it to mark, and whether the text
    goes on before and after it."""

    text: str
    marks: tuple[Span, ...]
    cut_before: bool
    cut_after: bool


@dataclass(frozen=True)
class Link:
    """A mention of another written question in a text, and what it leads to: the cited
    document when the index holds it, else a search for the mention."""

    start: int
    end: int
    document: str = ""
    search: str = ""


@dataclass(frozen=True)
class MarkedText:
    """A whole text with the ranges to mark and the mentions to link; no mark crosses a link's
    edge."""

    text: str
    marks: tuple[Span, ...]
    links: tuple[Link, ...] = ()


def marked(
    text: str,
    found: Sequence[Found],
    cited: Callable[[Reference], str | None] | None = None,
) -> MarkedText:
    """The whole text with each match `found` in it (`matching.find`) to mark.

    With `cited`, which gives the id of the document a mention cites (None when the index does
    not hold it), each mention of a written question becomes a link.
    """
    links: tuple[Link, ...] = ()
    if cited is not None:
        links = tuple(_link(reference, cited(reference)) for reference in find_references(text))
    edges = [edge for link in links for edge in (link.start, link.end)]
    # Marks cover single words and links start and end at word boundaries, so marks nest
    # inside links; a mark that would cross a link's edge is left out.
    marks = tuple(
        (s, e) for s, e in _merged_spans(found) if not any(s < edge < e for edge in edges)
    )
    return MarkedText(text, marks, links)


def snippet(text: str, found: Sequence[Found], size: int = SNIPPET_CHARS) -> Snippet:
    """The passage of about `size` characters with the most matches `found` in `text`
    (`matching.find`), with the ranges to mark in it."""
    spans = _merged_spans(found)
    start, end = _best_window(text, spans, size)
    marks = tuple((s - start, e - start) for s, e in spans if s >= start and e <= end)
    return Snippet(text[start:end], marks, cut_before=start > 0, cut_after=end < len(text))


def _link(reference: Reference, document: str | None) -> Link:
    if document is None:
        return Link(reference.start, reference.end, search=reference.search_text)
    return Link(reference.start, reference.end, document=document)


def _merged_spans(found: Sequence[Found]) -> list[Span]:
    """The spans to mark: each match, the widest where matches overlap (a phrase over a word)."""
    spans = sorted({(match.start, match.end) for match in found})
    merged: list[Span] = []
    for start, end in spans:
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _best_window(text: str, spans: list[Span], size: int) -> Span:
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
