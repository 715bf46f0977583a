"""Questions like a document's own (more-like-this): its key terms, each weighed by how key it is.

A document page lists the questions most like its own: the key terms of its question text
(Whoosh's `key_terms_from_text`, with their weights) searched in the question field as one
clause, so that a document scores its best chunk for all of them together.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from search.engine.query.combine import Sum
from search.engine.query.term import Term

RELATED_FIELD = "question"


@dataclass(frozen=True)
class Similar(Sum):
    """Key terms of the question field, each boosted by its weight, their scores added."""

    @classmethod
    def to(cls, key_terms: Iterable[tuple[str, float]]) -> Similar:
        """The clause of (word, weight) key terms."""
        return cls(tuple(Term(RELATED_FIELD, word, weight) for word, weight in key_terms))
