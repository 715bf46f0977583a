"""What a document must hold: the query's logic over whole documents.

Chunks are indexed but documents are counted, so the query's logic applies to whole documents:
`kerncentrales veiligheid` matches a document that holds both words, in one chunk or in two.
Above the clauses (each one word, phrase or pattern as typed):
- `AllOf`: words side by side, or joined by AND/EN: the document holds every one of them
  (those under NOT/`-` it must not hold), and scores the sum of their scores;
- `AnyOf`: words joined by OR/OF: the document holds at least one, and scores the sum of those
  it holds;
- `Without`: NOT/`-`: the document holds none of what it wraps (within an `AllOf`; alone, the
  query is every document but those);
- `Everything`: every document (no query words, or what is left of "NIET trein").
A stopword the analysis drops is no clause, so "van" and "de" need not match; a query of
stopwords only is `NOTHING`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from search.engine.query.clause import Node
from search.engine.query.documents import DocumentScoring, Matched
from search.engine.query.matching import QueryWord
from search.index.arrays.postings import Postings


@dataclass(frozen=True)
class _Children(Node):
    """Nodes over `children`: what they cost, and their words, are their children's."""

    children: tuple[Node, ...]

    def costs(self, postings: Postings, check: Callable[[], None]) -> Iterator[int]:
        """Its children's costs."""
        for child in self.children:
            yield from child.costs(postings, check)

    def typed_words(self) -> Iterator[QueryWord | None]:
        """Its children's words."""
        for child in self.children:
            yield from child.typed_words()


@dataclass(frozen=True)
class AllOf(_Children):
    """Every child must match (a `Without` child: must not)."""

    @property
    def positive(self) -> tuple[Node, ...]:
        """The children that must match."""
        return tuple(child for child in self.children if not isinstance(child, Without))

    @property
    def negative(self) -> tuple[Without, ...]:
        """The children that must not match."""
        return tuple(child for child in self.children if isinstance(child, Without))

    def top_words(self) -> tuple[Node, ...]:
        """The children that must match: a document may hold only some of them."""
        return self.positive

    def evaluate(self, scoring: DocumentScoring, counted: bool = True) -> Matched:
        """The documents every positive child matches and no negative one, scoring the sum."""
        matched = np.ones(scoring.documents, dtype=bool)
        scores = scoring.zeros()
        for child in self.positive:
            part = child.evaluate(scoring, counted)
            matched &= part.matched
            scores += part.scores
        for without in self.negative:
            matched &= without.evaluate(scoring, counted).matched
        return Matched(matched, np.where(matched, scores, 0.0))


@dataclass(frozen=True)
class AnyOf(_Children):
    """At least one child must match."""

    def evaluate(self, scoring: DocumentScoring, counted: bool = True) -> Matched:
        """The documents any child matches, scoring the sum of those that match."""
        parts = [child.evaluate(scoring, counted) for child in self.children]
        found = scoring.nothing()
        for part in parts:
            found.matched |= part.matched
            np.add(found.scores, part.scores, out=found.scores, where=part.matched)
        return found


@dataclass(frozen=True)
class Without(Node):
    """The document must not match `child`."""

    child: Node

    def evaluate(self, scoring: DocumentScoring, counted: bool = True) -> Matched:
        """The documents `child` does not match, scoring 0 (its scores never count)."""
        inner = self.child.evaluate(scoring, counted=False)
        return Matched(~inner.matched, scoring.zeros())

    def costs(self, postings: Postings, check: Callable[[], None]) -> Iterator[int]:
        """What `child` costs: it is searched all the same."""
        yield from self.child.costs(postings, check)

    def typed_words(self) -> Iterator[QueryWord | None]:
        """None: a matching document does not hold them."""
        yield from ()


@dataclass(frozen=True)
class Everything(Node):
    """Every document."""

    def evaluate(self, scoring: DocumentScoring, counted: bool = True) -> Matched:
        """Every document, scoring 0."""
        return scoring.everything()

    def costs(self, postings: Postings, check: Callable[[], None]) -> Iterator[int]:
        """Nothing: no term is searched."""
        yield from ()

    def typed_words(self) -> Iterator[QueryWord | None]:
        """None."""
        yield from ()


# No document: a query whose words are all stopwords.
NOTHING = AnyOf(())


def all_of(children: Iterable[Node]) -> Node:
    """Every one of `children` (one that must match alone: itself)."""
    children = tuple(children)
    if len(children) == 1 and not isinstance(children[0], Without):
        return children[0]
    return AllOf(children)
