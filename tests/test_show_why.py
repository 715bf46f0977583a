"""Show why: titles mark the query's words as snippets do, and a result whose passage marks
nothing says what it was found through (its title, the member who asked, the minister asked, or
the reference the query is), on the page and in the JSON."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from search.engine.explain import WordMatch
from search.engine.fragments import MarkedText, Snippet
from search.engine.query.names import MEMBER, MINISTER
from search.engine.results import CITED, TITLE, through
from tests.conftest import HOSTILE_MARKUP


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def test_titles_mark_the_querys_words(client):
    data = client.get("/api/search", query_string={"q": "cultuurloket evaluatie"}).get_json()
    first = data["results"][0]
    assert first["title"] == "Cultuurloket - Evaluatie transitie"
    assert first["title_html"] == "<mark>Cultuurloket</mark> - <mark>Evaluatie</mark> transitie"
    page = soup(client.get("/search", query_string={"q": "cultuurloket evaluatie"}))
    title = page.select_one("ol.results .result-title a")
    assert [mark.get_text() for mark in title.select("mark")] == ["Cultuurloket", "Evaluatie"]
    assert title.get_text() == "Cultuurloket - Evaluatie transitie"


def test_a_titles_marks_are_the_words_in_any_of_their_forms(client):
    data = client.get("/api/search", query_string={"q": "evaluaties cultuurloketten"}).get_json()
    marked = BeautifulSoup(data["results"][0]["title_html"], "html.parser").select("mark")
    assert [mark.get_text() for mark in marked] == ["Cultuurloket", "Evaluatie"]


def test_a_document_pages_title_is_marked(client):
    page = soup(client.get("/documents/vlpar-2019-2020-58", query_string={"q": "Cultuurloket"}))
    assert [mark.get_text() for mark in page.h1.select("mark")] == ["Cultuurloket"]
    data = client.get(
        "/api/documents/vlpar-2019-2020-58", query_string={"q": "Cultuurloket"}
    ).get_json()
    assert data["title_html"] == "<mark>Cultuurloket</mark> - Evaluatie transitie"
    plain = client.get("/api/documents/vlpar-2019-2020-58").get_json()
    assert plain["title_html"] == "Cultuurloket - Evaluatie transitie"


def test_a_marked_title_is_escaped(client):
    data = client.get("/api/search", query_string={"q": "script alert"}).get_json()
    (hit,) = [hit for hit in data["results"] if HOSTILE_MARKUP in hit["title"]]
    assert HOSTILE_MARKUP not in hit["title_html"]
    assert "&lt;<mark>script</mark>&gt;<mark>alert</mark>" in hit["title_html"]
    page = client.get("/search", query_string={"q": "script alert"}).get_data(as_text=True)
    assert HOSTILE_MARKUP not in page


@pytest.mark.parametrize(
    ("query", "document", "through_code", "said"),
    [
        # Words that stand only in the title.
        ("antimigrantenreferendum", "dekamer-184602", TITLE, "Gevonden in de titel."),
        ("inbeslagname", "dekamer-184655", TITLE, "Gevonden in de titel."),
        # Names of the member who asked and of the minister asked.
        ("Barbara Pas", "dekamer-184653", MEMBER, "Gevonden via de vraagsteller."),
        ("Koen Geens", "dekamer-184503", MINISTER, "Gevonden via de minister."),
        # The reference the query is.
        ("190137", "dekamer-190137", CITED, "Dit is het document waarnaar de zoekvraag verwijst."),
    ],
)
def test_a_result_without_marks_in_its_passage_says_why_it_was_found(
    client, query, document, through_code, said
):
    data = client.get("/api/search", query_string={"q": query}).get_json()
    first = data["results"][0]
    assert first["id"] == document
    assert "<mark>" not in first["snippet"]
    assert first["matched_through"] == through_code
    card = soup(client.get("/search", query_string={"q": query})).select_one("ol.results > li")
    note = card.select_one(".matched-through")
    assert note.get_text() == said
    # Where the passage stands: right before it.
    assert note.find_next_sibling("p")["class"] == ["snippet"]


def test_a_result_whose_passage_shows_why_says_nothing_more(client):
    data = client.get("/api/search", query_string={"q": "Cultuurloket"}).get_json()
    assert all(hit["matched_through"] is None for hit in data["results"])
    assert not soup(client.get("/search?q=Cultuurloket")).select(".matched-through")
    listed = client.get("/api/search", query_string={"partij": "MR"}).get_json()["results"]
    assert all(hit["matched_through"] is None for hit in listed)


@pytest.mark.parametrize(
    ("passage_marks", "title_marks", "ways", "cited", "expected"),
    [
        (((0, 4),), (), (), False, ""),
        (((0, 4),), ((0, 3),), (MEMBER,), True, ""),
        ((), ((0, 3),), (), True, CITED),
        ((), ((0, 3),), (MINISTER,), False, TITLE),
        ((), (), (MINISTER,), False, MINISTER),
        ((), (), (MINISTER, MEMBER), False, MEMBER),
        ((), (), ("exact",), False, ""),
    ],
)
def test_what_a_result_was_found_through(passage_marks, title_marks, ways, cited, expected):
    passage = Snippet("tekst", passage_marks, cut_before=False, cut_after=False)
    title = MarkedText("titel", title_marks)
    why = tuple(WordMatch(f"w{n}", way) for n, way in enumerate(ways))
    assert through(passage, title, why, cited) == expected
