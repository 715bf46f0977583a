"""What scoring one query's clauses over one generation's postings shares.

Each term's postings are looked up once per query (a clause's estimate and its scores both need
them, and a word's forms repeat terms across fields), each pattern's expansion too; the deadline
is checked between steps (each term scored, each word of a phrase followed), so that a slow
search stops in time (`search.engine.limits`).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import TYPE_CHECKING, TypeVar

import numpy as np

from search.engine.query.bm25 import bm25
from search.engine.query.chunks import SPAN, ChunkScores, ascending, distinct
from search.index.arrays.postings import Postings, TermPostings

if TYPE_CHECKING:
    from search.engine.query.clause import Clause

_NO_CHECK: Callable[[], None] = lambda: None  # noqa: E731
_T = TypeVar("_T")


class ChunkContext:
    """One query's look-ups in one generation's postings, and its deadline's `check`."""

    def __init__(self, postings: Postings, check: Callable[[], None] = _NO_CHECK) -> None:
        self.postings = postings
        self.check = check
        self._looked_up: dict[tuple[str, bytes], TermPostings] = {}
        self._remembered: dict[Hashable, object] = {}

    def found(self, fieldname: str, text) -> TermPostings | None:
        """A term's postings, None where it has none."""
        btext = self._bytes(fieldname, text)
        if btext is None:
            return None
        found = self._lookup(fieldname, btext)
        return found if len(found.docnums) else None

    def places(self, fieldname: str, text, chunks: np.ndarray) -> np.ndarray:
        """The sorted keys (chunk, position) of a term's positions in `chunks` (ascending),
        read from those chunks' postings alone (`Postings.places`): a common word's others
        are not looked at. The one way the clauses read positions."""
        btext = self._bytes(fieldname, text)
        if btext is None or not len(chunks):
            return np.zeros(0, dtype=np.int64)
        chunks, positions = self.postings.places(fieldname, btext, chunks)
        return ascending(chunks * SPAN + positions)

    def places_of(self, fieldname: str, texts: Iterable, chunks: np.ndarray) -> np.ndarray:
        """The sorted keys (chunk, position) where any of the terms `texts` stands in
        `chunks`, each once: `places` of each, read in one pass over the segments."""
        btexts = [b for text in texts if (b := self._bytes(fieldname, text)) is not None]
        if not btexts or not len(chunks):
            return np.zeros(0, dtype=np.int64)
        chunks, positions = self.postings.places_of_terms(fieldname, btexts, chunks)
        return distinct(chunks * SPAN + positions)

    def class_places(self, fieldname: str, name: str, chunks: np.ndarray) -> np.ndarray:
        """The sorted keys (chunk, position) where any word of the class `name` (of
        `search.index.schema.near.WORD_CLASSES`) stands in `chunks`, each once."""
        if fieldname not in self.postings.schema or not len(chunks):
            return np.zeros(0, dtype=np.int64)
        chunks, positions = self.postings.class_places(fieldname, name, chunks)
        return distinct(chunks * SPAN + positions)

    def scored(self, fieldname: str, found: TermPostings, boost: float) -> ChunkScores:
        """A term's chunks scored by BM25F."""
        scores = bm25(
            self.postings, fieldname, found.docnums, found.weights, len(found.docnums), boost
        )
        return ChunkScores(found.docnums, scores)

    def scored_at(
        self, fieldname: str, found: TermPostings, boost: float, places: np.ndarray
    ) -> np.ndarray:
        """A term's BM25F scores in some of its chunks (`places`: indexes into its postings),
        each as `scored` gives it: a score depends on its own chunk alone."""
        return bm25(
            self.postings,
            fieldname,
            found.docnums[places],
            found.weights[places],
            len(found.docnums),
            boost,
        )

    def remembered(self, key: Hashable, make: Callable[[], _T]) -> _T:
        """What `make` gives, made once per query for `key` (a pattern's postings)."""
        if key not in self._remembered:
            self._remembered[key] = make()
        return self._remembered[key]  # type: ignore[return-value]

    def _bytes(self, fieldname: str, text) -> bytes | None:
        """A term's bytes in its field, None where the field cannot hold it."""
        if fieldname not in self.postings.schema:
            return None
        field = self.postings.schema[fieldname]
        if not field.indexed:
            return None
        try:
            return field.to_bytes(text)
        except ValueError:
            return None

    def _lookup(self, fieldname: str, btext: bytes) -> TermPostings:
        key = (fieldname, btext)
        if key not in self._looked_up:
            self._looked_up[key] = self.postings.term(fieldname, btext)
        return self._looked_up[key]


def score_chunks(
    postings: Postings, clause: Clause, check: Callable[[], None] = _NO_CHECK
) -> ChunkScores:
    """Every chunk matching `clause` with the score Whoosh's search gives it (deleted ones too:
    the caller masks them). `check` is called between steps (a search's deadline)."""
    return clause.scores(ChunkContext(postings, check))
