"""The limits on what one search may cost (terms after expansion, filter values, time) on a real
index: each refused with a Dutch message, on every route, and the time budget stopping searches
that run too long."""

import time

import pytest
from bs4 import BeautifulSoup
from whoosh import index as whoosh_index
from whoosh import query as wq

from search.config import TIME_BUDGET_ENV
from search.engine.generation import SharedGeneration
from search.engine.limits import MAX_TERMS, SearchTimeout
from search.engine.query import MAX_QUERY_LENGTH, pattern
from search.engine.query.context import score_chunks
from search.engine.query.parse import clause
from search.engine.searching import SearchEngine
from search.engine.suggest import MAX_WORDS
from search.http.app import create_app
from search.index.generations.folders import current_generation
from search.index.generations.mapped_storage import MappedStorage

SEARCH_ROUTES = ("/search", "/api/search", "/search.csv", "/search.atom")
# A real slow shape: dozens of common words, each searched in title, question and answer.
COMMON_WORDS = (
    "minister vraag antwoord federale overheid dienst jaar aantal kosten personeel middelen "
    "beleid wet regering gemeenten politie justitie veiligheid gezondheid werk economie "
    "financien belasting pensioen onderwijs mobiliteit spoor trein energie klimaat europese"
)


def error_message(response) -> str:
    if response.is_json:
        return response.get_json()["error"]["message"]
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return page.select_one(".error-message").get_text()


@pytest.mark.parametrize("route", SEARCH_ROUTES)
def test_a_pattern_matching_too_many_words_is_refused_by_name(client, monkeypatch, route):
    # The sample index is small: no prefix there matches 500 words, so the limit is lowered to
    # what its commonest prefix does match ("ge": 276 words of the answers).
    monkeypatch.setattr(pattern, "MAX_EXPANSION", 200)
    response = client.get(route, query_string={"q": "trein ge*"})
    assert response.status_code == 400
    assert "'ge*' past op meer dan 200 woorden" in error_message(response)
    assert client.get(route, query_string={"q": "trein gev*"}).status_code == 200


@pytest.mark.parametrize("route", SEARCH_ROUTES)
def test_a_query_with_too_many_terms_after_expansion_is_refused(client, route):
    # ge*, be* and ve* match over 1,000 words of the title, question and answer together.
    response = client.get(route, query_string={"q": "ge* be* ve*"})
    assert response.status_code == 400
    assert f"meer dan {MAX_TERMS} zoektermen" in error_message(response)
    assert client.get(route, query_string={"q": "ge* be*"}).status_code == 200


def test_a_document_page_ignores_a_query_that_expands_too_far(client):
    response = client.get("/api/documents/dekamer-184501", query_string={"q": "ge* be* ve*"})
    assert response.status_code == 200
    assert not any("<mark>" in c["question_html"] for c in response.get_json()["chunks"])


@pytest.mark.parametrize(
    "params",
    [
        {"q": "trein", "partij": ["MR"] * 21},
        {"q": "trein", "lid": [""] * 21},
        {"q": "trein", "thema": "x" * 201},
        {"q": "trein", "thema": " " * 201},
        {"q": " " * (MAX_QUERY_LENGTH + 1)},
    ],
)
def test_filter_values_and_query_are_limited_as_sent(client, params):
    response = client.get("/api/search", query_string=params)
    assert response.status_code == 400
    assert error_message(response)


def test_the_time_budget_stops_a_slow_search_with_a_dutch_503(index_dir):
    slow = create_app({"INDEX_DIR": str(index_dir), "TIME_BUDGET": 0.001}).test_client()
    for route in SEARCH_ROUTES:
        response = slow.get(route, query_string={"q": COMMON_WORDS})
        assert response.status_code == 503, route
        assert "duurde te lang en is na 0.001 seconden afgebroken" in error_message(response)
    document = slow.get("/api/documents/dekamer-184501", query_string={"q": COMMON_WORDS})
    assert document.status_code == 503
    unlimited = create_app({"INDEX_DIR": str(index_dir), "TIME_BUDGET": 0}).test_client()
    assert unlimited.get("/api/search", query_string={"q": COMMON_WORDS}).status_code == 200


def test_the_deadline_is_checked_between_the_terms_a_search_scores(index_dir):
    shared = SharedGeneration.open(current_generation(index_dir))
    query = wq.Or([wq.Term("question", word) for word in COMMON_WORDS.split()])
    checks = []

    def check():
        checks.append(None)
        if len(checks) == 3:
            raise SearchTimeout(0.2)

    with pytest.raises(SearchTimeout):
        score_chunks(shared.postings, clause(query), check)
    assert len(checks) == 3 < len(query.subqueries)


@pytest.mark.parametrize("query", ["trein", "groene nummers", '"sociale zekerheid"', "belasting*"])
def test_a_search_under_a_deadline_ranks_exactly_as_without(index_dir, query):
    bounded = SearchEngine(index_dir, time_budget=60).search(query, per_page=50)
    unbounded = SearchEngine(index_dir, time_budget=None).search(query, per_page=50)
    assert [(h.id, h.score) for h in bounded.results] == [
        (h.id, h.score) for h in unbounded.results
    ]
    assert bounded.total == unbounded.total


def test_the_mapped_index_reads_what_whoosh_reads(index_dir):
    generation = current_generation(index_dir)
    ours = MappedStorage(generation).open_index().searcher()
    whoosh = whoosh_index.open_dir(str(generation)).searcher()
    assert ours.doc_count_all() == whoosh.doc_count_all()
    for docnum in range(ours.doc_count_all()):
        assert ours.stored_fields(docnum) == whoosh.stored_fields(docnum)
    for text in ("trein", "sociale", "cultuurloket", "zzz"):
        query = wq.Or([wq.Term(name, text) for name in ("title", "question", "answer")])
        ours_hits = [(n, round(s, 9)) for s, n in ours.search(query, limit=None).top_n]
        whoosh_hits = [(n, round(s, 9)) for s, n in whoosh.search(query, limit=None).top_n]
        assert ours_hits == whoosh_hits
    ours.close()
    whoosh.close()


def test_the_budget_comes_from_the_config_else_the_environment(index_dir, monkeypatch):
    monkeypatch.setenv(TIME_BUDGET_ENV, "2.5")
    assert create_app({"INDEX_DIR": str(index_dir)}).config["TIME_BUDGET"] == 2.5
    assert create_app({"INDEX_DIR": str(index_dir), "TIME_BUDGET": 4}).config["TIME_BUDGET"] == 4
    monkeypatch.setenv(TIME_BUDGET_ENV, "soon")
    with pytest.raises(ValueError, match="aantal seconden"):
        create_app({"INDEX_DIR": str(index_dir)})


def test_the_command_line_reports_a_search_out_of_time(runner, index_dir, monkeypatch):
    from search.cli import main

    monkeypatch.setenv(TIME_BUDGET_ENV, "0.001")
    result = runner.invoke(main, ["query", COMMON_WORDS, "--index", str(index_dir)])
    assert result.exit_code == 1
    assert "duurde te lang" in result.output


def test_long_queries_get_no_spelling_suggestion(engine):
    typo = "wederbeleggingsvergoedig"
    assert engine.search(typo).suggestion == "wederbeleggingsvergoeding"
    long_query = " ".join([typo, *["trein"] * MAX_WORDS])
    assert engine.search(long_query).suggestion is None


def test_opening_a_new_generation_does_not_count_against_the_budget(index_dir, monkeypatch):
    """After a swap, the first search of each thread waits while the generation is verified and
    its document table built; under load that took longer than the budget (503s at the swap)."""
    from search.engine import generation

    def slow_verify(folder):
        time.sleep(0.6)
        return real_verify(folder)

    real_verify = generation.verify_generation
    monkeypatch.setattr(generation, "verify_generation", slow_verify)
    client = create_app({"INDEX_DIR": str(index_dir), "TIME_BUDGET": 0.5}).test_client()
    assert client.get("/api/search", query_string={"q": "trein"}).status_code == 200
    assert client.get("/api/documents/dekamer-184501").status_code == 200
