"""A compound's parts close together: "directeur van de gevangenis" for `gevangenisdirecteur`.

A typed compound matches a chunk that holds each of its parts, as a word or inside another
compound, in any order, with at most `NEAR_WINDOW` positions from the first to the last of them
(stopwords count as positions). One part alone never matches. To Whoosh this is an unordered
span query (its own matcher finds the same chunks); the engine scores it itself, higher the
nearer the parts stand (`search.engine.query.near`).
"""

from __future__ import annotations

from whoosh import query as wq
from whoosh.query.spans import SpanNear2, SpanOr

# The most positions from the first to the last part: a noun phrase with an article and an
# adjective ("de directeur van de centrale gevangenis") fits, two clauses rarely do.
NEAR_WINDOW = 5


class PartsNear(SpanNear2):
    """The parts of a compound near each other; each part is a `SpanOr` of its terms (the word
    itself and the word inside another compound)."""

    boost = 1.0

    def __init__(self, qs, slop: int = NEAR_WINDOW, ordered: bool = False, mindist: int = 0):
        super().__init__(qs, slop=slop, ordered=ordered, mindist=mindist)

    @classmethod
    def of_terms(cls, fieldname: str, parts: list[list[str]], boost: float = 1.0) -> PartsNear:
        """Each part given as the terms that stand for it."""
        near = cls(
            [SpanOr([wq.Term(fieldname, term, boost=boost) for term in terms]) for terms in parts]
        )
        return near

    def part_terms(self) -> list[list[wq.Term]]:
        """Each part's terms."""
        return [list(part.subqs) for part in self.qs]

    def estimate_size(self, ixreader) -> int:
        """At most as many chunks as the rarest part's terms are in."""
        return min(
            sum(ixreader.doc_frequency(term.fieldname, term.text) for term in terms)
            for terms in self.part_terms()
        )

    def estimate_min_size(self, ixreader) -> int:
        return 0

    def field(self) -> str | None:
        return self.qs[0].subqs[0].field() if self.qs else None
