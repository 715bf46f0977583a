"""Pasted text searched for the questions like it: when a search is one (the request's mode), how
it ranks (the source of a pasted question or sentence first, copies as one result, "waarom
gevonden" naming the key words a document shares), the document page's similar questions,
`POST /api/similar` and its errors, the form that posts a long text and the pages it reaches, and
`parlsearch similar`."""

from __future__ import annotations

import functools
import re

import pytest
from bs4 import BeautifulSoup
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from search.engine.query import MAX_QUERY_LENGTH, QueryError
from search.engine.request import (
    MAX_TEXT_LENGTH,
    QUERY,
    SIMILAR,
    SearchRequest,
    parse_request,
    parse_similar,
)
from tests.conftest import SAMPLE_IDS, chamber_records

# The "Groene nummers" question, filed with twelve ministers; a question filed once, answered.
GREEN_NUMBERS = 190130
ALONE = 184601
# Every Chamber record of the sample: its question, pasted, must find it first.
PASTED = sorted(record["doc_id"] for record in chamber_records(SAMPLE_IDS))
MODE_NOTE = "Vragen die op deze tekst lijken: gerangschikt op de gedeelde kenmerkende woorden"


@functools.cache
def question(doc_id: int) -> str:
    return chamber_records({doc_id})[0]["question"]


def group_ids(engine, doc_id: str) -> set[str]:
    """A document and the other copies of its question."""
    return {doc_id} | {copy.id for copy in engine.document(doc_id).copies}


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


THIRTEEN = (
    "de minister heeft in het verslag van de commissie de cijfers over het aantal asielaanvragen"
)


@pytest.mark.parametrize(
    ("text", "mode"),
    [
        ("trein vertraging", QUERY),
        # Nine words typed as a query, and the same written as a sentence.
        ("wat is de stand van zaken voor dat dossier", QUERY),
        ("Wat is de stand van zaken voor dat dossier?", SIMILAR),
        ("Wat kost de trein?", QUERY),
        (THIRTEEN, SIMILAR),
        # Operators make it a query, whatever its length ...
        (THIRTEEN.replace(" van ", " EN "), QUERY),
        (f"NIET trein {THIRTEEN}", QUERY),
        (f"titel:asielaanvragen {THIRTEEN}", QUERY),
        (f"{THIRTEEN} partij:N-VA", QUERY),
        # ... but not what text holds: capitals in capitals, a standard, quotes, a colon.
        (
            "VRAAG EN ANTWOORD OVER HET AANTAL ASIELAANVRAGEN IN DE PERIODE VAN 2012 TOT 2016",
            SIMILAR,
        ),
        (f"{THIRTEEN} volgens de norm EN 590", SIMILAR),
        (f'de "groene nummers" en {THIRTEEN}', SIMILAR),
        (f"{THIRTEEN} per jaar:a) per gewest", SIMILAR),
    ],
)
def test_a_text_longer_than_a_query_is_searched_for_its_like(text, mode):
    assert SearchRequest(q=text).mode == mode


def test_a_similar_search_reads_no_filter_from_its_text():
    written = f"{THIRTEEN} per jaar:a) per gewest"
    search = SearchRequest(q=written)
    assert search.text == written and not search.applied_filters and not search.written_filters
    asked = SearchRequest(q="groene nummers partij:MR", similar=True)
    assert asked.mode == SIMILAR and asked.text == "groene nummers partij:MR"
    assert not asked.applied_filters
    assert SearchRequest(q="groene nummers partij:MR").applied_filters


def test_a_text_may_be_posted_longer_than_an_address_may_carry():
    text = " ".join(["asielaanvragen"] * 1500)[:MAX_TEXT_LENGTH]
    with pytest.raises(QueryError, match="te lang"):
        parse_request({"q": [text]})
    posted = parse_request({"q": [text]}, posted=True)
    assert posted.mode == SIMILAR and not posted.linkable
    assert parse_request({"q": [text[:MAX_QUERY_LENGTH]]}).linkable
    with pytest.raises(QueryError, match=r"De tekst is te lang \(meer dan 10\.000 tekens\)"):
        parse_request({"q": [text + " x"]}, posted=True)


@pytest.mark.parametrize("doc_id", PASTED)
def test_a_pasted_question_finds_its_source_first(engine, doc_id):
    """The source, a copy, or a document with the same question (184503 and 184504 were filed
    apart with one text)."""
    text = question(doc_id)
    page = engine.search(SearchRequest(q=text, similar=True))
    assert page.mode == SIMILAR and page.total >= 1
    first = page.results[0]
    found = {first.id, *(copy.id for copy in first.copies)}
    assert f"dekamer-{doc_id}" in found or first.id == f"dekamer-{same_question(doc_id)}"


def same_question(doc_id: int) -> int | None:
    """Another record of the sample with the same question text, if any."""
    text = question(doc_id)
    return next((other for other in PASTED if other != doc_id and question(other) == text), None)


def test_a_pasted_sentence_finds_its_document_first(engine):
    answer = chamber_records({184509})[0]["answer"]
    sentences = [s for s in re.split(r"(?<=[.?!])\s+", answer) if 8 <= len(s.split()) <= 40]
    assert len(sentences) > 5
    for sentence in sentences:
        page = engine.search(sentence)
        assert page.mode == SIMILAR
        assert page.results[0].id == "dekamer-184509", sentence


def test_copies_of_one_question_are_one_result(engine):
    page = engine.search(SearchRequest(q=question(GREEN_NUMBERS), similar=True, per_page=20))
    copies = group_ids(engine, f"dekamer-{GREEN_NUMBERS}")
    assert len(copies) == 12
    first = page.results[0]
    assert {first.id, *(copy.id for copy in first.copies)} == copies
    assert page.groups == len(page.results) or page.pages > 1
    assert not any(hit.id in copies for hit in page.results[1:])
    assert page.total >= len(copies)


def test_waarom_gevonden_names_the_key_words_a_hit_shares(engine):
    page = engine.search(SearchRequest(q=question(ALONE), similar=True))
    assert page.key_words and page.suggestion is None
    assert page.partial_total == 0 and not page.partial_results
    for hit in page.results:
        assert hit.why, hit.id
        assert {match.how for match in hit.why} <= {"exact", "stem", "part"}
        assert {match.word for match in hit.why} <= set(page.key_words)
        assert all(match.found for match in hit.why)
        # The hit's page marks those words: its link carries them, not the text.
        assert hit.query_text == " ".join(match.word for match in hit.why)
        assert len(hit.query_text) <= MAX_QUERY_LENGTH
    source = page.results[0]
    assert source.id == f"dekamer-{ALONE}"
    assert len(source.why) == len(page.key_words)
    assert "<mark>" not in source.snippet.text and source.snippet.marks


def test_a_similar_search_takes_the_filters(engine):
    text = question(GREEN_NUMBERS)
    page = engine.search(SearchRequest(q=text, similar=True, filters=parse_filters("MR")))
    assert page.total and all(hit.party == "MR" for hit in page.results)


def parse_filters(party: str):
    return parse_request({"partij": [party]}).filters


@pytest.mark.parametrize("doc_id", ["dekamer-190161", "dekamer-184503", "dekamer-184521"])
def test_similar_questions_list_one_document_per_question(engine, doc_id):
    related = [summary.id for summary in engine.document(doc_id).related]
    assert related
    own = group_ids(engine, doc_id)
    assert not own & set(related)
    groups = [group_ids(engine, other) for other in related]
    assert all(not a & b for n, a in enumerate(groups) for b in groups[n + 1 :])


def test_similar_questions_of_a_copy_list_none_of_its_copies_and_the_same_questions(engine):
    related = [summary.id for summary in engine.document("dekamer-190130").related]
    copies = group_ids(engine, "dekamer-190130")
    assert related and not copies & set(related)


# The JSON API ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def search_page_validator(index_dir):
    from search.http.app import create_app

    spec = create_app({"INDEX_DIR": str(index_dir)}).test_client().get("/api/openapi.json")
    spec = spec.get_json()
    uri = "urn:parlsearch:openapi"
    registry = Registry().with_resource(
        uri, Resource.from_contents(spec, default_specification=DRAFT202012)
    )
    schema = spec["paths"]["/api/similar"]["post"]["responses"]["200"]["content"]
    root = {"$ref": uri + schema["application/json"]["schema"]["$ref"]}
    return Draft202012Validator(
        root, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def test_post_api_similar_answers_as_api_search_does(client, search_page_validator):
    text = question(ALONE)
    response = client.post("/api/similar", json={"text": text, "per_page": 3})
    assert response.status_code == 200
    data = response.get_json()
    search_page_validator.validate(data)
    assert data["mode"] == "similar" and data["key_words"]
    assert data["results"][0]["id"] == f"dekamer-{ALONE}"
    assert data["per_page"] == 3 and data["query"] == text
    # The same search through /api/search (a text it decides is one), and with filters.
    short = " ".join(text.split()[:40])
    same = client.get("/api/search", query_string={"q": short, "per_page": 3}).get_json()
    posted = client.post("/api/similar", json={"text": short, "per_page": 3}).get_json()
    assert same["mode"] == "similar"
    assert [r["id"] for r in same["results"]] == [r["id"] for r in posted["results"]]
    party = data["results"][0]["party"]
    filtered = client.post("/api/similar", json={"text": text, "partij": [party], "page": 1})
    results = filtered.get_json()["results"]
    assert results[0]["id"] == f"dekamer-{ALONE}" and {r["party"] for r in results} == {party}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "Geef de tekst op"),
        ({"text": ""}, "Geef de tekst op"),
        ({"text": "   "}, "Geef de tekst op"),
        ({"text": 5}, "Geef de tekst op"),
        ({"text": "x" * (MAX_TEXT_LENGTH + 1)}, "De tekst is te lang"),
        (["trein"], "JSON-object"),
        ({"text": "trein", "q": "x"}, "Onbekend veld 'q'"),
        ({"text": "trein", "page": "2"}, "positief geheel getal"),
        ({"text": "trein", "page": True}, "positief geheel getal"),
        ({"text": "trein", "per_page": 500}, "tussen 1 en 100"),
        ({"text": "trein", "partij": 5}, "moet tekst zijn"),
        ({"text": "trein", "van": ["2017-01-01"]}, "moet tekst zijn"),
        ({"text": "trein", "sort": "beste"}, "Onbekende sortering"),
    ],
)
def test_post_api_similar_refuses_what_it_cannot_use_in_json(client, body, message):
    response = client.post("/api/similar", json=body)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["status"] == 400 and message in error["message"]


def test_post_api_similar_errors_of_the_body_itself_are_json(client):
    not_json = client.post("/api/similar", data="{text", content_type="application/json")
    assert not_json.status_code == 400 and "JSON-object" in not_json.get_json()["error"]["message"]
    form = client.post("/api/similar", data={"text": "trein"})
    assert form.status_code == 415 and "application/json" in form.get_json()["error"]["message"]
    body = b'{"text": "' + b"a" * (2 * 1024 * 1024) + b'"}'
    too_large = client.post("/api/similar", data=body, content_type="application/json")
    assert too_large.status_code == 413
    assert too_large.get_json()["error"]["message"] == "De aanvraag is te groot."
    get = client.get("/api/similar")
    assert get.status_code == 405 and "POST" in get.headers["Allow"]
    assert get.get_json()["error"]["status"] == 405


# The web form and the pages it reaches ----------------------------------------------------------


def test_the_home_page_takes_a_pasted_question(client):
    page = soup(client.get("/"))
    form = page.select_one("#plak form.paste-form")
    assert form["method"] == "post" and form["action"] == "/search"
    area = form.select_one("textarea#tekst")
    assert area["name"] == "q" and area["maxlength"] == str(MAX_TEXT_LENGTH)
    assert page.select_one("label[for=tekst]")
    assert form.select_one("button[type=submit]").get_text() == "Zoek gelijkaardige vragen"
    # Other pages link to it from their search box.
    other = soup(client.get("/search?q=trein"))
    assert other.select_one('#zoekhulp a[href="/#plak"]')


def test_a_posted_text_that_fits_an_address_is_sent_there(client):
    response = client.post("/search", data={"q": "groene nummers", "partij": "MR"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/search?q=groene+nummers&partij=MR"


def test_a_posted_text_short_in_characters_but_long_in_an_address_is_not_sent_there(client):
    # 1,800 characters, 7,200 bytes percent-encoded: past the server's 4 KB request line.
    text = ("één € " * 300).strip()
    assert len(text) <= MAX_QUERY_LENGTH
    response = client.post("/search", data={"q": text})
    assert response.status_code == 200
    assert soup(response).select_one("#plak[open] textarea").get_text() == text


def test_a_posted_text_pages_and_filters_without_an_address(client):
    text = question(GREEN_NUMBERS) + " " + question(ALONE)
    assert len(text) > MAX_QUERY_LENGTH
    response = client.post("/search", data={"q": text, "per_page": "2"})
    assert response.status_code == 200
    page = soup(response)
    assert page.select_one("h1").get_text() == "Gelijkaardige vragen"
    assert MODE_NOTE in " ".join(page.select_one(".mode-note").get_text().split())
    assert page.select_one("#plak[open] textarea").get_text() == text
    assert page.select_one("form#geplakte-tekst input[name=q]")["value"] == text
    # No link carries the text: every other page of this search is a button posting it again,
    # and a hit's page marks the key words it holds.
    links = [a["href"] for a in page.select("a[href]")]
    assert not [link for link in links if "q=" in link and "/documents/" not in link]
    assert all(len(link) < 2 * MAX_QUERY_LENGTH for link in links)
    buttons = page.select("button.link-button[form=geplakte-tekst][name=zoek]")
    assert buttons
    next_page = page.select_one(".pagination button[aria-label='Pagina 2']")
    second = soup(client.post("/search", data={"q": text, "zoek": next_page["value"]}))
    assert "pagina 2 van" in second.select_one(".result-count").get_text()
    party = page.select_one("#facet-partij ~ ul button")
    filtered = soup(client.post("/search", data={"q": text, "zoek": party["value"]}))
    chip = filtered.select_one(".active-filters li").get_text()
    assert "Partij: " + party.get_text().strip() in " ".join(chip.split())
    refine = filtered.select_one("form.refine")
    assert refine["method"] == "post" and refine.select_one("input[name=q]")["value"] == text
    assert "POST /api/similar" in filtered.select_one(".twins").get_text()


def test_a_short_similar_search_keeps_its_links(client):
    sentence = "Wat is de stand van zaken voor de groene nummers van de overheidsdiensten?"
    page = soup(client.get("/search", query_string={"q": sentence}))
    assert page.select_one("h1").get_text() == "Gelijkaardige vragen"
    assert not page.select("button.link-button") and not page.select("form#geplakte-tekst")
    assert page.select_one(".sort a")["href"].startswith("/search?q=Wat+is+de+stand")


# The command line -------------------------------------------------------------------------------


def test_parlsearch_similar_reads_a_file_or_standard_input(runner, index_dir, tmp_path):
    from search.cli import main

    path = tmp_path / "vraag.txt"
    path.write_text(question(ALONE), encoding="utf-8")
    result = runner.invoke(main, ["similar", str(path), "--index", str(index_dir), "--limit", "3"])
    assert result.exit_code == 0, result.output
    first_line = result.output.splitlines()[0]
    assert "lijken op de tekst, gerangschikt op de gedeelde kenmerkende woorden:" in first_line
    assert f"[dekamer-{ALONE}, score" in result.output.split("\n  2.")[0]
    piped = runner.invoke(
        main, ["similar", "-", "--index", str(index_dir), "--json"], input=question(ALONE)
    )
    assert piped.exit_code == 0, piped.output
    assert '"mode": "similar"' in piped.output and f'"id": "dekamer-{ALONE}"' in piped.output


def test_parlsearch_similar_refuses_an_empty_or_unreadable_text(runner, index_dir, tmp_path):
    from search.cli import main

    empty = runner.invoke(main, ["similar", "-", "--index", str(index_dir)], input="  \n")
    assert empty.exit_code == 1 and "Fout: Geef een tekst op." in empty.output
    latin = tmp_path / "latin1.txt"
    latin.write_bytes("Financiën".encode("latin-1"))
    unreadable = runner.invoke(main, ["similar", str(latin), "--index", str(index_dir)])
    assert unreadable.exit_code == 1 and "Fout: De tekst is geen UTF-8." in unreadable.output


def test_parse_similar_reads_a_json_body():
    search = parse_similar({"text": "groene nummers", "partij": "MR", "jaar": ["2017"], "page": 2})
    assert search.mode == SIMILAR and search.page == 2
    assert search.filters.values == {"partij": ("MR",), "jaar": ("2017",)}
