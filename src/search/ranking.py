"""From scored chunks to ranked documents.

A document scores as its best chunk: the chunk is what the user lands on, and BM25F over a
passage rewards the passage that holds the query's words together.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def rank_documents(
    chunk_hits: Iterable[tuple[float, int]], doc_ids: Sequence[str]
) -> list[tuple[float, int]]:
    """Collapse (score, chunk docnum) pairs, best first, to one (score, best chunk) per document."""
    best: dict[str, tuple[float, int]] = {}
    for score, docnum in chunk_hits:
        doc_id = doc_ids[docnum]
        if doc_id not in best:
            best[doc_id] = (score, docnum)
    return list(best.values())
