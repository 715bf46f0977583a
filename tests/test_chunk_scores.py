"""The numpy scoring and ranking against plain Whoosh and hand-made references, on the small
real index.

`chunk_scores` scores every matching chunk with arrays instead of Whoosh's matchers. A word's
forms (terms, their disjunction max and the fields' sum) and phrases must score as Whoosh's own
search scores them, to the last bit; a compound's parts close together and a pattern scored as
one term are this project's own, so they are checked against references computed here from the
index's postings. The ranking of documents (every word in the document, each by its best chunk)
is checked against the same rule applied to one Whoosh search per word.
"""

import itertools
import math

import pytest
from whoosh import index as whoosh_index
from whoosh import query as wq

from search.engine import plan
from search.engine.chunk_scores import NEAR_WEIGHT, FieldLengths, chunk_mask, score_chunks
from search.engine.filters import filter_query, parse_filters
from search.engine.generation import SCOPE_FIELDS
from search.engine.query import make_parser, parse_query
from search.engine.ranking import rank_documents, weighting
from search.engine.request import SearchRequest
from search.index.document_table import DocumentTable
from search.index.generations import current_generation
from search.index.near import NEAR_WINDOW, PartsNear

# (query, filter parameters, scope): plain words, compounds, a hyphenated word, a phrase, a field
# query, a negation, filters, a narrower scope (two fields: Whoosh adds them through its tree of
# pairs rather than in turn).
QUERIES = [
    ("groene nummers", {}, "alles"),
    ("sociale zekerheid", {}, "alles"),
    ("overheidsdiensten", {}, "alles"),
    ("werkgevers sociale", {}, "alles"),
    ("wederbeleggingsvergoeding", {}, "alles"),
    ("e-mail telefoon", {}, "alles"),
    ('"sociale zekerheid" pensioen', {}, "alles"),
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


def _node(searcher, text: str, scope: str) -> plan.Node:
    return plan.plan(parse_query(text, make_parser(searcher.schema, SCOPE_FIELDS[scope])))


def clauses(node: plan.Node, positive: bool = True) -> list[tuple[plan.Clause, bool]]:
    """Every clause of the tree, each with whether it counts (not under a `Without`)."""
    if isinstance(node, plan.Clause):
        return [(node, positive)]
    if isinstance(node, plan.AllOf | plan.AnyOf):
        return [found for child in node.children for found in clauses(child, positive)]
    if isinstance(node, plan.Without):
        return clauses(node.child, not positive)
    return []


def _without_near(query: wq.Query) -> wq.Query:
    """The query with its compounds' close-together parts left out: what Whoosh scores alike."""
    if isinstance(query, PartsNear):
        return wq.NullQuery
    if query.is_leaf():
        return query
    return query.apply(_without_near).normalize()


def _whoosh_scores(searcher, query: wq.Query) -> dict[int, float]:
    return {docnum: score for score, docnum in searcher.search(query, limit=None).top_n}


def _numpy_scores(searcher, query: wq.Query) -> dict[int, float]:
    scored = score_chunks(searcher, query, FieldLengths(searcher.reader()))
    return dict(zip(scored.docnums.tolist(), scored.scores.tolist(), strict=True))


@pytest.mark.parametrize(("text", "params", "scope"), QUERIES)
def test_each_word_scores_every_chunk_as_whoosh_does(searcher, text, params, scope):
    positive = [clause for clause, counts in clauses(_node(searcher, text, scope)) if counts]
    assert positive
    for clause in positive:
        query = _without_near(clause.query)
        expected = _whoosh_scores(searcher, query)
        assert expected
        assert _numpy_scores(searcher, query) == expected


def _descendants(query: wq.Query):
    yield query
    if not query.is_leaf() and not isinstance(query, PartsNear):
        for child in query.children():
            yield from _descendants(child)


def _positions(searcher, fieldname: str, text: str) -> dict[int, list[int]]:
    reader = searcher.reader()
    if (fieldname, text) not in reader:
        return {}
    return dict(reader.postings(fieldname, text).items_as("positions"))


@pytest.mark.parametrize("word", ["overheidsdiensten", "socialezekerheid", "regiocoordinatoren"])
def test_a_compounds_parts_match_close_together(searcher, word):
    [(clause, _)] = clauses(_node(searcher, word, "vraag"))
    near = next(
        query
        for query in _descendants(clause.query)
        if isinstance(query, PartsNear) and query.field() == "question"
    )
    parts = [[term.text for term in terms] for terms in near.part_terms()]
    where = [[_positions(searcher, "question", term) for term in terms] for terms in parts]
    expected = set()
    for chunk in set.intersection(*({c for found in part for c in found} for part in where)):
        places = [sorted({p for found in part for p in found.get(chunk, ())}) for part in where]
        widths = (max(choice) - min(choice) for choice in itertools.product(*places))
        if min(widths) <= NEAR_WINDOW:
            expected.add(chunk)
    scores = _numpy_scores(searcher, near)
    assert expected
    assert set(scores) == expected
    # Never more than the parts' best terms added, times the weight of parts apart.
    best = [
        {
            chunk: max(
                _numpy_scores(searcher, wq.Term("question", term)).get(chunk, 0) for term in terms
            )
            for chunk in expected
        }
        for terms in parts
    ]
    for chunk, score in scores.items():
        assert 0 < score <= NEAR_WEIGHT * sum(part[chunk] for part in best) + 1e-9


def test_a_pattern_scores_as_one_term(searcher):
    reader = searcher.reader()
    prefix = wq.Prefix("question_exact", "belast")
    words = list(reader.expand_prefix("question_exact", "belast"))
    assert len(words) > 2
    frequency: dict[int, float] = {}
    for word in words:
        for chunk, weight in reader.postings("question_exact", word).items_as("weight"):
            frequency[chunk] = frequency.get(chunk, 0.0) + weight
    idf = math.log(searcher.doc_count_all() / (len(frequency) + 1)) + 1
    model, average = searcher.weighting, searcher.avg_field_length("question_exact")
    lengths = FieldLengths(reader)
    expected = {}
    for chunk, tf in frequency.items():
        length = lengths.of("question_exact", [chunk])[0]
        expected[chunk] = (
            idf
            * (tf * (model.K1 + 1))
            / (tf + model.K1 * ((1 - model.B) + model.B * length / average))
        )
    assert _numpy_scores(searcher, prefix) == pytest.approx(expected)
    # A chunk holding many forms once each counts no more than it says of the pattern.
    assert max(_numpy_scores(searcher, prefix).values()) < sum(
        max(_numpy_scores(searcher, wq.Term("question_exact", w)).values()) for w in words
    )


def _whoosh_ranking(searcher, node, restrict) -> list[tuple[str, float]]:
    """Documents and scores by one Whoosh search per word: a document holds every word (none
    of those under NOT) and scores the sum of its best chunk per word."""
    doc_id = [fields["doc_id"] for fields in searcher.all_stored_fields()]

    def best(query) -> dict[str, float]:
        found: dict[str, float] = {}
        for score, docnum in searcher.search(
            _without_near(query), limit=None, filter=restrict
        ).top_n:
            found[doc_id[docnum]] = max(score, found.get(doc_id[docnum], 0.0))
        return found

    words = plan.words(node)
    excluded = set()
    for clause, positive in clauses(node):
        if not positive:
            excluded |= {doc_id[n] for n in searcher.docs_for_query(clause.query)}
    per_word = [best(word.query) for word in words]
    documents = set.intersection(*(set(found) for found in per_word)) - excluded
    scores = {d: sum(found[d] for found in per_word) for d in documents}
    return sorted(scores.items(), key=lambda item: -item[1])


def _numpy_ranking(searcher, node, restrict) -> list[tuple[str, float]]:
    table = DocumentTable(searcher.reader())
    allowed = table.live_chunks.copy()
    if restrict is not None:
        allowed &= chunk_mask(searcher, restrict)
    node = _strip(node)
    ranked = rank_documents(
        searcher, node, table, FieldLengths(searcher.reader()), allowed=allowed
    ).full
    return [
        (table.ids[ordinal], score)
        for ordinal, score in zip(ranked.ordinals.tolist(), ranked.scores.tolist(), strict=True)
    ]


def _strip(node):
    if isinstance(node, plan.Clause):
        return plan.Clause(_without_near(node.query))
    if isinstance(node, plan.AllOf):
        return plan.AllOf(tuple(_strip(child) for child in node.children))
    if isinstance(node, plan.Without):
        return plan.Without(_strip(node.child))
    return node


@pytest.mark.parametrize(("text", "params", "scope"), QUERIES)
def test_documents_rank_as_with_whoosh_searches(searcher, engine, text, params, scope):
    filters = parse_filters(params)
    restrict = filter_query(filters, searcher.reader())
    node = _node(searcher, text, scope)
    expected = _whoosh_ranking(searcher, node, restrict)
    ranked = _numpy_ranking(searcher, node, restrict)
    assert expected
    assert dict(ranked) == pytest.approx(dict(expected))
    assert [score for _, score in ranked] == pytest.approx([score for _, score in expected])
    page = engine.search(SearchRequest(q=text, filters=filters, scope=scope))
    assert page.total >= len(expected)  # the parts close together may add documents
