"""A compound's parts close together: "directeur van de gevangenis" for `gevangenisdirecteur`.

A typed compound also matches a chunk that holds each of its parts, as a word or inside another
compound, in any order, with at most `NEAR_WINDOW` positions from the first to the last of them
(`search.index.schema.near`); one part alone never does. It scores this project's own way: the
sum of each part's best term in the chunk, times `NEAR_WEIGHT`, divided by one plus the number of
other words between the parts. In a text, the words standing for the parts are marked `parts`
where all of them stand within the window.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from search.engine.query.chunks import (
    SPAN,
    ChunkScores,
    best_of,
    common,
    distinct,
    position_keys,
)
from search.engine.query.clause import Clause
from search.engine.query.combine import paired
from search.engine.query.context import ChunkContext
from search.engine.query.matching import QueryWord, how
from search.engine.query.reading import Token, WordLookup
from search.index.arrays.postings import Postings
from search.index.schema.near import NEAR_WINDOW
from search.text.analysis import WordTerms

if TYPE_CHECKING:
    from search.engine.query.term import Term

PARTS = how("parts", 4)
# A compound's parts near each other count less than the compound itself: two common words
# close together say less than the one rare word they make.
NEAR_WEIGHT = 0.5


@dataclass(frozen=True)
class PartsNear(Clause):
    """The parts of a compound near each other, each part given as the terms that stand for it
    (the word itself and the word inside another compound)."""

    parts: tuple[tuple[Term, ...], ...]
    boost: float = 1.0

    def scores(self, context: ChunkContext) -> ChunkScores:
        """The chunks holding every part within `NEAR_WINDOW` positions, scored by the sum of
        each part's best term, weighed by how close they stand (see the module docstring)."""
        parts = [self._part(terms, context) for terms in self.parts]
        context.check()
        if any(best is None for _, best in parts):
            return ChunkScores.empty()
        candidates = common([best.docnums for _, best in parts])
        if not len(candidates):
            return ChunkScores.empty()
        places = [
            distinct(np.concatenate([position_keys(postings, candidates) for postings in found]))
            for found, _ in parts
        ]
        chunks, widths = _narrowest(places)
        keep = widths <= NEAR_WINDOW
        chunks, widths = chunks[keep], widths[keep]
        total = np.zeros(len(chunks), dtype=np.float64)
        for _, best in parts:
            total += best.scores[np.searchsorted(best.docnums, chunks)]
        between = np.maximum(widths - (len(parts) - 1), 0)
        return ChunkScores(chunks, total * (NEAR_WEIGHT * self.boost) / (1 + between))

    @staticmethod
    def _part(terms: tuple[Term, ...], context: ChunkContext):
        """A part's terms' postings, and its best term's score in each chunk (None: no chunk)."""
        found = [(term, context.found(term.fieldname, term.text)) for term in terms]
        found = [(term, postings) for term, postings in found if postings is not None]
        scored = [context.scored(term.fieldname, postings, term.boost) for term, postings in found]
        best = paired(best_of, scored, [0] * len(scored)) if scored else None
        return [postings for _, postings in found], best

    def estimate(self, context: ChunkContext) -> int:
        """At most as many chunks as the rarest part's terms are in."""
        return min(sum(term.estimate(context) for term in terms) for terms in self.parts)

    def costs(self, postings: Postings, check: Callable[[], None]) -> Iterator[int]:
        """Nothing: the limits count the typed word's own terms, not its parts'."""
        yield from ()

    def word(self) -> QueryWord | None:
        """None: the typed word finds its parts (`parts_near`)."""
        return None


def _narrowest(places: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """For each chunk holding every part, the fewest positions from first to last that take one
    position of each part: the narrowest window starts at some part's position, and reaches the
    first position at or after it of every other part."""
    starts = distinct(np.concatenate(places))
    reach = np.zeros(len(starts), dtype=np.int64)
    complete = np.ones(len(starts), dtype=bool)
    for keys in places:
        at = np.searchsorted(keys, starts, side="left")
        inside = at < len(keys)
        nearest = keys[np.minimum(at, len(keys) - 1)]
        complete &= inside & (nearest // SPAN == starts // SPAN)
        reach = np.maximum(reach, nearest - starts)
    starts, reach = starts[complete], reach[complete]
    # The starts are ascending, so each chunk's stand together: the narrowest of each run.
    chunks = starts // SPAN
    first = np.ones(len(chunks), dtype=bool)
    first[1:] = chunks[1:] != chunks[:-1]
    if not len(chunks):
        return chunks, reach
    return chunks[first], np.minimum.reduceat(reach, np.flatnonzero(first))


def holding(parts: tuple[str, ...], folded: set[str], lookup: WordLookup) -> set[str]:
    """The words of `folded` that hold any of a compound's parts (their stems)."""
    return {
        word
        for word in folded
        if (terms := lookup.terms(word)) and any(holds(terms, part) for part in parts)
    }


def holds(terms: WordTerms, part: str) -> bool:
    """Whether a word stands for a part: it is the part, or holds it."""
    return terms.stem == part or part in terms.contained


def parts_near(parts: tuple[str, ...], tokens: list[Token]) -> list[Token]:
    """The tokens standing for a compound's parts where all of them stand within
    `NEAR_WINDOW` positions of each other."""
    standing = [
        [token for token in tokens if token.terms and holds(token.terms, part)] for part in parts
    ]
    if not all(standing):
        return []
    marked: dict[int, Token] = {}
    for anchor in standing[0]:
        window = [
            [t for t in part if abs(t.position - anchor.position) <= NEAR_WINDOW]
            for part in standing
        ]
        if not all(window):
            continue
        for choice in _windows(window):
            for token in choice:
                marked[token.start] = token
    return list(marked.values())


def _windows(candidates: list[list[Token]]) -> Iterator[tuple[Token, ...]]:
    """Each choice of one token per part spanning at most `NEAR_WINDOW` positions."""
    choices: list[tuple[Token, ...]] = [()]
    for tokens in candidates:
        choices = [(*choice, token) for choice in choices for token in tokens]
    for choice in choices:
        positions = [token.position for token in choice]
        if max(positions) - min(positions) <= NEAR_WINDOW:
            yield choice
