"""One term of one field: what a word's forms are made of, and what a quoted single word is.

A term scores its chunks by BM25F (`bm25`), times its boost (the field's, or the share of the
exact-form bonus). Quoted, a single word is its term in the unstemmed twin of each field
(`"trein"`): in a text it matches as typed, case and accents aside; a term of a stemmed field
matches in any form.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from search.engine.query.chunks import ChunkScores
from search.engine.query.clause import Clause
from search.engine.query.context import ChunkContext
from search.engine.query.word import TypedWord
from search.index.arrays.postings import Postings
from search.index.schema import EXACT_SUFFIX


@dataclass(frozen=True)
class Term(Clause):
    """A term (`text`) of a field, its score times `boost`."""

    fieldname: str
    text: str
    boost: float = 1.0

    def scores(self, context: ChunkContext) -> ChunkScores:
        """The term's chunks, scored as `whoosh.scoring.BM25FScorer` scores them."""
        context.check()
        found = context.found(self.fieldname, self.text)
        if found is None:
            return ChunkScores.empty()
        return context.scored(self.fieldname, found, self.boost)

    def estimate(self, context: ChunkContext) -> int:
        """The chunks holding the term."""
        found = context.found(self.fieldname, self.text)
        return 0 if found is None else len(found.docnums)

    def costs(self, postings: Postings, check: Callable[[], None]) -> Iterator[int]:
        """One term."""
        yield 1

    def word(self) -> TypedWord:
        """The word as typed (an unstemmed field's term) or in any form (a stem)."""
        if self.fieldname.endswith(EXACT_SUFFIX):
            return TypedWord(self.text, exact=frozenset([self.text]))
        return TypedWord(self.text, stems=frozenset([self.text]))
