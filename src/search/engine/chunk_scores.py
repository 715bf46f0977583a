"""Score all the chunks a query matches at once, with numpy, as Whoosh scores them one by one.

Ranking documents needs every matching chunk's score for each query word, not only the best
few: a document's score sums its best chunk per word, and `total` and the facets count every
matching document. Whoosh yields those one posting at a time through a tree of Python matcher
objects, which costs about a microsecond per posting and field; a common word in a large index
has hundreds of thousands. Here a term's postings are read a block at a time (128 postings
decoded by one `zlib`/`pickle` call, as Whoosh stores them) into arrays, scored with BM25F over
arrays of the chunks' field lengths, and combined as Whoosh combines them: an `Or` adds the
scores of its clauses, an `And` adds them where all match, the word's `DisjunctionMax`
(`disjunction.py`) takes the best clause on each chunk. The formula, and the pairing of clauses
in which Whoosh adds them, are Whoosh's, so the scores are the same numbers.

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
Any other query type is handed to Whoosh's own search. Filters become masks over chunk numbers
the same way (`chunk_mask`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.columns import NumericColumn
from whoosh.matching import FilterMatcher
from whoosh.query.wrappers import WrappingQuery
from whoosh.scoring import BM25F
from whoosh.util.numeric import byte_to_length

from search.index.disjunction import DisjunctionMax
from search.index.near import NEAR_WINDOW, PartsNear

# Up to this many chunks (or from `Or.TOO_MANY_CLAUSES` clauses), Whoosh scores an OR of more
# than two clauses by adding each clause's scores into an array in turn
# (`query.compound.Or._matcher`); otherwise through a tree of pairs.
_PRELOAD_LIMIT = 5000
_LENGTH_OF_BYTE = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)
_NO_CHECK: Callable[[], None] = lambda: None  # noqa: E731
# A compound's parts near each other count less than the compound itself: two common words
# close together say less than the one rare word they make.
NEAR_WEIGHT = 0.5


@dataclass(frozen=True)
class ChunkScores:
    """Matching chunks (index docnums, ascending, each once) and their scores."""

    docnums: np.ndarray
    scores: np.ndarray

    @classmethod
    def empty(cls) -> ChunkScores:
        return cls(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64))


class FieldLengths:
    """Each chunk's length in each scored field, as Whoosh stores it (a byte per chunk and
    field), read once per index generation."""

    def __init__(self, reader) -> None:
        self._codes = {
            name: self._read(reader, name)
            for name, field in reader.schema.items()
            if field.scorable
        }

    def of(self, fieldname: str, docnums: np.ndarray) -> np.ndarray:
        """The lengths of the chunks `docnums` in a field, as Whoosh's BM25F reads them."""
        return _LENGTH_OF_BYTE[self._codes[fieldname][docnums]]

    @staticmethod
    def _read(reader, fieldname: str) -> np.ndarray:
        codes = np.zeros(reader.doc_count_all(), dtype=np.uint8)
        for leaf, offset in reader.leaf_readers():
            column = leaf._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
            if column is None:
                continue
            if isinstance(column, NumericColumn.Reader):
                raw = column._dbfile.get(column._basepos, column._count)
                values = np.frombuffer(raw, dtype=np.uint8)
            else:
                values = np.fromiter(column, dtype=np.uint8)
            codes[offset : offset + len(values)] = values
        return codes


def score_chunks(
    searcher, query: wq.Query, lengths: FieldLengths, check: Callable[[], None] = _NO_CHECK
) -> ChunkScores:
    """Every chunk matching `query` with the score Whoosh's search gives it (deleted ones too:
    the caller masks them)."""
    if not _computable(query, searcher):
        return _whoosh_scores(searcher, query)
    return _scores(searcher, query, lengths, check)


def chunk_mask(searcher, query: wq.Query, check: Callable[[], None] = _NO_CHECK) -> np.ndarray:
    """A boolean array over chunk numbers: which chunks match `query` (a filter), deleted ones
    included (the caller masks them)."""
    mask = np.zeros(searcher.doc_count_all(), dtype=bool)
    mask[_matching(searcher, query, check)] = True
    return mask


def _computable(query: wq.Query, searcher) -> bool:
    """Whether this module scores `query` itself (else Whoosh does)."""
    if isinstance(query, WrappingQuery):
        # The deadline's wrapper (`limits.Deadline.bound`) changes no score; it is checked here.
        return hasattr(query, "deadline") and _computable(query.child, searcher)
    if type(query) is wq.Every:
        return query.fieldname in (None, "", "*")
    if type(query) is wq.Term or isinstance(query, wq.Prefix | wq.Wildcard):
        field = _field(searcher, query.field())
        return field is not None and field.scorable and not getattr(query, "minquality", 0)
    if isinstance(query, wq.Phrase | PartsNear):
        field = _field(searcher, query.field())
        return (
            field is not None
            and field.scorable
            and field.format is not None
            and field.format.supports("positions")
        )
    if isinstance(query, wq.Or | DisjunctionMax) or type(query) is wq.And:
        if getattr(query, "minmatch", 0) or getattr(query, "scale", None):
            return False
        if isinstance(query, wq.Or) and query.matcher_type != wq.Or.AUTO_MATCHER:
            return False
        return all(_computable(sub, searcher) for sub in query.subqueries)
    return False


def _field(searcher, fieldname: str | None):
    return searcher.schema[fieldname] if fieldname in searcher.schema.names() else None


def _scores(searcher, query: wq.Query, lengths: FieldLengths, check) -> ChunkScores:
    if isinstance(query, WrappingQuery):
        check()
        return _scores(searcher, query.child, lengths, check)
    if isinstance(query, wq.Term):
        check()
        return _term_scores(searcher, query, lengths)
    if isinstance(query, wq.Prefix | wq.Wildcard):
        check()
        return _pattern_scores(searcher, query, lengths)
    if isinstance(query, wq.Phrase):
        return _phrase_scores(searcher, query, lengths, check)
    if isinstance(query, PartsNear):
        return _near_scores(searcher, query, lengths, check)
    if isinstance(query, wq.Every):
        # Every chunk, scoring its boost (Whoosh's `Every` matcher).
        count = searcher.doc_count_all()
        return ChunkScores(np.arange(count, dtype=np.int64), np.full(count, float(query.boost)))
    subqueries = query.subqueries
    parts = [_scores(searcher, sub, lengths, check) for sub in subqueries]
    if len(parts) == 1:
        return parts[0]
    reader = searcher.reader()
    sizes = [sub.estimate_size(reader) for sub in subqueries]
    if isinstance(query, DisjunctionMax):
        combined = _weighted_tree(_best_of, parts, sizes)
    elif isinstance(query, wq.And):
        combined = _weighted_tree(_both, parts, [-size for size in sizes])
    elif len(parts) > 2 and (
        searcher.doc_count_all() <= _PRELOAD_LIMIT or len(parts) >= query.TOO_MANY_CLAUSES
    ):
        # Whoosh's `PreloadedOr`: each clause's boosted scores added in turn.
        return _added_in_turn(parts, query.boost)
    else:
        combined = _weighted_tree(_either, parts, sizes)
    if query.boost != 1.0:
        return ChunkScores(combined.docnums, combined.scores * query.boost)
    return combined


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


def _either(a: ChunkScores, b: ChunkScores) -> ChunkScores:
    """Chunks either matches; where both do, their scores added (Whoosh's `UnionMatcher`)."""
    docnums = np.union1d(a.docnums, b.docnums)
    scores = np.zeros(len(docnums), dtype=np.float64)
    scores[np.searchsorted(docnums, a.docnums)] = a.scores
    # Adding to 0.0 gives b's score exactly where a does not match.
    scores[np.searchsorted(docnums, b.docnums)] += b.scores
    return ChunkScores(docnums, scores)


def _both(a: ChunkScores, b: ChunkScores) -> ChunkScores:
    """Chunks both match, their scores added (Whoosh's `IntersectionMatcher`)."""
    docnums, in_a, in_b = np.intersect1d(a.docnums, b.docnums, return_indices=True)
    return ChunkScores(docnums, a.scores[in_a] + b.scores[in_b])


def _best_of(a: ChunkScores, b: ChunkScores) -> ChunkScores:
    """Chunks either matches, each scored by the better of the two on that chunk
    (`disjunction.DisjunctionMaxMatcher`)."""
    docnums = np.union1d(a.docnums, b.docnums)
    scores = np.full(len(docnums), -np.inf)
    scores[np.searchsorted(docnums, a.docnums)] = a.scores
    in_b = np.searchsorted(docnums, b.docnums)
    scores[in_b] = np.maximum(scores[in_b], b.scores)
    return ChunkScores(docnums, scores)


def _added_in_turn(parts: list[ChunkScores], boost: float) -> ChunkScores:
    """Clauses' scores, each times `boost`, added chunk by chunk in clause order."""
    docnums = np.unique(np.concatenate([part.docnums for part in parts]))
    scores = np.zeros(len(docnums), dtype=np.float64)
    for part in parts:
        scores[np.searchsorted(docnums, part.docnums)] += part.scores * boost
    return ChunkScores(docnums, scores)


def _term_scores(searcher, term: wq.Term, lengths: FieldLengths) -> ChunkScores:
    """BM25F over a term's postings, as `whoosh.scoring.BM25FScorer` computes it."""
    fieldname = term.fieldname
    try:
        btext = searcher.schema[fieldname].to_bytes(term.text)
    except ValueError:
        return ChunkScores.empty()
    if (fieldname, btext) not in searcher.reader():
        return ChunkScores.empty()
    docnums, weights = _postings(searcher.reader(), fieldname, btext, with_weights=True)
    idf = searcher.idf(fieldname, btext)
    return ChunkScores(
        docnums, _bm25(searcher, fieldname, idf, docnums, weights, lengths, term.boost)
    )


def _bm25(searcher, fieldname, idf, docnums, weights, lengths, boost) -> np.ndarray:
    """Whoosh's `scoring.bm25` over arrays, operation for operation."""
    model = searcher.weighting
    assert isinstance(model, BM25F), "chunk scores are computed for BM25F only"
    b = model._field_B.get(fieldname, model.B)
    k1 = model.K1
    average = searcher.avg_field_length(fieldname) or 1
    length = lengths.of(fieldname, docnums)
    scores = idf * ((weights * (k1 + 1)) / (weights + k1 * ((1 - b) + b * length / average)))
    if boost != 1.0:
        scores = scores * boost
    return scores


def _pattern_scores(searcher, query: wq.MultiTerm, lengths: FieldLengths) -> ChunkScores:
    """A prefix or wildcard scored as one term (see the module docstring)."""
    reader = searcher.reader()
    fieldname = query.field()
    found = [_postings(reader, fieldname, btext, True) for _, btext in _expanded(query, reader)]
    if not found:
        return ChunkScores.empty()
    docnums, slots = np.unique(np.concatenate([d for d, _ in found]), return_inverse=True)
    weights = np.bincount(slots, weights=np.concatenate([w for _, w in found]))
    idf = math.log(searcher.doc_count_all() / (len(docnums) + 1)) + 1
    return ChunkScores(
        docnums, _bm25(searcher, fieldname, idf, docnums, weights, lengths, query.boost)
    )


def _phrase_scores(searcher, phrase: wq.Phrase, lengths: FieldLengths, check) -> ChunkScores:
    """The chunks where the phrase's words stand in order (at most `slop` positions apart, as
    Whoosh's `SpanNear2` allows), scored as Whoosh does: its words' scores added."""
    terms = [wq.Term(phrase.fieldname, word) for word in phrase.words]
    words = [_term_scores(searcher, term, lengths) for term in terms]
    check()
    candidates = _common(words)
    if not len(candidates):
        return ChunkScores.empty()
    positions = [_positions(searcher, term, candidates) for term in terms]
    keep = np.array(
        [_in_order([p[chunk] for p in positions], phrase.slop) for chunk in candidates.tolist()],
        dtype=bool,
    )
    chunks = candidates[keep]
    total = np.zeros(len(chunks), dtype=np.float64)
    for word in words:
        total += word.scores[np.searchsorted(word.docnums, chunks)]
    if phrase.boost != 1.0:
        total = total * phrase.boost
    return ChunkScores(chunks, total)


def _near_scores(searcher, near: PartsNear, lengths: FieldLengths, check) -> ChunkScores:
    """The chunks holding every part of a compound within `NEAR_WINDOW` positions, scored by
    the sum of each part's best term, weighed by how close they stand (see the module
    docstring)."""
    parts = []
    for terms in near.part_terms():
        scored = [_term_scores(searcher, term, lengths) for term in terms]
        parts.append((terms, _weighted_tree(_best_of, scored, [0] * len(scored))))
    check()
    candidates = _common([best for _, best in parts])
    if not len(candidates):
        return ChunkScores.empty()
    spread = []
    for terms, _ in parts:
        found = [_positions(searcher, term, candidates) for term in terms]
        spread.append(
            {
                chunk: sorted({p for f in found for p in f.get(chunk, ())})
                for chunk in candidates.tolist()
            }
        )
    widths = np.array(
        [_narrowest([part[chunk] for part in spread]) for chunk in candidates.tolist()]
    )
    keep = widths <= NEAR_WINDOW
    chunks, widths = candidates[keep], widths[keep]
    total = np.zeros(len(chunks), dtype=np.float64)
    for _, best in parts:
        total += best.scores[np.searchsorted(best.docnums, chunks)]
    between = np.maximum(widths - (len(parts) - 1), 0)
    return ChunkScores(chunks, total * (NEAR_WEIGHT * near.boost) / (1 + between))


def _common(scored: list[ChunkScores]) -> np.ndarray:
    """The chunks every one of `scored` holds."""
    common = scored[0].docnums
    for other in scored[1:]:
        common = np.intersect1d(common, other.docnums)
    return common


def _in_order(positions: list[list[int]], slop: int) -> bool:
    """Whether one position of each list follows the previous list's within `slop` (at least
    one further), as Whoosh's ordered `SpanNear2` chains spans."""
    spans = {(p, p) for p in positions[0]}
    for following in positions[1:]:
        spans = {(start, p) for start, end in spans for p in following if 1 <= p - end <= slop}
        if not spans:
            return False
    return True


def _narrowest(positions: list[list[int]]) -> int:
    """The fewest positions from first to last that take one position of each list."""
    events = sorted((p, part) for part, ps in enumerate(positions) for p in ps)
    counts = [0] * len(positions)
    covered, best, left = 0, math.inf, 0
    for position, part in events:
        counts[part] += 1
        covered += counts[part] == 1
        while covered == len(positions):
            first, first_part = events[left]
            best = min(best, position - first)
            counts[first_part] -= 1
            covered -= counts[first_part] == 0
            left += 1
    return int(best) if best != math.inf else 1 << 30


def _positions(searcher, term: wq.Term, chunks: np.ndarray) -> dict[int, list[int]]:
    """The positions of a term in each of `chunks` (those that hold it)."""
    reader = searcher.reader()
    fieldname = term.fieldname
    try:
        btext = searcher.schema[fieldname].to_bytes(term.text)
    except ValueError:
        return {}
    found: dict[int, list[int]] = {}
    for leaf, offset, matcher in _segment_postings(reader, fieldname, btext):
        ends = offset + leaf.doc_count_all()
        for docnum in chunks[(chunks >= offset) & (chunks < ends)].tolist():
            if not matcher.is_active():
                break
            if matcher.id() < docnum - offset:
                matcher.skip_to(docnum - offset)
            if matcher.is_active() and matcher.id() == docnum - offset:
                found[docnum] = list(matcher.value_as("positions"))
    return found


def _segment_postings(reader, fieldname: str, btext: bytes):
    """Each segment holding a term: its reader, its first docnum and the term's matcher there
    (deleted chunks included: the caller masks them)."""
    for leaf, offset in reader.leaf_readers():
        if (fieldname, btext) in leaf:
            matcher = leaf.postings(fieldname, btext)
            yield leaf, offset, matcher.child if isinstance(matcher, FilterMatcher) else matcher


def _postings(reader, fieldname: str, btext: bytes, with_weights: bool):
    """A term's docnums (and weights) over all segments, as arrays."""
    docnum_parts, weight_parts = [], []
    for _, offset, matcher in _segment_postings(reader, fieldname, btext):
        docnums, weights = _leaf_postings(matcher, with_weights)
        docnum_parts.append(docnums + offset)
        weight_parts.append(weights)
    if not docnum_parts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    docnums = np.concatenate(docnum_parts)
    return docnums, (np.concatenate(weight_parts) if with_weights else None)


def _leaf_postings(matcher, with_weights: bool) -> tuple[np.ndarray, np.ndarray | None]:
    """One segment's postings of a term: block by block from Whoosh's own posting format, or
    posting by posting from any other matcher (an inlined short list)."""
    ids: list = []
    weights: list = []
    if type(matcher) is W3LeafMatcher:
        while matcher.is_active():
            matcher._read_data()
            block_ids, block_weights = matcher._data[0], matcher._data[1]
            count = matcher._blocklength
            ids.append(np.cumsum(np.array(block_ids, dtype=np.int64)))
            if with_weights:
                if block_weights is None:
                    weights.append(np.ones(count, dtype=np.float64))
                elif isinstance(block_weights, float):
                    weights.append(np.full(count, block_weights, dtype=np.float64))
                else:
                    weights.append(np.array(block_weights, dtype=np.float64))
            matcher._next_block()
        docnums = np.concatenate(ids) if ids else np.zeros(0, dtype=np.int64)
    else:
        while matcher.is_active():
            ids.append(matcher.id())
            if with_weights:
                weights.append(matcher.weight())
            matcher.next()
        docnums = np.array(ids, dtype=np.int64)
        weights = [np.array(weights, dtype=np.float64)]
    if not with_weights:
        return docnums, None
    return docnums, np.concatenate(weights) if weights else np.zeros(0, dtype=np.float64)


def _whoosh_scores(searcher, query: wq.Query) -> ChunkScores:
    """Whoosh's own search, for the query types not computed here."""
    top = searcher.search(query, limit=None).top_n
    if not top:
        return ChunkScores.empty()
    scores, docnums = zip(*top, strict=True)
    order = np.argsort(np.array(docnums, dtype=np.int64))
    return ChunkScores(
        np.array(docnums, dtype=np.int64)[order], np.array(scores, dtype=np.float64)[order]
    )


def _matching(searcher, query: wq.Query, check) -> np.ndarray:
    """The docnums a filter query matches (unsorted, maybe repeated)."""
    check()
    reader = searcher.reader()
    if isinstance(query, WrappingQuery) and hasattr(query, "deadline"):
        return _matching(searcher, query.child, check)
    if type(query) is wq.Term:
        try:
            btext = searcher.schema[query.fieldname].to_bytes(query.text)
        except (KeyError, ValueError):
            return np.zeros(0, dtype=np.int64)
        return _postings(reader, query.fieldname, btext, with_weights=False)[0]
    if isinstance(query, wq.MultiTerm) and not isinstance(query, wq.Every):
        parts = [
            _postings(reader, fieldname, btext, with_weights=False)[0]
            for fieldname, btext in _expanded(query, reader)
        ]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
    if type(query) is wq.Or and not query.minmatch:
        parts = [_matching(searcher, sub, check) for sub in query.subqueries]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
    if type(query) is wq.And:
        common = None
        for sub in query.subqueries:
            found = np.unique(_matching(searcher, sub, check))
            common = found if common is None else np.intersect1d(common, found)
        return common if common is not None else np.zeros(0, dtype=np.int64)
    if query is wq.NullQuery:
        return np.zeros(0, dtype=np.int64)
    return np.fromiter(searcher.docs_for_query(query), dtype=np.int64)


def _expanded(query: wq.MultiTerm, reader):
    """The (field, term bytes) a pattern or range matches."""
    fieldname = query.field()
    return [(fieldname, btext) for btext in query._btexts(reader) if btext]
