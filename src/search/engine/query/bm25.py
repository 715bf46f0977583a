"""BM25F over the postings arrays: a term's chunks scored as Whoosh's `BM25FScorer` scores them.

The parameters are the project's own (why these: `search.engine.ranking`); `ranking.weighting`
builds Whoosh's `BM25F` from the same ones for the Whoosh searcher, so that both score alike.
The statistics are Whoosh's: the inverse document frequency and each field's average length
count deleted chunks too (`search.index.arrays.postings.Postings`).
"""

from __future__ import annotations

import numpy as np

from search.index.arrays.postings import LENGTH_OF_BYTE, Postings

K1 = 1.2
B = 0.75
# A title is fully normalised for length: a short title that is all query words counts most.
FIELD_B = {"title": 1.0}


def bm25(
    postings: Postings,
    fieldname: str,
    docnums: np.ndarray,
    weights: np.ndarray,
    frequency: int,
    boost: float,
) -> np.ndarray:
    """Whoosh's `scoring.bm25` over arrays, operation for operation: the chunks `docnums` of a
    term (or pattern) held in `frequency` chunks, with its `weights` in each (a field without
    lengths scores its weights, as Whoosh's `WeightScorer`)."""
    if not postings.schema[fieldname].scorable:
        return weights * boost if boost != 1.0 else weights
    b = FIELD_B.get(fieldname, B)
    k1 = K1
    idf = postings.idf_of(frequency)
    average = postings.avg_field_length(fieldname) or 1
    length = LENGTH_OF_BYTE[postings.lengths[fieldname][docnums]]
    scores = idf * ((weights * (k1 + 1)) / (weights + k1 * ((1 - b) + b * length / average)))
    if boost != 1.0:
        scores = scores * boost
    return scores
