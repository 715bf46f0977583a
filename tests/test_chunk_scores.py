"""The array scoring and ranking against plain Whoosh and hand-made references, on the small real
index and on the same index after an update (two segments, deleted chunks).

The query's clauses (`search.engine.query`, converted from Whoosh's parsed queries) score every
matching chunk over the postings arrays instead of Whoosh's matchers. A word's forms (terms,
their disjunction max and the fields' sum) and phrases must score as Whoosh's own search scores
them; a compound's parts in a phrase and a pattern scored as one term are this project's own,
so they are checked against references computed here from Whoosh's postings. The ranking of
documents (every word in the document, each by its best chunk) is checked against the same rule
applied to one Whoosh search per word.
"""

import gzip
import json
import math
import shutil

import numpy as np
import pytest
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.matching import FilterMatcher

from search.engine.filters import filter_masks, parse_filters
from search.engine.generation import SharedGeneration
from search.engine.query.chunks import (
    ChunkScores,
    ascending,
    best_of,
    both,
    common,
    distinct,
    either,
)
from search.engine.query.context import score_chunks
from search.engine.query.documents import DocumentScoring
from search.engine.query.fields import SCOPE_FIELDS
from search.engine.query.near import parts_in_phrases
from search.engine.query.parse import (
    AnyOf,
    QueryWords,
    clause,
    converted,
    make_parser,
    parsed,
)
from search.engine.query.reading import WordLookup, read
from search.engine.ranking import rank_documents, weighting
from search.engine.request import SearchRequest
from search.engine.searching import SearchEngine
from search.index.generations.folders import current_generation
from search.index.generations.manifest import write_manifest
from search.index.generations.writing import build_index, update_index
from search.index.schema.near import NEAR_WEIGHT, PartsNear
from tests.conftest import chamber_records, make_sample_corpus, write_jsonl

# (query, filter parameters, scope): plain words, compounds, a hyphenated word, a phrase, a field
# query, a negation, filters, a narrower scope (two fields: Whoosh adds them through its tree of
# pairs rather than in turn), a phrase with slop, a split word.
QUERIES = [
    ("groene nummers", {}, "alles"),
    ("sociale zekerheid", {}, "alles"),
    ("overheidsdiensten", {}, "alles"),
    ("werkgevers sociale", {}, "alles"),
    ("wederbeleggingsvergoeding", {}, "alles"),
    ("e-mail telefoon", {}, "alles"),
    ('"sociale zekerheid" pensioen', {}, "alles"),
    ('"nummers overheidsdiensten"~5 vraag', {}, "alles"),
    ("Sociale.Zekerheid vraag", {}, "alles"),
    ("titel:nummers minister", {}, "alles"),
    ("trein -vertraging", {}, "alles"),
    ("minister", {"partij": ["N-VA"]}, "alles"),
    ("vraag antwoord", {"van": ["2017-03-01"], "tot": ["2017-12-31"]}, "alles"),
    ("overheidsdiensten nummers", {}, "vraag"),
    ("gezondheid", {}, "antwoord"),
]
# Within this of Whoosh's own scores (in practice they are the same numbers).
TOLERANCE = 1e-6


@pytest.fixture(scope="module")
def updated_index(tmp_path_factory):
    """The sample corpus built, then updated: one document changed, one removed, two added."""
    corpus = make_sample_corpus(tmp_path_factory.mktemp("corpus"))
    index = tmp_path_factory.mktemp("index")
    build_index(corpus, index)
    sample = corpus / "dekamer" / "sample.jsonl.gz"
    with gzip.open(sample, "rt", encoding="utf-8") as lines:
        records = [json.loads(line) for line in lines]
    records[1]["answer"] += " Een trein met vertraging en sociale zekerheid."
    write_jsonl(sample, [r for r in records if r["doc_id"] != 184503])
    write_jsonl(corpus / "dekamer" / "nieuw.jsonl", chamber_records({184701, 184721}))
    update_index(corpus, index)
    return index


@pytest.fixture(scope="module", params=["built", "updated"])
def generation(request, index_dir, updated_index):
    return current_generation(index_dir if request.param == "built" else updated_index)


@pytest.fixture(scope="module")
def searcher(generation):
    ix = whoosh_index.open_dir(str(generation))
    with ix.searcher(weighting=weighting()) as searcher:
        yield searcher


@pytest.fixture(scope="module")
def shared(generation):
    return SharedGeneration.open(generation)


def test_the_updated_index_has_deleted_chunks_in_two_segments(updated_index):
    ix = whoosh_index.open_dir(str(current_generation(updated_index)))
    assert len(ix._segments()) == 2
    assert ix.doc_count() < ix.doc_count_all()


def _parsed(searcher, text: str, scope: str) -> wq.Query:
    return parsed(text, make_parser(searcher.schema, SCOPE_FIELDS[scope]))


def clauses(query: wq.Query, positive: bool = True) -> list[tuple[wq.Query, bool]]:
    """Every clause of the parsed tree (what is matched chunk by chunk), each with whether it
    counts (not under a NOT)."""
    if query is wq.NullQuery:
        return []
    if isinstance(query, QueryWords | AnyOf) or type(query) in (wq.And, wq.Or):
        return [found for sub in query.subqueries for found in clauses(sub, positive)]
    if isinstance(query, wq.AndNot):
        return clauses(query.a, positive) + clauses(query.b, not positive)
    if isinstance(query, wq.Not):
        return clauses(query.query, not positive)
    return [(query, positive)]


def _top_words(query: wq.Query) -> list[wq.Query]:
    """The parsed query's words at its top level, those under NOT left out."""
    if isinstance(query, QueryWords) or type(query) is wq.And:
        return [sub for sub in query.subqueries if not isinstance(sub, wq.Not)]
    if isinstance(query, wq.AndNot):
        return [query.a]
    return [query]


def _without_near(query: wq.Query) -> wq.Query:
    """The query with its compounds' parts in a phrase left out: what Whoosh scores alike."""
    if isinstance(query, PartsNear):
        return wq.NullQuery
    if query.is_leaf():
        return query
    return query.apply(_without_near).normalize()


def _whoosh_scores(searcher, query: wq.Query) -> dict[int, float]:
    return {docnum: score for score, docnum in searcher.search(query, limit=None).top_n}


def _array_scores(shared, query: wq.Query, live: bool = True) -> dict[int, float]:
    scored = score_chunks(shared.postings, clause(query))
    found = dict(zip(scored.docnums.tolist(), scored.scores.tolist(), strict=True))
    if live:
        return {
            chunk: score for chunk, score in found.items() if not shared.postings.deleted[chunk]
        }
    return found


@pytest.mark.parametrize(("text", "params", "scope"), QUERIES)
def test_each_word_scores_every_chunk_as_whoosh_does(searcher, shared, text, params, scope):
    positive = [query for query, counts in clauses(_parsed(searcher, text, scope)) if counts]
    assert positive
    for word in positive:
        query = _without_near(word)
        expected = _whoosh_scores(searcher, query)
        assert expected
        found = _array_scores(shared, query)
        assert found.keys() == expected.keys()
        assert found == pytest.approx(expected, rel=0, abs=TOLERANCE)


def _descendants(query: wq.Query):
    yield query
    if not query.is_leaf() and not isinstance(query, PartsNear):
        for child in query.children():
            yield from _descendants(child)


@pytest.mark.parametrize(
    "word", ["socialezekerheid", "justitieminister", "asielzoekersopvang", "vrouwengeweld"]
)
def test_a_compounds_parts_match_in_a_phrase(searcher, shared, word):
    [(parsed_word, _)] = clauses(_parsed(searcher, word, "alles"))
    matched = 0
    for near in (q for q in _descendants(parsed_word) if isinstance(q, PartsNear)):
        # Whoosh's matcher reads the phrases chunk by chunk from its own postings.
        expected = _whoosh_scores(searcher, near)
        found = _array_scores(shared, near)
        assert found.keys() == expected.keys()
        assert found == pytest.approx(expected, rel=0, abs=TOLERANCE)
        # The highlighter finds a phrase in the stored text of each of these chunks, only there.
        lookup = WordLookup()
        in_text = set()
        for chunk in range(searcher.doc_count_all()):
            if not searcher.reader().is_deleted(chunk):
                text = read(searcher.stored_fields(chunk).get(near.field()) or "")
                if parts_in_phrases(near.parts, text, lookup, []):
                    in_text.add(chunk)
        assert set(found) == in_text
        matched += len(found)
        # Never more than the parts' best terms added, times the weight of parts in a phrase.
        parts = [[term.text for term in terms] for terms in near.part_terms()]
        best = [
            {
                chunk: max(
                    _whoosh_scores(searcher, wq.Term(near.field(), term)).get(chunk, 0)
                    for term in terms
                )
                for chunk in found
            }
            for terms in parts
        ]
        for chunk, score in found.items():
            assert 0 < score <= NEAR_WEIGHT * sum(part[chunk] for part in best) + TOLERANCE
    assert matched


@pytest.mark.parametrize(
    ("field", "pattern"), [("question_exact", "belast"), ("answer_exact", "vl")]
)
def test_a_pattern_scores_as_one_term(searcher, shared, field, pattern):
    reader = searcher.reader()
    query = wq.Prefix(field, pattern)
    words = list(reader.expand_prefix(field, pattern))
    assert len(words) > 2
    assert clause(query).terms(shared.postings) == words
    # Every posting, deleted chunks' too: Whoosh's statistics count them.
    frequency: dict[int, float] = {}
    for leaf, offset in reader.leaf_readers():
        for word in words:
            if (field, word) not in leaf:
                continue
            matcher = leaf.postings(field, word)
            matcher = matcher.child if isinstance(matcher, FilterMatcher) else matcher
            while matcher.is_active():
                chunk = offset + matcher.id()
                frequency[chunk] = frequency.get(chunk, 0.0) + matcher.weight()
                matcher.next()
    idf = math.log(searcher.doc_count_all() / (len(frequency) + 1)) + 1
    model, average = searcher.weighting, searcher.avg_field_length(field)
    expected = {}
    for chunk, tf in frequency.items():
        length = reader.doc_field_length(chunk, field)
        expected[chunk] = (
            idf
            * (tf * (model.K1 + 1))
            / (tf + model.K1 * ((1 - model.B) + model.B * length / average))
        )
    scores = _array_scores(shared, query, live=False)
    assert scores == pytest.approx(expected, rel=0, abs=TOLERANCE)
    # A chunk holding many forms once each counts no more than it says of the pattern.
    assert max(scores.values()) < sum(
        max(_whoosh_scores(searcher, wq.Term(field, w)).values()) for w in words
    )


def _whoosh_ranking(searcher, query, allowed) -> list[tuple[str, float]]:
    """Documents and scores by one Whoosh search per word: a document holds every word (none
    of those under NOT) and scores the sum of its best chunk per word."""
    doc_id = {docnum: fields["doc_id"] for docnum, fields in searcher.reader().iter_docs()}

    def best(query) -> dict[str, float]:
        found: dict[str, float] = {}
        for score, docnum in searcher.search(
            _without_near(query), limit=None, filter=allowed
        ).top_n:
            found[doc_id[docnum]] = max(score, found.get(doc_id[docnum], 0.0))
        return found

    words = _top_words(query)
    excluded = set()
    for negated, positive in clauses(query):
        if not positive:
            excluded |= {doc_id[n] for n in searcher.docs_for_query(negated)}
    per_word = [best(word) for word in words]
    documents = set.intersection(*(set(found) for found in per_word)) - excluded
    scores = {d: sum(found[d] for found in per_word) for d in documents}
    return sorted(scores.items(), key=lambda item: -item[1])


def _array_ranking(shared, query, allowed) -> list[tuple[str, float]]:
    table = shared.table
    mask = np.zeros(len(table.chunk_document), dtype=bool)
    mask[sorted(allowed)] = True
    node = converted(_without_near(query))
    ranked = rank_documents(shared.postings, node, table, allowed=mask).full
    return [
        (table.ids[ordinal], score)
        for ordinal, score in zip(ranked.ordinals.tolist(), ranked.scores.tolist(), strict=True)
    ]


@pytest.mark.parametrize(("text", "params", "scope"), QUERIES)
def test_documents_rank_as_with_whoosh_searches(searcher, shared, generation, text, params, scope):
    filters = parse_filters(params)
    table = shared.table
    documents = filter_masks(filters, table).documents
    live = table.live_chunks.copy()
    if documents is not None:
        live &= documents[table.chunk_document]
    allowed = set(np.flatnonzero(live).tolist())
    query = _parsed(searcher, text, scope)
    expected = _whoosh_ranking(searcher, query, allowed)
    ranked = _array_ranking(shared, query, allowed)
    assert expected
    assert dict(ranked) == pytest.approx(dict(expected), rel=0, abs=TOLERANCE)
    assert [score for _, score in ranked] == pytest.approx(
        [score for _, score in expected], rel=0, abs=TOLERANCE
    )
    page = SearchEngine(generation.parent).search(
        SearchRequest(q=text, filters=filters, scope=scope)
    )
    assert page.total >= len(expected)  # the parts close together may add documents


@pytest.mark.parametrize(("text", "params", "scope"), QUERIES)
def test_a_chunks_total_is_what_its_counted_clauses_scored_added_in_turn(
    searcher, shared, text, params, scope
):
    """Worked out for given chunks, in any order, bit for bit the sums over a whole array of
    chunks with each counted clause's scores added in turn."""
    table = shared.table
    scoring = DocumentScoring(shared.postings, table, table.live_chunks, lambda: None)
    for word in converted(_without_near(_parsed(searcher, text, scope))).top_words():
        word.evaluate(scoring)
    assert scoring.counted
    whole = np.zeros(len(table.chunk_document), dtype=np.float64)
    for counted in scoring.counted:
        whole[counted.docnums] += counted.scores
    chunks = np.random.default_rng(7).permutation(len(table.chunk_document))
    assert scoring.chunk_totals(chunks).tobytes() == whole[chunks].tobytes()
    assert scoring.chunk_totals(chunks).any()


def test_a_generation_without_its_arrays_is_completed_alike(index_dir, tmp_path):
    # An index written before the arrays existed: its postings, table and vocabulary are
    # computed from Whoosh's files when it is opened, and search the same.
    copy = tmp_path / "index"
    shutil.copytree(index_dir, copy)
    generation = current_generation(copy)
    for path in generation.glob("*.parl"):
        path.unlink()
    write_manifest(generation)  # as such a generation's manifest lists its files
    for text in ("groene nummers", '"sociale zekerheid"', "belast*", "overheidsdiensten"):
        with_arrays = SearchEngine(index_dir).search(text, per_page=50)
        completed = SearchEngine(copy).search(text, per_page=50)
        assert [(h.id, h.score, h.snippet, h.why) for h in completed.results] == [
            (h.id, h.score, h.snippet, h.why) for h in with_arrays.results
        ]
        assert (completed.total, completed.facets) == (with_arrays.total, with_arrays.facets)
    assert not list(generation.glob("*.parl"))


@pytest.mark.parametrize("sizes", [(0, 50), (5, 2000), (300, 300), (2000, 7), (1, 1)])
def test_chunk_sets_combine_as_numpys_set_operations(sizes):
    # Both clauses' chunks and the chunks all hold are found by searching the shorter array in
    # the longer; a sorted array is not sorted again: the same chunks and scores as numpy's.
    rng = np.random.default_rng(sum(sizes))
    a, b = (np.sort(rng.choice(5000, size, replace=False)).astype(np.int64) for size in sizes)
    shared, in_a, in_b = np.intersect1d(a, b, assume_unique=True, return_indices=True)
    scores_a, scores_b = rng.random(len(a)), rng.random(len(b))
    result = both(ChunkScores(a, scores_a), ChunkScores(b, scores_b))
    assert result.docnums.tolist() == shared.tolist()
    assert result.scores.tolist() == (scores_a[in_a] + scores_b[in_b]).tolist()
    assert common([a, b, a]).tolist() == shared.tolist()
    repeated = np.concatenate([a, b, b[:3]])
    for values in (a, repeated, repeated[::-1], np.zeros(0, dtype=np.int64)):
        assert distinct(values).tolist() == np.unique(values).tolist()
        assert ascending(values).tolist() == np.sort(values).tolist()


@pytest.mark.parametrize(
    ("sizes", "span"),
    # Sparse (merged by sorting), dense (by marking), one empty, and the same chunks twice.
    [((40, 60), 100_000), ((300, 900), 2000), ((0, 50), 5000), ((500, 500), 700), ((7, 7), 7)],
)
def test_either_and_the_better_of_two_as_numpys_union(sizes, span):
    rng = np.random.default_rng(span)
    a, b = (np.sort(rng.choice(span, size, replace=False)).astype(np.int64) for size in sizes)
    scores_a, scores_b = rng.random(len(a)), rng.random(len(b))
    union = np.union1d(a, b)
    expected_sum = np.zeros(len(union))
    expected_sum[np.searchsorted(union, a)] += scores_a
    expected_sum[np.searchsorted(union, b)] += scores_b
    expected_best = np.full(len(union), -np.inf)
    for docnums, scores in ((a, scores_a), (b, scores_b)):
        at = np.searchsorted(union, docnums)
        expected_best[at] = np.maximum(expected_best[at], scores)
    added = either(ChunkScores(a, scores_a), ChunkScores(b, scores_b))
    better = best_of(ChunkScores(a, scores_a), ChunkScores(b, scores_b))
    for result, expected in ((added, expected_sum), (better, expected_best)):
        assert result.docnums.dtype == np.int64
        assert result.docnums.tolist() == union.tolist()
        assert result.scores.tolist() == expected.tolist()
