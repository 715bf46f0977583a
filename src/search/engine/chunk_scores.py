"""Score all the chunks a query matches at once, with numpy, over the postings arrays.

Ranking documents needs every matching chunk's score for each query word, not only the best
few: a document's score sums its best chunk per word, and `total` and the facets count every
matching document. The postings are arrays (`search.index.postings`, mapped from each segment's
postings file), so a term's chunks and weights are two slices, scored with Whoosh's BM25F over
an array of the chunks' field lengths, and clauses are combined as Whoosh combines them: an
`Or` adds the scores of its clauses, an `And` adds them where all match, the word's
`DisjunctionMax` (`disjunction.py`) takes the best clause on each chunk. The formula, the
statistics (deleted chunks count, as in Whoosh) and the pairing of clauses in which Whoosh adds
them are Whoosh's, so the scores are the numbers Whoosh's own search gives (the tests compare
them).

Phrases score as Whoosh scores them too (the sum of their words' scores, in the chunks where the
words stand in order), found from the words' positions. Two query types score in a way of this
project's own:
- a pattern (`trein*`, `ve?koop`) scores as one term: BM25F over the occurrences of all the
  words it matches in a chunk, with the inverse document frequency of the chunks holding any of
  them, so that a chunk counts by how much it says of the pattern, never by how many different
  words it matches, and a rare variant (a typo) weighs no more than the common form (Whoosh
  adds one score per matching word);
- a compound's parts close together (`near.PartsNear`) score the sum of each part's best term,
  times `NEAR_WEIGHT` and divided by one plus the number of other words between them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from whoosh import query as wq
from whoosh.scoring import BM25F

from search.index.arrays.postings import LENGTH_OF_BYTE, Postings, TermPostings
from search.index.schema.disjunction import DisjunctionMax
from search.index.schema.near import NEAR_WINDOW, PartsNear

# Up to this many chunks (or from `Or.TOO_MANY_CLAUSES` clauses), Whoosh scores an OR of more
# than two clauses by adding each clause's scores into an array in turn
# (`query.compound.Or._matcher`); otherwise through a tree of pairs.
_PRELOAD_LIMIT = 5000
_NO_CHECK: Callable[[], None] = lambda: None  # noqa: E731
# A compound's parts near each other count less than the compound itself: two common words
# close together say less than the one rare word they make.
NEAR_WEIGHT = 0.5
# Positions within a chunk are far below this: a chunk and a position make one sortable key.
_SPAN = np.int64(1 << 32)


@dataclass(frozen=True)
class ChunkScores:
    """Matching chunks (index docnums, ascending, each once) and their scores."""

    docnums: np.ndarray
    scores: np.ndarray

    @classmethod
    def empty(cls) -> ChunkScores:
        return cls(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64))


def score_chunks(
    postings: Postings, query: wq.Query, model: BM25F, check: Callable[[], None] = _NO_CHECK
) -> ChunkScores:
    """Every chunk matching `query` with the score Whoosh's search gives it (deleted ones too:
    the caller masks them). `check` is called between steps (a search's deadline)."""
    return _Scorer(postings, model, check).scores(query)


def pattern_terms(postings: Postings, query: wq.PatternQuery) -> list[bytes]:
    """The terms of its field a prefix or wildcard matches, in order."""
    fieldname = query.field()
    if isinstance(query, wq.Prefix):
        return postings.expand(fieldname, query.text.encode("utf-8"))
    pattern = re.compile(query._get_pattern())
    prefix = query._find_prefix(query.text).encode("utf-8")
    return [
        btext
        for btext in postings.expand(fieldname, prefix)
        if pattern.match(btext.decode("utf-8"))
    ]


class _Scorer:
    """Scores one query's clauses over one generation's postings."""

    def __init__(self, postings: Postings, model: BM25F, check: Callable[[], None]) -> None:
        self.postings = postings
        self.model = model
        self.check = check
        # Each term's and pattern's postings, looked up once per query (estimates and scores
        # both need them).
        self._looked_up: dict[tuple[str, bytes], TermPostings] = {}
        self._patterns: dict[wq.Query, TermPostings] = {}

    def scores(self, query: wq.Query) -> ChunkScores:
        if isinstance(query, wq.Term):
            self.check()
            return self._term(query.fieldname, query.text, query.boost)
        if isinstance(query, wq.Prefix | wq.Wildcard):
            self.check()
            return self._pattern(query)
        if isinstance(query, wq.Phrase):
            return self._phrase(query)
        if isinstance(query, PartsNear):
            return self._near(query)
        if isinstance(query, wq.Every):
            # Every chunk, scoring its boost (Whoosh's `Every` matcher).
            count = self.postings.doc_count_all
            return ChunkScores(np.arange(count, dtype=np.int64), np.full(count, float(query.boost)))
        if query is wq.NullQuery:
            return ChunkScores.empty()
        if isinstance(query, wq.Or | DisjunctionMax | wq.And) and not _special(query):
            return self._compound(query)
        raise TypeError(f"no array scoring for {query!r}")

    def _compound(self, query: wq.CompoundQuery) -> ChunkScores:
        subqueries = query.subqueries
        parts = [self.scores(sub) for sub in subqueries]
        if not parts:
            return ChunkScores.empty()
        if len(parts) == 1:
            combined = parts[0]
        else:
            sizes = [self.estimate(sub) for sub in subqueries]
            if isinstance(query, DisjunctionMax):
                combined = _weighted_tree(_best_of, parts, sizes)
            elif isinstance(query, wq.And):
                combined = _weighted_tree(_both, parts, [-size for size in sizes])
            elif len(parts) > 2 and (
                self.postings.doc_count_all <= _PRELOAD_LIMIT
                or len(parts) >= query.TOO_MANY_CLAUSES
            ):
                # Whoosh's `PreloadedOr`: each clause's boosted scores added in turn.
                return _added_in_turn(parts, query.boost)
            else:
                combined = _weighted_tree(_either, parts, sizes)
        if query.boost != 1.0:
            return ChunkScores(combined.docnums, combined.scores * query.boost)
        return combined

    def estimate(self, query: wq.Query) -> int:
        """How many chunks a query may match, as Whoosh's `estimate_size` says: it decides
        the order in which Whoosh adds clauses, and so the last bits of the sums."""
        if isinstance(query, wq.Term):
            found = self._found(query.fieldname, query.text)
            return 0 if found is None else len(found.docnums)
        if isinstance(query, wq.Prefix | wq.Wildcard):
            return len(self._pattern_postings(query).docnums)
        if isinstance(query, PartsNear):
            return min(sum(map(self.estimate, terms)) for terms in query.part_terms())
        if isinstance(query, wq.Phrase):
            return min(
                (self.estimate(wq.Term(query.fieldname, word)) for word in query.words), default=0
            )
        if isinstance(query, wq.And):
            return min(map(self.estimate, query.subqueries))
        if isinstance(query, wq.Every):
            return self.postings.doc_count
        if query is wq.NullQuery:
            return 0
        return min(sum(map(self.estimate, query.subqueries)), self.postings.doc_count)

    def _bytes(self, fieldname: str, text) -> bytes | None:
        """A term's bytes in its field, None where the field cannot hold it."""
        if fieldname not in self.postings.schema:
            return None
        field = self.postings.schema[fieldname]
        if not field.indexed:
            return None
        try:
            return field.to_bytes(text)
        except ValueError:
            return None

    def _found(self, fieldname: str, text) -> TermPostings | None:
        """A term's postings, None where it has none."""
        btext = self._bytes(fieldname, text)
        if btext is None:
            return None
        found = self._lookup(fieldname, btext)
        return found if len(found.docnums) else None

    def _lookup(self, fieldname: str, btext: bytes) -> TermPostings:
        key = (fieldname, btext)
        if key not in self._looked_up:
            self._looked_up[key] = self.postings.term(fieldname, btext)
        return self._looked_up[key]

    def _term(self, fieldname: str, text, boost: float) -> ChunkScores:
        """A term's chunks, scored as `whoosh.scoring.BM25FScorer` scores them (a field
        without lengths scores its weights, as Whoosh's `WeightScorer`)."""
        found = self._found(fieldname, text)
        return ChunkScores.empty() if found is None else self._scored(fieldname, found, boost)

    def _scored(self, fieldname: str, found: TermPostings, boost: float) -> ChunkScores:
        scores = self._bm25(fieldname, found.docnums, found.weights, len(found.docnums), boost)
        return ChunkScores(found.docnums, scores)

    def _bm25(
        self,
        fieldname: str,
        docnums: np.ndarray,
        weights: np.ndarray,
        frequency: int,
        boost: float,
    ) -> np.ndarray:
        """Whoosh's `scoring.bm25` over arrays, operation for operation."""
        if not self.postings.schema[fieldname].scorable:
            return weights * boost if boost != 1.0 else weights
        model = self.model
        b = model._field_B.get(fieldname, model.B)
        k1 = model.K1
        idf = self.postings.idf_of(frequency)
        average = self.postings.avg_field_length(fieldname) or 1
        length = LENGTH_OF_BYTE[self.postings.lengths[fieldname][docnums]]
        scores = idf * ((weights * (k1 + 1)) / (weights + k1 * ((1 - b) + b * length / average)))
        if boost != 1.0:
            scores = scores * boost
        return scores

    def _pattern(self, query: wq.PatternQuery) -> ChunkScores:
        """A prefix or wildcard scored as one term (see the module docstring)."""
        found = self._pattern_postings(query)
        if not len(found.docnums):
            return ChunkScores.empty()
        docnums, slots = np.unique(found.docnums, return_inverse=True)
        weights = np.bincount(slots, weights=found.weights)
        scores = self._bm25(query.field(), docnums, weights, len(docnums), query.boost)
        return ChunkScores(docnums, scores)

    def _pattern_postings(self, query: wq.PatternQuery) -> TermPostings:
        """The postings of every term a prefix or wildcard matches, term after term."""
        if query not in self._patterns:
            fieldname = query.field()
            if isinstance(query, wq.Prefix):
                found = self.postings.pattern(fieldname, query.text.encode("utf-8"))
            else:
                pattern = re.compile(query._get_pattern())
                prefix = query._find_prefix(query.text).encode("utf-8")
                found = self.postings.pattern(
                    fieldname, prefix, lambda btext: pattern.match(btext.decode("utf-8"))
                )
            self._patterns[query] = found
        return self._patterns[query]

    def _phrase(self, phrase: wq.Phrase) -> ChunkScores:
        """The chunks where the phrase's words stand in order (at most `slop` positions apart, as
        Whoosh's `SpanNear2` allows), scored as Whoosh does: its words' scores added."""
        fieldname = phrase.fieldname
        found = [self._found(fieldname, word) for word in phrase.words]
        self.check()
        if not found or any(term is None for term in found):
            return ChunkScores.empty()
        candidates = _common([term.docnums for term in found])
        if not len(candidates):
            return ChunkScores.empty()
        ends = _keys(found[0], candidates)
        for term in found[1:]:
            self.check()
            ends = _following(ends, _keys(term, candidates), phrase.slop)
        chunks = _distinct_sorted(ends // _SPAN)
        total = np.zeros(len(chunks), dtype=np.float64)
        for term in found:
            scored = self._scored(fieldname, term, 1.0)
            total += scored.scores[np.searchsorted(term.docnums, chunks)]
        if phrase.boost != 1.0:
            total = total * phrase.boost
        return ChunkScores(chunks, total)

    def _near(self, near: PartsNear) -> ChunkScores:
        """The chunks holding every part of a compound within `NEAR_WINDOW` positions, scored by
        the sum of each part's best term, weighed by how close they stand (see the module
        docstring)."""
        parts = []
        for terms in near.part_terms():
            found = [(term, self._found(term.fieldname, term.text)) for term in terms]
            found = [(term, postings) for term, postings in found if postings is not None]
            scored = [
                self._scored(term.fieldname, postings, term.boost) for term, postings in found
            ]
            best = _weighted_tree(_best_of, scored, [0] * len(scored)) if scored else None
            parts.append(([postings for _, postings in found], best))
        self.check()
        if any(best is None for _, best in parts):
            return ChunkScores.empty()
        candidates = _common([best.docnums for _, best in parts])
        if not len(candidates):
            return ChunkScores.empty()
        places = [
            _distinct(np.concatenate([_keys(postings, candidates) for postings in found]))
            for found, _ in parts
        ]
        chunks, widths = _narrowest(places)
        keep = widths <= NEAR_WINDOW
        chunks, widths = chunks[keep], widths[keep]
        total = np.zeros(len(chunks), dtype=np.float64)
        for _, best in parts:
            total += best.scores[np.searchsorted(best.docnums, chunks)]
        between = np.maximum(widths - (len(parts) - 1), 0)
        return ChunkScores(chunks, total * (NEAR_WEIGHT * near.boost) / (1 + between))


def _special(query: wq.CompoundQuery) -> bool:
    """Whether an OR asks for what only Whoosh's own matchers do (a minimum to match, a scale,
    a matcher type of its own)."""
    if getattr(query, "minmatch", 0) or getattr(query, "scale", None):
        return True
    return isinstance(query, wq.Or) and query.matcher_type != wq.Or.AUTO_MATCHER


def _keys(term: TermPostings, chunks: np.ndarray) -> np.ndarray:
    """The sorted keys (chunk, position) of a term's positions in `chunks` (ascending): only
    the positions of those chunks are read."""
    at = np.searchsorted(term.docnums, chunks)
    inside = at < len(term.docnums)
    at, wanted = at[inside], chunks[inside]
    owners, positions = term.positions(at[term.docnums[at] == wanted])
    return np.sort(term.docnums[owners] * _SPAN + positions)


def _following(ends: np.ndarray, keys: np.ndarray, slop: int) -> np.ndarray:
    """The keys of `keys` that follow one of `ends` in the same chunk by 1 to `slop`
    positions: where a chain of the phrase's words so far can go on."""
    if not len(ends) or not len(keys):
        return keys[:0]
    before = np.searchsorted(ends, keys, side="left") - 1
    found = before >= 0
    nearest = ends[np.maximum(before, 0)]
    return keys[found & (keys - nearest <= slop) & (keys // _SPAN == nearest // _SPAN)]


def _narrowest(places: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """For each chunk holding every part, the fewest positions from first to last that take one
    position of each part: the narrowest window starts at some part's position, and reaches the
    first position at or after it of every other part."""
    starts = _distinct(np.concatenate(places))
    reach = np.zeros(len(starts), dtype=np.int64)
    complete = np.ones(len(starts), dtype=bool)
    for keys in places:
        at = np.searchsorted(keys, starts, side="left")
        inside = at < len(keys)
        nearest = keys[np.minimum(at, len(keys) - 1)]
        complete &= inside & (nearest // _SPAN == starts // _SPAN)
        reach = np.maximum(reach, nearest - starts)
    starts, reach = starts[complete], reach[complete]
    # The starts are ascending, so each chunk's stand together: the narrowest of each run.
    chunks = starts // _SPAN
    first = np.ones(len(chunks), dtype=bool)
    first[1:] = chunks[1:] != chunks[:-1]
    if not len(chunks):
        return chunks, reach
    return chunks[first], np.minimum.reduceat(reach, np.flatnonzero(first))


def _weighted_tree(pair, parts: list[ChunkScores], weights: list) -> ChunkScores:
    """Clauses combined two by two, lightest first, as `whoosh.util.make_weighted_tree` pairs
    their matchers, so that sums are added in Whoosh's order and give the same numbers."""
    pending = sorted(zip(weights, range(len(parts)), parts, strict=True), key=lambda item: item[0])
    order = len(parts)
    while len(pending) > 1:
        (wa, _, a), (wb, _, b) = pending[0], pending[1]
        del pending[:2]
        merged = (wa + wb, order, pair(a, b))
        order += 1
        place = next((n for n, item in enumerate(pending) if item[0] > merged[0]), len(pending))
        pending.insert(place, merged)
    return pending[0][2]


def _distinct(values: np.ndarray) -> np.ndarray:
    """The integers of `values`, ascending, each once (`np.unique`, without its hashing)."""
    return _distinct_sorted(np.sort(values))


def _distinct_sorted(values: np.ndarray) -> np.ndarray:
    """The integers of the ascending array `values`, each once."""
    keep = np.ones(len(values), dtype=bool)
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


def _either(a: ChunkScores, b: ChunkScores) -> ChunkScores:
    """Chunks either matches; where both do, their scores added (Whoosh's `UnionMatcher`)."""
    docnums, in_a, in_b = _merged(a.docnums, b.docnums)
    scores = np.zeros(len(docnums), dtype=np.float64)
    scores[in_a] = a.scores
    # Adding to 0.0 gives b's score exactly where a does not match.
    scores[in_b] += b.scores
    return ChunkScores(docnums, scores)


def _both(a: ChunkScores, b: ChunkScores) -> ChunkScores:
    """Chunks both match, their scores added (Whoosh's `IntersectionMatcher`)."""
    docnums, in_a, in_b = np.intersect1d(
        a.docnums, b.docnums, assume_unique=True, return_indices=True
    )
    return ChunkScores(docnums, a.scores[in_a] + b.scores[in_b])


def _best_of(a: ChunkScores, b: ChunkScores) -> ChunkScores:
    """Chunks either matches, each scored by the better of the two on that chunk
    (`disjunction.DisjunctionMaxMatcher`)."""
    docnums, in_a, in_b = _merged(a.docnums, b.docnums)
    scores = np.full(len(docnums), -np.inf)
    scores[in_a] = a.scores
    scores[in_b] = np.maximum(scores[in_b], b.scores)
    return ChunkScores(docnums, scores)


def _merged(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The chunks of two ascending arrays (each chunk once in each), ascending, each once, and
    where each chunk of `a` and of `b` stands among them: a stable sort of the two runs merges
    them in one pass, and tells the places without a binary search per chunk."""
    merged = np.concatenate([a, b])
    order = np.argsort(merged, kind="stable")
    ordered = merged[order]
    first = np.ones(len(ordered), dtype=bool)
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    places = np.empty(len(merged), dtype=np.int64)
    places[order] = np.cumsum(first) - 1
    return ordered[first], places[: len(a)], places[len(a) :]


def _added_in_turn(parts: list[ChunkScores], boost: float) -> ChunkScores:
    """Clauses' scores, each times `boost`, added chunk by chunk in clause order."""
    docnums = _distinct(np.concatenate([part.docnums for part in parts]))
    scores = np.zeros(len(docnums), dtype=np.float64)
    for part in parts:
        scores[np.searchsorted(docnums, part.docnums)] += part.scores * boost
    return ChunkScores(docnums, scores)


def _common(docnums: list[np.ndarray]) -> np.ndarray:
    """The chunks every one of `docnums` holds."""
    common = docnums[0]
    for other in docnums[1:]:
        common = np.intersect1d(common, other, assume_unique=True)
    return common
