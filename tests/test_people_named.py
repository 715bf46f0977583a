"""People by name: a minister's or member's name in a query matches their own questions first,
and `/leden/<surname>`, `/ministers/<surname>` and `parlsearch person` lead to the person (or
list the people a surname may mean)."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from search.cli import main
from search.engine.filters import Filters
from search.engine.query.names import MAX_QUERY_WORDS, MEMBER, MINISTER, PeopleNames, Person
from search.engine.request import SearchRequest
from search.engine.searching import SearchEngine
from search.http.app import create_app
from search.index.arrays.document_table import surname_frequencies
from tests.test_openapi import response_validator


def own_documents(engine: SearchEngine, kind: str, name: str) -> set[str]:
    """The ids of the documents a member asked (`kind` "lid") or were put to a minister."""
    return set(engine.ranked_ids(SearchRequest(filters=Filters({kind: (name,)}))))


@pytest.mark.parametrize(
    ("typed", "minister"),
    [
        ("Koen Geens", "Koen Geens"),
        ("koen geens", "Koen Geens"),
        ("GEENS", "Koen Geens"),
        ("geens", "Koen Geens"),
        ("Peeters", "Kris Peeters"),
        ("Kris Peeters", "Kris Peeters"),
        ("De Block", "Maggie De Block"),
        ("Maggie de Block", "Maggie De Block"),
        ("Wilmès", "Sophie Wilmès"),
        ("sophie wilmes", "Sophie Wilmès"),
        ("Marghem", "Marie-Christine Marghem"),
        ("Francken", "Theo Francken"),
        ("De Croo", "Alexander De Croo"),
    ],
)
def test_a_ministers_name_alone_finds_the_questions_put_to_them_first(engine, typed, minister):
    own = own_documents(engine, "minister", minister)
    assert own
    ranked = engine.ranked_ids(SearchRequest(q=typed), partial=False)
    assert set(ranked[: len(own)]) == own
    first = engine.search(typed).results[0]
    assert first.minister == minister
    # One word of the query, named without the stopwords the query drops ("De Block": "Block").
    assert [(match.how, match.found) for match in first.why] == [(MINISTER, (minister,))]


def test_a_ministers_name_among_words_ranks_their_questions_with_those_words_first(client):
    data = client.get("/api/search", query_string={"q": "Geens gevangenissen"}).get_json()
    ministers = [hit["minister"] for hit in data["results"]]
    assert ministers[0] == "Koen Geens"
    assert ministers == sorted(ministers, key=lambda name: name != "Koen Geens")
    assert data["results"][0]["why"][0] == {
        "word": "Geens",
        "match": "minister",
        "found": ["Koen Geens"],
    }
    page = BeautifulSoup(
        client.get("/search", query_string={"q": "Geens gevangenissen"}).get_data(as_text=True),
        "html.parser",
    )
    assert (
        page.select_one(".why li").get_text(" ", strip=True) == "Geens : de minister (Koen Geens)"
    )


def test_a_members_name_in_any_case_and_without_accents_finds_their_questions(engine):
    own = own_documents(engine, "lid", "Filip Dewinter")
    for typed in ("Filip Dewinter", "filip dewinter", "DEWINTER"):
        ranked = engine.ranked_ids(SearchRequest(q=typed), partial=False)
        assert set(ranked[: len(own)]) == own, typed
        assert engine.search(typed).results[0].why[0].how == MEMBER


def test_names_in_a_pasted_sentence_are_words(engine):
    # A sentence speaks of the minister; it does not ask for his questions.
    sentence = "Heeft u hierover overleg gepleegd met minister Geens over de gevangenissen?"
    assert len(sentence.split()) > MAX_QUERY_WORDS
    page = engine.search(sentence)
    hits = page.results + page.partial_results
    assert hits
    assert all(match.how != MINISTER for hit in hits for match in hit.why)
    short = engine.search("Geens gevangenissen")
    assert short.results[0].why[0].how == MINISTER


def test_surnames_that_are_common_dutch_words_name_nobody_alone():
    people = [
        (Person(MEMBER, "Barbara Pas"), 5.45),
        (Person(MEMBER, "Sophie De Wit"), 5.0),
        (Person(MINISTER, "Kris Peeters"), 0.0),
        (Person(MINISTER, "Marie-Christine Marghem"), 0.0),
        (Person(MEMBER, "Jef Van den Bergh"), 0.0),
    ]
    names = PeopleNames.of(people).names
    assert ("pas",) not in names and ("wit",) not in names
    assert names[("barbara", "pas")] == (Person(MEMBER, "Barbara Pas"),)
    assert names[("peeters",)] == (Person(MINISTER, "Kris Peeters"),)
    assert names[("marghem",)] == (Person(MINISTER, "Marie-Christine Marghem"),)
    assert names[("den", "bergh")] == (Person(MEMBER, "Jef Van den Bergh"),)


@pytest.mark.parametrize(
    ("name", "a_word"),
    [
        ("Barbara Pas", True),
        ("Sophie De Wit", True),
        ("Alain Top", True),
        # Names the lexicon counts often, but no Dutch word.
        ("Kris Peeters", False),
        ("Charles Michel", False),
        ("Maggie De Block", False),
        ("Theo Francken", False),
        ("Richard Miller", False),
    ],
)
def test_a_surname_is_a_common_word_only_when_dutch_knows_it(name, a_word):
    (frequency,) = surname_frequencies([name], {})
    assert (frequency >= 3.0) == a_word


@pytest.mark.parametrize(
    ("path", "location"),
    [
        ("/ministers/geens", "/ministers/koen-geens"),
        ("/ministers/GEENS", "/ministers/koen-geens"),
        ("/ministers/de-block", "/ministers/maggie-de-block"),
        ("/ministers/block", "/ministers/maggie-de-block"),
        ("/ministers/marghem", "/ministers/marie-christine-marghem"),
        ("/ministers/wilmes", "/ministers/sophie-wilmes"),
        ("/leden/dewinter", "/leden/filip-dewinter"),
        ("/leden/van-den-bergh", "/leden/jef-van-den-bergh"),
        # A minister's surname under the members' pages leads to the minister.
        ("/leden/geens", "/ministers/koen-geens"),
        ("/api/ministers/geens", "/api/ministers/koen-geens"),
        ("/api/ministers/geens?page=2", "/api/ministers/koen-geens?page=2"),
    ],
)
def test_a_surname_leads_to_the_person(client, path, location):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"] == location
    assert client.get(location).status_code == 200


def test_a_full_name_is_its_own_slug_only(client):
    assert client.get("/ministers/koen-geens").status_code == 200
    assert client.get("/ministers/koen").status_code == 404
    assert client.get("/ministers/geens-koen").status_code == 404


@pytest.fixture(scope="module")
def namesake_client(namesake_index):
    return create_app({"INDEX_DIR": str(namesake_index), "TESTING": True}).test_client()


def test_a_surname_of_several_people_lists_them(namesake_client):
    response = namesake_client.get("/leden/wouters")
    assert response.status_code == 300
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert page.h1.get_text() == "Wie bedoelt u met „wouters”?"
    links = {a.get_text(): a["href"] for a in page.select("ul.people a")}
    assert links == {
        "Veerle Wouters": "/leden/veerle-wouters",
        "Suzy Wouters": "/leden/suzy-wouters",
    }
    for href in links.values():
        assert namesake_client.get(href).status_code == 200
    listed = " ".join(page.select_one("ul.people").get_text(" ").split())
    assert listed == (
        "Veerle Wouters (parlementslid, 2 documenten) Suzy Wouters (parlementslid, 1 document)"
    )


def test_the_choice_has_a_json_twin_as_documented(namesake_client):
    response = namesake_client.get("/api/leden/wouters")
    assert response.status_code == 300
    data = response.get_json()
    assert data["kind"] == "lid" and data["wanted"] == "wouters"
    assert [(p["label"], p["url"]) for p in data["people"]] == [
        ("Veerle Wouters", "/leden/veerle-wouters"),
        ("Suzy Wouters", "/leden/suzy-wouters"),
    ]
    spec = namesake_client.get("/api/openapi.json").get_json()
    response_validator(spec, "/api/leden/{slug}", 300).validate(data)


def test_a_surname_of_several_people_names_each_of_them_in_a_query(namesake_index):
    page = SearchEngine(namesake_index).search("Wouters", per_page=20)
    asked = [hit.member for hit in page.results if hit.why[0].how == MEMBER]
    assert set(asked) == {"Veerle Wouters", "Suzy Wouters"}


def test_the_cli_takes_a_surname(runner, index_dir, namesake_index):
    result = runner.invoke(main, ["person", "minister", "geens", "--index", str(index_dir)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Koen Geens (CD&V)  [/ministers/koen-geens]")
    result = runner.invoke(main, ["person", "lid", "wouters", "--index", str(namesake_index)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "'wouters' past bij 2 personen:",
        "  Veerle Wouters (parlementslid, 2 documenten)",
        "  Suzy Wouters (parlementslid, 1 document)",
    ]
    result = runner.invoke(main, ["person", "lid", "niemand", "--index", str(index_dir)])
    assert result.exit_code == 1
    assert "Geen parlementslid gevonden met de naam 'niemand'." in result.output
