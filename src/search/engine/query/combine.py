"""Clauses combined over chunks as Whoosh combines them, so that the sums are Whoosh's numbers.

- `Sum` (Whoosh's `Or`): the chunks any clause matches, their clauses' scores added;
- `BestOf` (the word's `DisjunctionMax`, `search.index.schema.disjunction`): the chunks any clause
  matches, each scored by its best clause there;
- `Both` (Whoosh's `And`): the chunks every clause matches, their scores added.

Whoosh adds two clauses at a time, pairing the lightest first (`paired`, by each clause's
estimated number of chunks); an OR of more than two clauses over a small index (or of very many)
it adds clause after clause instead. Floating-point sums depend on their order, so these follow
Whoosh's, and its boosts are multiplied where it multiplies them.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from search.engine.query.chunks import ChunkScores, added_in_turn, best_of, both, either
from search.engine.query.clause import Clause
from search.engine.query.context import ChunkContext
from search.engine.query.matching import QueryWord
from search.index.arrays.postings import Postings

# Up to this many chunks (or from `TOO_MANY_CLAUSES` clauses), Whoosh scores an OR of more
# than two clauses by adding each clause's scores into an array in turn
# (`whoosh.query.compound.Or._matcher`: its `PreloadedOr`); otherwise through a tree of pairs.
PRELOAD_LIMIT = 5000
TOO_MANY_CLAUSES = 1024


@dataclass(frozen=True)
class Combined(Clause):
    """Clauses whose chunks' scores are combined, times `boost`."""

    children: tuple[Clause, ...]
    boost: float = 1.0

    def scores(self, context: ChunkContext) -> ChunkScores:
        """The children's chunks combined (see the subclasses), times `boost`."""
        parts = [child.scores(context) for child in self.children]
        if not parts:
            return ChunkScores.empty()
        combined = parts[0] if len(parts) == 1 else self._combined(parts, context)
        if self.boost != 1.0:
            return ChunkScores(combined.docnums, combined.scores * self.boost)
        return combined

    @abstractmethod
    def _combined(self, parts: list[ChunkScores], context: ChunkContext) -> ChunkScores:
        """Two or more children's chunks combined."""

    def estimate(self, context: ChunkContext) -> int:
        """The children's estimates added, at most every live chunk."""
        return min(
            sum(child.estimate(context) for child in self.children), context.postings.doc_count
        )

    def costs(self, postings: Postings, check: Callable[[], None]) -> Iterator[int]:
        """Its children's costs."""
        for child in self.children:
            yield from child.costs(postings, check)

    def word(self) -> QueryWord | None:
        """The first child's word: the children are one word's ways of matching."""
        return self.children[0].word() if self.children else None

    def _sizes(self, context: ChunkContext) -> list[int]:
        return [child.estimate(context) for child in self.children]


@dataclass(frozen=True)
class Sum(Combined):
    """The chunks any child matches, their children's scores added (Whoosh's `Or`)."""

    def scores(self, context: ChunkContext) -> ChunkScores:
        """The children's scores added (in turn, or paired as Whoosh pairs them)."""
        if len(self.children) > 2 and (
            context.postings.doc_count_all <= PRELOAD_LIMIT
            or len(self.children) >= TOO_MANY_CLAUSES
        ):
            # Whoosh's `PreloadedOr`: each clause's boosted scores added in turn.
            return added_in_turn([child.scores(context) for child in self.children], self.boost)
        return super().scores(context)

    def _combined(self, parts: list[ChunkScores], context: ChunkContext) -> ChunkScores:
        return paired(either, parts, self._sizes(context))


@dataclass(frozen=True)
class BestOf(Combined):
    """The chunks any child matches, each scored by its best child there."""

    def _combined(self, parts: list[ChunkScores], context: ChunkContext) -> ChunkScores:
        return paired(best_of, parts, self._sizes(context))


@dataclass(frozen=True)
class Both(Combined):
    """The chunks every child matches, their scores added (Whoosh's `And`)."""

    def _combined(self, parts: list[ChunkScores], context: ChunkContext) -> ChunkScores:
        return paired(both, parts, [-size for size in self._sizes(context)])

    def estimate(self, context: ChunkContext) -> int:
        """The smallest child's estimate."""
        return min(child.estimate(context) for child in self.children)


def paired(
    pair: Callable[[ChunkScores, ChunkScores], ChunkScores],
    parts: list[ChunkScores],
    weights: list,
) -> ChunkScores:
    """Clauses combined two by two, lightest first, as `whoosh.util.make_weighted_tree` pairs
    their matchers, so that sums are added in Whoosh's order and give the same numbers."""
    pending = sorted(zip(weights, range(len(parts)), parts, strict=True), key=lambda item: item[0])
    order = len(parts)
    while len(pending) > 1:
        (wa, _, a), (wb, _, b) = pending[0], pending[1]
        del pending[:2]
        merged = (wa + wb, order, pair(a, b))
        order += 1
        place = next((n for n, item in enumerate(pending) if item[0] > merged[0]), len(pending))
        pending.insert(place, merged)
    return pending[0][2]
