"""From the chunk index to ranked documents.

The contract the rest of the search relies on: `rank_documents` returns one `RankedDocument` per
matching document, best first, each naming the chunk that matched best (the snippet and the
document page's anchor come from it). How the document score is computed is this module's
business alone.

A document scores, for each of the query's words, the best BM25F score that word gets in any
one of the document's chunks (title, question and answer together); these add up, and the sum
is scaled by the share of the query's words the document holds at all:

    score(d) = (words found in d / words in the query) * sum over words w of max over chunks c
               of BM25F(w, c)

A word is what the user typed as one unit: a word with its compound parts, a hyphenated word,
a phrase, a field query or a bracketed group. Why this, measured with `parlsearch eval` on the
development queries (MRR@10 with everything else fixed):
- The best chunk alone (all words inside one chunk, 0.86) misses documents whose question
  names one word and whose answer another, as long documents cut into sub-questions do.
- Summing every chunk's score rewards length, and counts the title, which every chunk repeats,
  once per chunk.
- Each word's best chunk (0.89) sees the document whole and counts the title once per word.
- Scaling by the share of words found (Lucene's classic coordination factor, 0.915) makes a
  document that holds every word beat one that holds a single word very often.
The weights inside BM25F: the title counts as much as the question (a Chamber question starts
by repeating its title), the answer 0.7 (answers are long and wander), and a title is fully
normalised for length (`B` = 1), so that a short title that is all query words counts most.
The chunk shown is the one whose summed score for all the words is highest.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from whoosh import query as wq
from whoosh.scoring import BM25F
from whoosh.searching import Searcher

from search.engine.chunk_scores import FieldLengths, score_chunks


def weighting() -> BM25F:
    """The BM25F model the searcher scores chunks with (see the module docstring)."""
    return BM25F(title_B=1.0)


@dataclass(frozen=True)
class RankedDocument:
    """A matching document: its id, its score, and the index docnum of its best chunk."""

    doc_id: str
    score: float
    chunk: int


@dataclass(frozen=True)
class Ranking:
    """The matching documents in order: for each, its ordinal in the document table, its score
    and the index docnum of its best chunk (arrays of equal length)."""

    ordinals: np.ndarray
    scores: np.ndarray
    chunks: np.ndarray

    @classmethod
    def empty(cls) -> Ranking:
        """No documents."""
        return cls(np.zeros(0, np.int64), np.zeros(0, np.float64), np.zeros(0, np.int64))

    def __len__(self) -> int:
        return len(self.ordinals)

    def reordered(self, order: np.ndarray) -> Ranking:
        """The same documents in another order (positions into this ranking)."""
        return Ranking(self.ordinals[order], self.scores[order], self.chunks[order])

    def document(self, position: int, ids: list[str]) -> RankedDocument:
        """The document at `position`, named by the table's `ids`."""
        ordinal = int(self.ordinals[position])
        return RankedDocument(
            ids[ordinal], float(self.scores[position]), int(self.chunks[position])
        )


class QueryWords(wq.Or):
    """The top level of a parsed query: its words, OR-ed, each kept as one clause.

    A class of its own, so that normalizing the query keeps each word's clauses (its fields,
    its compound parts) together instead of merging them into one flat OR.
    """


def query_words(query: wq.Query) -> list[wq.Query]:
    """The clauses of a query that count as the user's words."""
    return list(query.subqueries) if isinstance(query, QueryWords) else [query]


def rank_documents(
    searcher: Searcher,
    positive: wq.Query,
    chunk_documents: np.ndarray,
    lengths: FieldLengths,
    *,
    allowed: np.ndarray,
    check: Callable[[], None] = lambda: None,
) -> Ranking:
    """Rank the documents whose chunks match `positive`, best first.

    `chunk_documents` gives each chunk's document ordinal; only chunks where the boolean
    array `allowed` is true count (filters, excluded documents and deleted chunks are off).
    Ties go to the document whose best chunk comes first in the index.
    """
    words = query_words(positive)
    documents = int(chunk_documents.max(initial=-1)) + 1
    word_total = np.zeros(documents, dtype=np.float64)
    words_found = np.zeros(documents, dtype=np.int64)
    chunk_total = np.zeros(len(chunk_documents), dtype=np.float64)
    chunk_found = np.zeros(len(chunk_documents), dtype=bool)
    for word in words:
        scored = score_chunks(searcher, word, lengths, check)
        keep = allowed[scored.docnums]
        chunks, scores = scored.docnums[keep], scored.scores[keep]
        chunk_total[chunks] += scores
        chunk_found[chunks] = True
        owners = chunk_documents[chunks]
        best = np.zeros(documents, dtype=np.float64)
        np.maximum.at(best, owners, scores)
        found = np.zeros(documents, dtype=bool)
        found[owners] = True
        word_total[found] += best[found]
        words_found[found] += 1
    return _ranking(chunk_total, chunk_found, chunk_documents, word_total, words_found, len(words))


def _ranking(
    chunk_total: np.ndarray,
    chunk_found: np.ndarray,
    chunk_documents: np.ndarray,
    word_total: np.ndarray,
    words_found: np.ndarray,
    word_count: int,
) -> Ranking:
    """Each document's best chunk (highest summed score, the first on a tie), its score, and
    the documents sorted by score."""
    chunks = np.flatnonzero(chunk_found)
    owners = chunk_documents[chunks]
    order = np.lexsort((chunks, -chunk_total[chunks], owners))
    chunks, owners = chunks[order], owners[order]
    first = np.ones(len(owners), dtype=bool)
    first[1:] = owners[1:] != owners[:-1]
    best_chunks, ordinals = chunks[first], owners[first]
    scores = word_total[ordinals] * words_found[ordinals] / word_count
    ranked = np.lexsort((best_chunks, -scores))
    return Ranking(ordinals[ranked], scores[ranked], best_chunks[ranked])
