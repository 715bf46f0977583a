"""What every kind of query offers: a `Node` over documents, a `Clause` over chunks.

A parsed query is a tree of nodes (`parse`). Chunks are indexed but documents are counted, so a
query's logic applies to whole documents: a `Node` says which documents it matches and with what
score (`evaluate`), what it costs before anything is searched (`costs`), and which of its words
a document page marks and "waarom gevonden" explains (`typed_words`). Its leaves are `Clause`s,
each one word, phrase, pattern or term as typed, matched and scored chunk by chunk (`scores`,
with `estimate` deciding the order in which Whoosh adds clauses); a document scores a clause's
best chunk in it (`documents.DocumentScoring.clause`). A node need not score chunks at all:
`names.Named` and `reference.Cited` also read the document table, and a filter could be a node
whose documents are a mask of the table's.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from search.engine.query.boolean import Without
    from search.engine.query.chunks import ChunkScores
    from search.engine.query.context import ChunkContext
    from search.engine.query.documents import DocumentScoring, Matched
    from search.engine.query.matching import QueryWord
    from search.index.arrays.postings import Postings


class Node(ABC):
    """A part of a query over documents: what a document must hold to match it."""

    @abstractmethod
    def evaluate(self, scoring: DocumentScoring, counted: bool = True) -> Matched:
        """The documents this matches, each with its score; `counted`: its chunks' scores
        count towards the documents' best chunks."""

    @abstractmethod
    def costs(self, postings: Postings, check: Callable[[], None]) -> Iterator[int]:
        """The terms each of its parts searches, one count per part in the order typed (a
        pattern's once expanded), for `search.engine.limits`; may raise `QueryError`."""

    @abstractmethod
    def typed_words(self) -> Iterator[QueryWord | None]:
        """The words a matching document holds, in the order typed (those under NOT left out)."""

    def top_words(self) -> tuple[Node, ...]:
        """The query's words at its top level: what a document may hold only some of (a partial
        match); a query of one word is that word."""
        return (self,)

    @property
    def negative(self) -> tuple[Without, ...]:
        """What a matching document must not hold, beside its words."""
        return ()

    def plain_word(self) -> str | None:
        """What the user typed for a clause of one plain word, else None."""
        return None


class Clause(Node):
    """A word, phrase, pattern or term: matched and scored chunk by chunk."""

    @abstractmethod
    def scores(self, context: ChunkContext) -> ChunkScores:
        """Every chunk this matches, with its score (deleted chunks too)."""

    @abstractmethod
    def estimate(self, context: ChunkContext) -> int:
        """How many chunks this may match, as Whoosh's `estimate_size` says: it decides the
        order in which Whoosh adds clauses, and so the last bits of the sums."""

    @abstractmethod
    def word(self) -> QueryWord | None:
        """What this finds in a text, as typed."""

    def evaluate(self, scoring: DocumentScoring, counted: bool = True) -> Matched:
        """The documents holding a chunk this matches, each scoring its best such chunk."""
        return scoring.clause(self, counted)

    def typed_words(self) -> Iterator[QueryWord | None]:
        """This clause's word."""
        yield self.word()
