"""A phrase: words in this order, at most `slop` positions apart.

A quoted phrase (`"sociale zekerheid"`, `"trein vertraging"~5`) matches the unstemmed twin of
each field; a word the tokenizer splits ("storing.Trein") is its members' stems in a row in the
stemmed field (`word`). A phrase scores as Whoosh scores it: its words' scores added, in the
chunks where the words stand in order, found from their positions. In a text it is marked as
one span per occurrence (`exact`), not word by word wherever its words stand.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from search.engine.query.chunks import SPAN, ChunkScores, common, distinct_sorted
from search.engine.query.clause import Clause
from search.engine.query.context import ChunkContext
from search.engine.query.reading import ReadText, WordLookup, in_order
from search.engine.query.term import Term
from search.engine.query.word import EXACT
from search.index.arrays.postings import Postings


@dataclass(frozen=True)
class Phrase(Clause):
    """The `words` of a field in order, each at most `slop` positions after the one before."""

    fieldname: str
    words: tuple[str, ...]
    slop: int = 1
    boost: float = 1.0

    def scores(self, context: ChunkContext) -> ChunkScores:
        """The chunks where the words stand in order (at most `slop` positions apart, as
        Whoosh's `SpanNear2` allows), scored as Whoosh does: its words' scores added."""
        found = [context.found(self.fieldname, word) for word in self.words]
        context.check()
        if not found or any(term is None for term in found):
            return ChunkScores.empty()
        candidates = common([term.docnums for term in found])
        if not len(candidates):
            return ChunkScores.empty()
        ends = context.places(self.fieldname, self.words[0], candidates)
        for word in self.words[1:]:
            context.check()
            ends = _following(ends, context.places(self.fieldname, word, candidates), self.slop)
        chunks = distinct_sorted(ends // SPAN)
        total = np.zeros(len(chunks), dtype=np.float64)
        for term in found:
            scored = context.scored(self.fieldname, term, 1.0)
            total += scored.scores[np.searchsorted(term.docnums, chunks)]
        if self.boost != 1.0:
            total = total * self.boost
        return ChunkScores(chunks, total)

    def estimate(self, context: ChunkContext) -> int:
        """As many chunks as its rarest word is in."""
        return min((Term(self.fieldname, word).estimate(context) for word in self.words), default=0)

    def costs(self, postings: Postings, check: Callable[[], None]) -> Iterator[int]:
        """Its words."""
        yield len(self.words) or 1

    def word(self) -> TypedPhrase:
        """The phrase as quoted."""
        return TypedPhrase(f'"{" ".join(self.words)}"', self.words, self.slop)


@dataclass(frozen=True)
class TypedPhrase:
    """A quoted phrase: its words as the unstemmed field holds them, and how far apart they
    may stand."""

    text: str
    phrase: tuple[str, ...]
    slop: int = 1

    def found_in(
        self, text: ReadText, lookup: WordLookup, memo: dict[str, str]
    ) -> Iterator[tuple[str, int, int]]:
        """Each occurrence of the phrase, as one span."""
        for first, last in in_order(text.folded, self.phrase, self.slop):
            yield EXACT, text.matches[first].start(), text.matches[last].end()


def _following(ends: np.ndarray, keys: np.ndarray, slop: int) -> np.ndarray:
    """The keys of `keys` that follow one of `ends` in the same chunk by 1 to `slop`
    positions: where a chain of the phrase's words so far can go on."""
    if not len(ends) or not len(keys):
        return keys[:0]
    before = np.searchsorted(ends, keys, side="left") - 1
    found = before >= 0
    nearest = ends[np.maximum(before, 0)]
    return keys[found & (keys - nearest <= slop) & (keys // SPAN == nearest // SPAN)]
