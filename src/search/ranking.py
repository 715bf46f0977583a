"""From the chunk index to ranked documents.

The contract the rest of the search relies on: `rank_documents` returns one `RankedDocument` per
matching document, best first, each naming the chunk that matched best (the snippet and the
document page's anchor come from it). How the document score is computed is this module's
business alone.

Now: a document scores as its best chunk. The chunk is what the user lands on, and BM25F over a
passage rewards the passage that holds the query's words together.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from whoosh import query as wq
from whoosh.searching import Searcher


@dataclass(frozen=True)
class RankedDocument:
    """A matching document: its id, its score, and the index docnum of its best chunk."""

    doc_id: str
    score: float
    chunk: int


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
    results = searcher.search(positive, limit=None, filter=restrict)
    ranked: dict[str, RankedDocument] = {}
    for score, docnum in results.top_n:
        doc_id = doc_ids[docnum]
        if doc_id not in ranked and doc_id not in excluded:
            ranked[doc_id] = RankedDocument(doc_id, score, docnum)
    return list(ranked.values())
