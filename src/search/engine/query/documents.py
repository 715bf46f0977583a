"""Evaluating a query over documents: what each node matches, and the chunks' summed scores.

A clause scores chunks (`Clause.scores`); a document scores the best of its allowed chunks for
that clause; the counted clauses' chunks and scores are kept, and the sum of what they scored
in a chunk, from which the ranking picks a document's best chunk (`search.engine.ranking`), is
worked out for the documents a page shows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from search.engine.query.chunks import ChunkScores
from search.engine.query.context import ChunkContext
from search.index.arrays.array_files import found_in_sorted
from search.index.arrays.document_table import DocumentTable
from search.index.arrays.postings import Postings

if TYPE_CHECKING:
    from search.engine.query.clause import Clause


@dataclass
class Matched:
    """Which documents a node matches, and each one's score."""

    matched: np.ndarray
    scores: np.ndarray


def or_documents(text: Matched, documents: np.ndarray, bonus: float) -> Matched:
    """What `text` matched, and besides the documents of the mask `documents`, which score
    `bonus` more (the people a query names, the documents it refers to)."""
    scores = text.scores.copy()
    scores[documents] += bonus
    return Matched(text.matched | documents, scores)


class DocumentScoring:
    """Evaluates one query's nodes over documents, keeping each chunk's summed score."""

    def __init__(
        self,
        postings: Postings,
        table: DocumentTable,
        allowed: np.ndarray,
        check: Callable[[], None],
    ) -> None:
        self.table = table
        self.allowed = allowed if allowed is table.live_chunks else allowed & table.live_chunks
        self.documents = len(table.ids)
        self.context = ChunkContext(postings, check)
        # Each counted clause's allowed chunks and their scores.
        self.counted: list[ChunkScores] = []

    def chunk_totals(self, chunks: np.ndarray) -> np.ndarray:
        """The summed score of the counted clauses in each of `chunks` (0 in a chunk none
        matched), each clause's added in turn: worked out for the chunks a page shows, not
        for every chunk a clause matches (over a whole chunk array, about 2 ms a search at
        500,000 documents)."""
        totals = np.zeros(len(chunks), dtype=np.float64)
        for clause in self.counted:
            at, present = found_in_sorted(clause.docnums, chunks)
            totals[present] += clause.scores[at[present]]
        return totals

    def nothing(self) -> Matched:
        """No document, each scoring 0."""
        return Matched(np.zeros(self.documents, dtype=bool), self.zeros())

    def everything(self) -> Matched:
        """Every document, each scoring 0."""
        return Matched(np.ones(self.documents, dtype=bool), self.zeros())

    def zeros(self) -> np.ndarray:
        """A score of 0 for each document."""
        return np.zeros(self.documents, dtype=np.float64)

    def clause(self, clause: Clause, counted: bool) -> Matched:
        """The documents holding an allowed chunk `clause` matches, each scoring its best."""
        scored = clause.scores(self.context)
        keep = self.allowed[scored.docnums]
        chunks, scores = scored.docnums[keep], scored.scores[keep]
        if counted:
            self.counted.append(ChunkScores(chunks, scores))
        owners = self.table.chunk_document[chunks]
        best = self.zeros()
        np.maximum.at(best, owners, scores)
        matched = np.zeros(self.documents, dtype=bool)
        matched[owners] = True
        return Matched(matched, best)
