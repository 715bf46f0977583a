"""A clause's matching chunks with their scores, and the merges of sorted arrays of chunks.

Every clause scores all the chunks it matches at once (`Clause.scores`): index docnums,
ascending, each once, with their scores, deleted chunks included (the ranking masks them). The
merges here combine two clauses' chunks as Whoosh's matchers do (`combine`): either, both, the
better of two, or many added in turn; a chunk and a position within it make one sortable key
(`SPAN`) for the clauses that read positions (`phrase`, `near`, `similar`: read through
`ChunkContext.places`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from search.index.arrays.array_files import found_in_both

# Positions within a chunk are far below this: a chunk and a position make one sortable key.
SPAN = np.int64(1 << 32)


@dataclass(frozen=True)
class ChunkScores:
    """Matching chunks (index docnums, ascending, each once) and their scores."""

    docnums: np.ndarray
    scores: np.ndarray

    @classmethod
    def empty(cls) -> ChunkScores:
        """No chunks."""
        return cls(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64))


def distinct(values: np.ndarray) -> np.ndarray:
    """The integers of `values`, ascending, each once (`np.unique`, without its hashing);
    `values` itself where it is so already (a term's keys mostly are)."""
    if len(values) < 2 or bool(np.all(values[1:] > values[:-1])):
        return values
    return distinct_sorted(np.sort(values))


def ascending(values: np.ndarray) -> np.ndarray:
    """The integers of `values`, ascending; `values` itself where it is so already: sorting
    a long array that is costs more than seeing that it is."""
    if len(values) < 2 or bool(np.all(values[1:] >= values[:-1])):
        return values
    return np.sort(values)


def distinct_sorted(values: np.ndarray) -> np.ndarray:
    """The integers of the ascending array `values`, each once."""
    keep = np.ones(len(values), dtype=bool)
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


def either(a: ChunkScores, b: ChunkScores) -> ChunkScores:
    """Chunks either matches; where both do, their scores added (Whoosh's `UnionMatcher`)."""
    docnums, in_a, in_b = _merged(a.docnums, b.docnums)
    scores = np.zeros(len(docnums), dtype=np.float64)
    scores[in_a] = a.scores
    # Adding to 0.0 gives b's score exactly where a does not match.
    scores[in_b] += b.scores
    return ChunkScores(docnums, scores)


def both(a: ChunkScores, b: ChunkScores) -> ChunkScores:
    """Chunks both match, their scores added (Whoosh's `IntersectionMatcher`)."""
    in_a, in_b = found_in_both(a.docnums, b.docnums)
    return ChunkScores(a.docnums[in_a], a.scores[in_a] + b.scores[in_b])


def best_of(a: ChunkScores, b: ChunkScores) -> ChunkScores:
    """Chunks either matches, each scored by the better of the two on that chunk
    (`search.index.schema.disjunction.DisjunctionMaxMatcher`)."""
    docnums, in_a, in_b = _merged(a.docnums, b.docnums)
    scores = np.full(len(docnums), -np.inf)
    scores[in_a] = a.scores
    scores[in_b] = np.maximum(scores[in_b], b.scores)
    return ChunkScores(docnums, scores)


def _merged(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The chunks of two ascending arrays (each chunk once in each), ascending, each once, and
    where each chunk of `a` and of `b` stands among them: a stable sort of the two runs merges
    them in one pass, and tells the places without a binary search per chunk; two that hold
    many of the chunks up to their last are merged by marking them instead (`_marked`)."""
    if len(a) == len(b) and np.array_equal(a, b):
        # The same chunks (a word's forms in one field often are).
        places = np.arange(len(a))
        return a, places, places
    if len(a) and len(b):
        size = int(max(a[-1], b[-1])) + 1
        if len(a) + len(b) > size // _MARKED_SHARE:
            return _marked(a, b, size)
    merged = np.concatenate([a, b])
    order = np.argsort(merged, kind="stable")
    ordered = merged[order]
    first = np.ones(len(ordered), dtype=bool)
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    places = np.empty(len(merged), dtype=np.int64)
    places[order] = np.cumsum(first) - 1
    return ordered[first], places[: len(a)], places[len(a) :]


# Two arrays holding together more than one in this many of the chunks up to their last are
# merged by marking (`_marked`): at 1.8 million chunks it took about 2 ms whatever they held,
# where the sort took about 8 ns a chunk held.
_MARKED_SHARE = 5


def _marked(a: np.ndarray, b: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`_merged` of two arrays whose chunks are all below `size`: each chunk marked in an array
    of them all, a chunk's place among the marked their count before it."""
    held = np.zeros(size, dtype=bool)
    held[a] = True
    held[b] = True
    rank = np.cumsum(held, dtype=np.int32)
    rank -= 1
    return np.flatnonzero(held), rank[a].astype(np.int64), rank[b].astype(np.int64)


def added_in_turn(parts: list[ChunkScores], boost: float) -> ChunkScores:
    """Clauses' scores, each times `boost`, added chunk by chunk in clause order."""
    docnums = distinct(np.concatenate([part.docnums for part in parts]))
    scores = np.zeros(len(docnums), dtype=np.float64)
    for part in parts:
        scores[np.searchsorted(docnums, part.docnums)] += part.scores * boost
    return ChunkScores(docnums, scores)


def common(docnums: list[np.ndarray]) -> np.ndarray:
    """The chunks every one of `docnums` holds."""
    found = docnums[0]
    for other in docnums[1:]:
        found = found[found_in_both(found, other)[0]]
    return found
