"""The numpy ranking against plain Whoosh searches, on the small real index.

`chunk_scores` scores every matching chunk with arrays instead of Whoosh's matchers. Here each
query is also ranked the way the search did before it, one Whoosh search per word with the
filters as Whoosh's filter, and the two must agree: the same chunks, the same scores to the
last bit, the same documents in the same order.
"""

import pytest
from whoosh import index as whoosh_index
from whoosh import query as wq

from search.engine.chunk_scores import FieldLengths, chunk_mask, score_chunks
from search.engine.filters import Filters, filter_query, parse_filters
from search.engine.generation import SCOPE_FIELDS
from search.engine.query import make_parser, parse_query, split_negations
from search.engine.ranking import query_words, rank_documents, weighting
from search.engine.request import SearchRequest
from search.index.document_table import DocumentTable
from search.index.generations import current_generation

# (query, filter parameters, scope): plain words, compounds matched whole or by their parts, a
# hyphenated word, a phrase, a prefix, a field query, a negation, filters, a narrower scope
# (two fields: Whoosh adds them through its tree of pairs rather than in turn).
QUERIES = [
    ("groene nummers", {}, "alles"),
    ("sociale zekerheid", {}, "alles"),
    ("overheidsdiensten", {}, "alles"),
    ("werkgeversbijdragen sociale", {}, "alles"),
    ("wederbeleggingsvergoeding", {}, "alles"),
    ("e-mail telefoon", {}, "alles"),
    ('"sociale zekerheid" pensioen', {}, "alles"),
    ("belast*", {}, "alles"),
    ("titel:nummers minister", {}, "alles"),
    ("trein -vertraging", {}, "alles"),
    ("minister", {"partij": ["N-VA"]}, "alles"),
    ("vraag antwoord", {"van": ["2017-03-01"], "tot": ["2017-12-31"]}, "alles"),
    ("overheidsdiensten nummers", {}, "vraag"),
    ("gezondheid", {}, "antwoord"),
]


@pytest.fixture(scope="module")
def searcher(index_dir):
    ix = whoosh_index.open_dir(str(current_generation(index_dir)))
    with ix.searcher(weighting=weighting()) as searcher:
        yield searcher


def _parsed(searcher, text: str, scope: str) -> tuple[wq.Query, wq.Query]:
    return split_negations(parse_query(text, make_parser(searcher.schema, SCOPE_FIELDS[scope])))


def _whoosh_ranking(searcher, text: str, filters: Filters, scope: str) -> list[tuple[str, float]]:
    """Documents and scores as one Whoosh search per word gives them: a document scores the sum
    of its best chunk per word, times the share of the words it holds."""
    positive, negative = _parsed(searcher, text, scope)
    restrict = filter_query(filters, searcher.reader())
    doc_id = [fields["doc_id"] for fields in searcher.all_stored_fields()]
    excluded = set()
    if negative is not wq.NullQuery:
        excluded = {doc_id[n] for n in searcher.docs_for_query(negative)}
    words = query_words(positive)
    totals: dict[str, float] = {}
    found: dict[str, int] = {}
    first_chunk: dict[str, int] = {}
    for word in words:
        best: dict[str, float] = {}
        for score, docnum in searcher.search(word, limit=None, filter=restrict).top_n:
            if doc_id[docnum] not in excluded:
                best[doc_id[docnum]] = max(score, best.get(doc_id[docnum], 0.0))
                first_chunk[doc_id[docnum]] = min(docnum, first_chunk.get(doc_id[docnum], docnum))
        for document, score in best.items():
            totals[document] = totals.get(document, 0.0) + score
            found[document] = found.get(document, 0) + 1
    scores = {d: totals[d] * found[d] / len(words) for d in totals}
    return [(d, scores[d]) for d in sorted(scores, key=lambda d: -scores[d])]


def _numpy_ranking(searcher, text: str, filters: Filters, scope: str) -> list[tuple[str, float]]:
    positive, negative = _parsed(searcher, text, scope)
    table = DocumentTable(searcher.reader())
    allowed = table.live_chunks.copy()
    restrict = filter_query(filters, searcher.reader())
    if restrict is not None:
        allowed &= chunk_mask(searcher, restrict)
    if negative is not wq.NullQuery:
        excluded_documents = set(table.chunk_document[chunk_mask(searcher, negative)].tolist())
        for ordinal in excluded_documents:
            allowed &= table.chunk_document != ordinal
    ranking = rank_documents(
        searcher, positive, table.chunk_document, FieldLengths(searcher.reader()), allowed=allowed
    )
    return [
        (table.ids[ordinal], score)
        for ordinal, score in zip(ranking.ordinals.tolist(), ranking.scores.tolist(), strict=True)
    ]


@pytest.mark.parametrize(("text", "params", "scope"), QUERIES)
def test_each_word_scores_every_chunk_as_whoosh_does(searcher, text, params, scope):
    positive, _ = _parsed(searcher, text, scope)
    lengths = FieldLengths(searcher.reader())
    for word in query_words(positive):
        expected = {n: score for score, n in searcher.search(word, limit=None).top_n}
        scored = score_chunks(searcher, word, lengths)
        assert expected
        assert dict(zip(scored.docnums.tolist(), scored.scores.tolist(), strict=True)) == expected


@pytest.mark.parametrize(("text", "params", "scope"), QUERIES)
def test_documents_rank_as_with_whoosh_searches(searcher, engine, text, params, scope):
    filters = parse_filters(params)
    expected = _whoosh_ranking(searcher, text, filters, scope)
    ranked = _numpy_ranking(searcher, text, filters, scope)
    assert len(expected) > 1
    # Equal scores may come in another order here: compare the order of the distinct scores.
    assert dict(ranked) == dict(expected)
    assert [score for _, score in ranked] == [score for _, score in expected]
    page = engine.search(SearchRequest(q=text, filters=filters, scope=scope))
    assert page.total == len(expected)
    best = {document for document, score in expected if score == expected[0][1]}
    assert page.results[0].id in best
