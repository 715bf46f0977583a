"""The best of several ways to match one word, each chunk scored by what it holds itself.

A typed word can match in several ways: a compound as itself or by its parts, a hyphenated word
as a phrase or as its members written as one (`schema.word_query`). It scores the best of them,
a disjunction max. Whoosh's own `DisjunctionMaxMatcher.score` takes the higher of its two
sub-matchers' current scores without checking that both stand on the current chunk: when one
has already moved on to a later chunk, the current chunk gets that later chunk's score: a chunk
holding only the parts of "werkgeversbijdragen" could score as if it held the whole word as
often as a later chunk does. The matcher here scores a chunk only by the sub-matchers standing
on it.
"""

from __future__ import annotations

from whoosh import matching
from whoosh import query as wq

from search.index.format.internals import tree_matcher


class DisjunctionMaxMatcher(matching.DisjunctionMaxMatcher):
    """Whoosh's disjunction-max matcher, scoring the current chunk by its own matches only."""

    def score(self) -> float:
        a, b = self.a, self.b
        if not a.is_active():
            return b.score()
        if not b.is_active():
            return a.score()
        if a.id() < b.id():
            return a.score()
        if b.id() < a.id():
            return b.score()
        return max(a.score(), b.score())


class DisjunctionMax(wq.DisjunctionMax):
    """Matches what any subquery matches, scoring each chunk by its best subquery there."""

    def _matcher(self, subs, searcher, context):
        reader = searcher.reader()
        return tree_matcher(
            self, subs, DisjunctionMaxMatcher, searcher, context, lambda q: q.estimate_size(reader)
        )
