"""Mark query matches in document text, escaping everything else: the one place text becomes HTML.

A word matches through its stem or the stem of one of its compound parts (ranked words), its
exact form (phrases, quoted words) or a prefix or wildcard pattern. Words under NOT or after `-`
are never marked. On document pages, mentions of other written questions ("vraag nr. 1263 van
26 juli 2021") also become links.
"""

from __future__ import annotations

import fnmatch
import html
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from whoosh import query as wq

from search.index.schema import EXACT_SUFFIX
from search.ingest.references import Reference, find_references
from search.text.analysis import DUTCH_STOPWORDS, folded_spans, word_forms

SNIPPET_CHARS = 240
ELLIPSIS = "…"


@dataclass(frozen=True)
class MatchTerms:
    """The forms a query matches: stems, exact words, and patterns (prefixes and wildcards)."""

    stems: frozenset[str] = frozenset()
    words: frozenset[str] = frozenset()
    patterns: tuple[re.Pattern[str], ...] = ()

    @classmethod
    def from_query(cls, query: wq.Query) -> MatchTerms:
        """Collect the positive terms of a parsed query."""
        stems: set[str] = set()
        words: set[str] = set()
        patterns: dict[str, re.Pattern[str]] = {}
        for leaf in positive_leaves(query):
            exact = leaf.field().endswith(EXACT_SUFFIX) if leaf.field() else False
            if isinstance(leaf, wq.Phrase):
                (words if exact else stems).update(leaf.words)
            elif isinstance(leaf, wq.Prefix):
                expression = re.escape(leaf.text) + r"\w*$"
                patterns[expression] = re.compile(expression)
            elif isinstance(leaf, wq.Wildcard):
                expression = fnmatch.translate(leaf.text)
                patterns[expression] = re.compile(expression)
            elif isinstance(leaf, wq.Term) and isinstance(leaf.text, str):
                (words if exact else stems).add(leaf.text)
        return cls(frozenset(stems), frozenset(words), tuple(patterns.values()))

    def __bool__(self) -> bool:
        return bool(self.stems or self.words or self.patterns)

    def matches(self, word: str) -> bool:
        """Whether a lowercase, accent-folded word matches."""
        if word in self.words or any(p.match(word) for p in self.patterns):
            return True
        if not self.stems or word in DUTCH_STOPWORDS:
            return False
        stem, part_stems = word_forms(word)
        return stem in self.stems or not self.stems.isdisjoint(part_stems)


def mark(text: str, terms: MatchTerms, link_for: Callable[[Reference], str] | None = None) -> str:
    """The whole text as HTML: escaped, with `<mark>` around each matching word.

    With `link_for`, each mention of a written question becomes a link to the URL it gives.
    """
    links = []
    if link_for is not None:
        links = [(ref.start, ref.end, link_for(ref)) for ref in find_references(text)]
    return _render(text, 0, len(text), _match_spans(text, terms), links)


def plain_text(marked_html: str, marker: str = "") -> str:
    """The text of marked HTML (a snippet): entities decoded, marks replaced by `marker`."""
    return html.unescape(re.sub(r"</?mark>", marker, marked_html))


def snippet(text: str, terms: MatchTerms, size: int = SNIPPET_CHARS) -> str:
    """The passage of about `size` characters with the most matches, as escaped, marked HTML."""
    spans = _match_spans(text, terms)
    start, end = _best_window(text, spans, size)
    body = _render(text, start, end, [s for s in spans if s[0] >= start and s[1] <= end])
    return (ELLIPSIS if start > 0 else "") + body + (ELLIPSIS if end < len(text) else "")


def _match_spans(text: str, terms: MatchTerms) -> list[tuple[int, int]]:
    if not terms:
        return []
    return [(start, end) for folded, start, end in folded_spans(text) if terms.matches(folded)]


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


def positive_leaves(query: wq.Query) -> Iterator[wq.Query]:
    """The leaf queries that must or may match (not those under NOT)."""
    if isinstance(query, wq.Not):
        return
    if isinstance(query, wq.AndNot):
        yield from positive_leaves(query.a)
        return
    if query.is_leaf():
        yield query
        return
    for child in query.children():
        yield from positive_leaves(child)
