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

from collections.abc import Sequence
from dataclasses import dataclass

from whoosh import query as wq
from whoosh.scoring import BM25F
from whoosh.searching import Searcher


def weighting() -> BM25F:
    """The BM25F model the searcher scores chunks with (see the module docstring)."""
    return BM25F(title_B=1.0)


@dataclass(frozen=True)
class RankedDocument:
    """A matching document: its id, its score, and the index docnum of its best chunk."""

    doc_id: str
    score: float
    chunk: int


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
    doc_ids: Sequence[str],
    *,
    excluded: frozenset[str] = frozenset(),
    restrict: wq.Query | None = None,
) -> list[RankedDocument]:
    """Rank the documents whose chunks match `positive`, leaving out the `excluded` documents.

    `restrict`, when given, is a filter query: only chunks matching it are considered.
    """
    words = query_words(positive)
    word_scores: dict[str, float] = {}
    words_found: dict[str, int] = {}
    chunk_scores: dict[int, float] = {}
    for word in words:
        best_per_document: dict[str, float] = {}
        for score, docnum in searcher.search(word, limit=None, filter=restrict).top_n:
            doc_id = doc_ids[docnum]
            if doc_id in excluded:
                continue
            chunk_scores[docnum] = chunk_scores.get(docnum, 0.0) + score
            best_per_document[doc_id] = max(score, best_per_document.get(doc_id, 0.0))
        for doc_id, score in best_per_document.items():
            word_scores[doc_id] = word_scores.get(doc_id, 0.0) + score
            words_found[doc_id] = words_found.get(doc_id, 0) + 1
    best_chunk: dict[str, int] = {}
    for docnum, score in chunk_scores.items():
        doc_id = doc_ids[docnum]
        current = best_chunk.get(doc_id)
        if current is None or (score, -docnum) > (chunk_scores[current], -current):
            best_chunk[doc_id] = docnum
    ranked = [
        RankedDocument(doc_id, word_scores[doc_id] * words_found[doc_id] / len(words), chunk)
        for doc_id, chunk in best_chunk.items()
    ]
    ranked.sort(key=lambda doc: (-doc.score, doc.chunk))
    return ranked
