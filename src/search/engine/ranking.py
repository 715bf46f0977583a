"""From the chunk index to ranked documents.

The contract the rest of the search relies on: `rank_documents` returns the documents that
match the query (`search.engine.query.boolean`: every word, each in some form, in any of the
document's chunks), best first, and apart from them those that hold only some of its words,
each naming the chunk that matched best (the snippet and the document page's anchor come from
it). How the document score is computed is this module's business alone, with each kind of
query's part in it (`Node.evaluate`).

A document scores, for each of the query's words, the best BM25F score that word gets in any
one of the document's chunks (title, question and answer together); these add up:

    score(d) = sum over words w of max over chunks c of BM25F(w, c)

A word is what the user typed as one unit: a word with its forms, a hyphenated word, a phrase,
a pattern, a field query or a bracketed group. Why this, measured with `parlsearch eval` on the
development queries (MRR@10 with everything else fixed):
- The best chunk alone (all words inside one chunk, 0.86) misses documents whose question
  names one word and whose answer another, as long documents cut into sub-questions do.
- Summing every chunk's score rewards length, and counts the title, which every chunk repeats,
  once per chunk.
- Each word's best chunk (0.89) sees the document whole and counts the title once per word.
A document that holds only some of the words (a partial match) is ranked apart, after all
those that hold every word, by the same sum times the share of the words it holds (Lucene's
classic coordination factor). Words joined by OR add the scores of those the document holds.
The weights inside BM25F: the title counts as much as the question (a Chamber question starts
by repeating its title), the answer 0.7 (answers are long and wander), and a title is fully
normalised for length (`B` = 1), so that a short title that is all query words counts most.
The chunk shown is the one whose summed score for all the words is highest.

Equal scores keep the corpus order: documents by their ordinal (the order a build reads the
corpus), a document's chunks by their place in it; so a build with one process or with
several, or an update, lists ties alike.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np
from whoosh.scoring import BM25F

from search.engine.query.bm25 import FIELD_B, K1, B
from search.engine.query.chunks import ChunkScores
from search.engine.query.clause import Node
from search.engine.query.documents import DocumentScoring
from search.index.arrays.array_files import found_in_sorted, gathered_runs
from search.index.arrays.document_table import DocumentTable
from search.index.arrays.postings import Postings


def weighting() -> BM25F:
    """The BM25F model the Whoosh searcher scores chunks with: the parameters the arrays are
    scored with (`search.engine.query.bm25`, see the module docstring)."""
    return BM25F(B=B, K1=K1, **{f"{name}_B": value for name, value in FIELD_B.items()})


@dataclass(frozen=True)
class RankedDocument:
    """A matching document: its id, its score, and the index docnum of its best chunk."""

    doc_id: str
    score: float
    chunk: int


class Ranking:
    """The matching documents in order: for each, its ordinal in the document table and its
    score; and how to find a document's best chunk, which is worked out only for the documents
    a page shows.

    The order is worked out as far as it is asked for (`first`): a page of results needs the
    best few of the hundreds of thousands of documents a common word matches, which took
    milliseconds to sort at 500,000 documents. What is not ordered yet keeps the
    order that breaks ties; `ordinals` and `scores` (all documents in order) sort the rest, and
    `members` (all documents, in no given order) sorts nothing. A ranking belongs to one
    search: it is not shared between threads.
    """

    def __init__(
        self,
        ordinals: np.ndarray,
        scores: np.ndarray,
        best_chunks_of: Callable[[np.ndarray], np.ndarray],
        ordered: int | None = None,
    ) -> None:
        """`ordinals` and their `scores` (arrays of equal length), the first `ordered` of them
        in order (None: all), the others best first once asked for, equal scores in the order
        given."""
        self._ordinals = ordinals
        self._scores = scores
        self._ordered = len(ordinals) if ordered is None else ordered
        self.best_chunks_of = best_chunks_of

    @classmethod
    def empty(cls) -> Ranking:
        """No documents."""
        return cls(np.zeros(0, np.int64), np.zeros(0, np.float64), lambda ordinals: ordinals)

    def __len__(self) -> int:
        return len(self._ordinals)

    @property
    def members(self) -> np.ndarray:
        """Every document's ordinal, in no given order (what counting them needs)."""
        return self._ordinals

    @property
    def ordinals(self) -> np.ndarray:
        """Every document's ordinal, in order."""
        return self.first(None)[0]

    @property
    def scores(self) -> np.ndarray:
        """Every document's score, in order."""
        return self.first(None)[1]

    def first(self, count: int | None) -> tuple[np.ndarray, np.ndarray]:
        """The ordinals and scores of the first `count` documents (None: all), in order."""
        self._order(len(self) if count is None else min(count, len(self)))
        return self._ordinals[:count], self._scores[:count]

    def reordered(self, order: np.ndarray) -> Ranking:
        """The same documents in another order (positions into this ranking)."""
        ordinals, scores = self.first(None)
        return Ranking(ordinals[order], scores[order], self.best_chunks_of)

    def with_first(self, ordinals: np.ndarray, scores: np.ndarray) -> Ranking:
        """The first documents replaced by `ordinals`, scored `scores` (as many), in that
        order; the others as they are."""
        self._order(len(ordinals))
        return Ranking(
            np.concatenate([ordinals, self._ordinals[len(ordinals) :]]),
            np.concatenate([scores, self._scores[len(scores) :]]),
            self.best_chunks_of,
            self._ordered,
        )

    def chunks(self, count: int | None = None) -> np.ndarray:
        """The index docnum of the best chunk of each of the first `count` documents (None:
        all of them)."""
        return self.best_chunks_of(self.first(count)[0])

    def groups(
        self, leaders: np.ndarray, first: int, count: int
    ) -> tuple[int, list[tuple[np.ndarray, np.ndarray]]]:
        """The number of groups of documents (each document's group named by `leaders`, an
        array over the table's ordinals), and the groups `first` to `first + count` in the
        order of their best documents: each one's ordinals and scores, in order."""
        held = np.zeros(len(leaders), dtype=bool)
        held[leaders[self._ordinals]] = True
        total = int(np.count_nonzero(held))
        wanted = min(first + count, total)
        if wanted <= first:
            return total, []
        # A group's best document comes before its others: the groups of the first documents
        # ordered are the first groups. Ordered far enough to hold `wanted` of them.
        size = min(len(self), max(2 * wanted, _FIRST_ORDERED))
        while True:
            self._order(size)
            head = leaders[self._ordinals[: self._ordered]]
            _, starts = np.unique(head, return_index=True)
            if len(starts) >= wanted or self._ordered == len(self):
                break
            size = min(len(self), 4 * size)
        rest = leaders[self._ordinals[self._ordered :]]
        groups = []
        for start in np.sort(starts)[first:wanted].tolist():
            leader = head[start]
            places = np.flatnonzero(head == leader)
            later = np.flatnonzero(rest == leader) + self._ordered
            places = np.concatenate([places, later[_best_first(self._scores[later])]])
            groups.append((self._ordinals[places], self._scores[places]))
        return total, groups

    def _order(self, count: int) -> None:
        """Put the first `count` documents in order (at least: a few times more than already
        ordered, so that asking for one more at a time orders a long ranking a few times)."""
        if count <= self._ordered:
            return
        done = self._ordered
        scores = self._scores[done:]
        wanted = max(count, 2 * done, _FIRST_ORDERED) - done
        if wanted >= len(scores):
            order = _best_first(scores)
        else:
            best = _best(scores, wanted)
            rest = np.ones(len(scores), dtype=bool)
            rest[best] = False
            order = np.concatenate([best, np.flatnonzero(rest)])
        self._ordinals = np.concatenate([self._ordinals[:done], self._ordinals[done:][order]])
        self._scores = np.concatenate([self._scores[:done], scores[order]])
        self._ordered = done + min(wanted, len(scores))


# The documents a ranking puts in order at first: a page or two of results and their copies.
_FIRST_ORDERED = 256


@dataclass(frozen=True)
class Ranked:
    """The documents matching a search, and apart from them those holding only some of its
    words (none for a query of one word); and each counted clause's matching chunks."""

    full: Ranking
    partial: Ranking
    clauses: tuple[ChunkScores, ...] = ()

    def passages(self, chunks: list[int]) -> list[int]:
        """Of a document's chunks (in their order in it), those where some word of the query
        scores best in the document (the first on a tie): the passages its score counts."""
        if not chunks:
            return []
        mine = np.array(chunks, dtype=np.int64)
        chosen: set[int] = set()
        for clause in self.clauses:
            at, present = found_in_sorted(clause.docnums, mine)
            if present.any():
                chosen.add(chunks[int(np.argmax(np.where(present, clause.scores[at], -np.inf)))])
        return [chunk for chunk in chunks if chunk in chosen]


def rank_documents(
    postings: Postings,
    node: Node,
    table: DocumentTable,
    *,
    allowed: np.ndarray,
    check: Callable[[], None] = lambda: None,
) -> Ranked:
    """Rank the documents matching `node`, best first, and those matching some of its words.

    Only chunks where the boolean array `allowed` is true count (filters and deleted chunks
    are off). Ties go to the document that comes first in the corpus.
    """
    scoring = DocumentScoring(postings, table, allowed, check)
    words = node.top_words()
    results = [word.evaluate(scoring) for word in words]
    if allowed is table.live_chunks:
        # No filter: every document with a live chunk.
        document_allowed = table.live_documents
    else:
        # Counting each document's allowed chunks is cheaper than marking them one by one.
        chunk_counts = np.bincount(table.chunk_document[scoring.allowed], minlength=len(table.ids))
        document_allowed = chunk_counts > 0
    excluded = np.zeros(len(table.ids), dtype=bool)
    for without in node.negative:
        excluded |= without.child.evaluate(scoring, counted=False).matched
    total = np.zeros(len(table.ids), dtype=np.float64)
    found = np.zeros(len(table.ids), dtype=np.int64)
    for result in results:
        # Added at the word's documents alone: over hundreds of thousands of documents a
        # masked sum over all of them costs several times as much, for the same sums.
        held = np.flatnonzero(result.matched)
        total[held] += result.scores[held]
        found[held] += 1
    candidates = document_allowed & ~excluded
    full = candidates & (found == len(words))
    partial = candidates & (found > 0) & ~full
    return Ranked(
        _ranking(scoring, full, total),
        # Scored by the share of the words they hold.
        _ranking(scoring, partial, total, found, max(len(words), 1)),
        tuple(scoring.counted),
    )


def _ranking(
    scoring: DocumentScoring,
    documents: np.ndarray,
    scores: np.ndarray,
    found: np.ndarray | None = None,
    words: int = 1,
) -> Ranking:
    """The documents of the mask `documents`, best first (the first in the corpus on a tie),
    each with its best chunk: the one whose summed score is highest (the first in the document
    on a tie), else its first chunk. With `found`, each document's score is multiplied by the
    share of the `words` it holds."""
    ordinals = np.flatnonzero(documents)
    chosen = scores[ordinals]
    if found is not None:
        chosen = chosen * (found[ordinals] / words)
    return Ranking(ordinals, chosen, partial(_best_chunks, scoring), ordered=0)


def _best_chunks(scoring: DocumentScoring, ordinals: np.ndarray) -> np.ndarray:
    """The best chunk of each of these documents (see `_ranking`)."""
    table = scoring.table
    starts = table.chunk_starts[ordinals]
    sizes = table.chunk_starts[ordinals + 1] - starts
    # Each document's live chunks in their order in it.
    chunks = table.chunk_order[gathered_runs(starts, sizes)]
    owners = np.repeat(np.arange(len(ordinals)), sizes)
    allowed = scoring.allowed[chunks]
    chunks, owners = chunks[allowed], owners[allowed]
    order = np.lexsort((table.chunk_position[chunks], -scoring.chunk_totals(chunks), owners))
    chunks, owners = chunks[order], owners[order]
    first = np.ones(len(owners), dtype=bool)
    first[1:] = owners[1:] != owners[:-1]
    best = np.zeros(len(ordinals), dtype=np.int64)
    best[owners[first]] = chunks[first]
    return best


def stable_order(keys: np.ndarray) -> np.ndarray:
    """The positions of the integers (or booleans) `keys` in ascending order, equal keys in
    their order (a stable sort). Keys spanning fewer than 65,536 values (the days documents
    are dated, whether they are dated) are sorted as 16-bit numbers, by radix: several times
    faster than a stable sort of wider integers."""
    keys = keys.view(np.uint8) if keys.dtype == bool else keys
    if len(keys) and int(keys.max()) - int(keys.min()) < 1 << 16:
        return np.argsort((keys - keys.min()).astype(np.uint16), kind="stable")
    return np.argsort(keys, kind="stable")


def _best(scores: np.ndarray, count: int) -> np.ndarray:
    """The positions of the `count` highest of `scores` (fewer than there are), highest first,
    equal scores in their order: the first `count` of `_best_first`, without sorting the
    others."""
    threshold = np.partition(scores, len(scores) - count)[len(scores) - count]
    above = np.flatnonzero(scores > threshold)
    tied = np.flatnonzero(scores == threshold)[: count - len(above)]
    chosen = np.sort(np.concatenate([above, tied]))
    if len(chosen) < count:
        # Scores that are not numbers, which the partition takes for the highest and a sort
        # puts last: sorted in full.
        return _best_first(scores)[:count]
    return chosen[_best_first(scores[chosen])]


def _best_first(scores: np.ndarray) -> np.ndarray:
    """The positions of `scores`, highest first, equal scores in their order (a stable sort).
    Up to 65,536 scores, each one's rank among the distinct scores fits 16 bits, and numpy
    sorts those stably by radix, about twice as fast as a stable sort of the scores."""
    if len(scores) > 1 << 16:
        return np.argsort(-scores, kind="stable")
    _, rank = np.unique(-scores, return_inverse=True)
    return stable_order(rank)
