"""Ranking, query syntax, totals, snippets and document pages on the small real index."""

import pytest

from search.query import QueryError
from tests.conftest import HOSTILE_MARKUP


def ids(page):
    return [hit.id for hit in page.results]


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("freelancers Cultuurloket", "vlpar-2019-2020-58"),
        ("wateroverlast Demerbekken", "vlpar-2023-2024-235"),
        ("noodrem technisch incident trein", "dekamer-184501"),
        # other word forms than the text: singular for plural, no diacritics, a compound
        ("freelancer regiocoordinatoren", "vlpar-2019-2020-58"),
        # the compound's parts find the compound ("regiocoördinatoren")
        ("coördinatoren per regio", "vlpar-2019-2020-58"),
        ("draaiboeken voor lokale besturen bij wateroverlast", "vlpar-2023-2024-235"),
    ],
)
def test_the_document_a_query_was_written_for_comes_first(engine, query, first):
    assert ids(engine.search(query))[0] == first


def test_more_matching_words_rank_higher(engine):
    # Both Flemish documents speak of "evaluatie"; only one also of Cultuurloket.
    page = engine.search("evaluatie Cultuurloket")
    assert ids(page)[0] == "vlpar-2019-2020-58"
    assert "vlpar-2023-2024-235" in ids(page)[1:]


def test_total_is_exact_and_stable_across_pages(engine):
    first = engine.search("groene nummers", per_page=5)
    second = engine.search("groene nummers", page=2, per_page=5)
    everything = engine.search("groene nummers", per_page=100)
    # the question filed with twelve ministers, and one that speaks of "alarmtelefoonnummers"
    assert first.total == second.total == everything.total == len(everything.results) == 13
    assert ids(first) + ids(second) == ids(everything)[:10]
    assert len(set(ids(everything))) == 13  # one hit per document


def test_quotes_mean_exact_unstemmed_words(engine):
    exact = engine.search('"sociale zekerheid"')
    assert exact.total > 0
    assert engine.search('"sociaal zekerheid"').total == 0
    assert engine.search("sociaal zekerheid").total >= exact.total


def test_operators(engine):
    with_trains = set(ids(engine.search("NMBS", per_page=100)))
    without = set(ids(engine.search("NMBS -trein", per_page=100)))
    assert without and without < with_trains
    assert set(ids(engine.search("NMBS NIET trein", per_page=100))) == without
    both = engine.search("Cultuurloket EN freelancers")
    assert ids(both) == ["vlpar-2019-2020-58"]
    # then come documents that hold only a part of a compound ("loket")
    either = ids(engine.search("Cultuurloket OF Demerbekken"))
    assert set(either[:2]) == {"vlpar-2019-2020-58", "vlpar-2023-2024-235"}


def test_excluded_word_excludes_the_whole_document(engine):
    # "Cultuurloket" is in every chunk's title; "Emolife" only in sub-answer 3.
    assert "vlpar-2019-2020-58" in ids(engine.search("Cultuurloket"))
    assert "vlpar-2019-2020-58" not in ids(engine.search("Cultuurloket -Emolife", per_page=100))


def test_prefix_and_field_queries(engine):
    assert "vlpar-2023-2024-235" in ids(engine.search("Demerbekk*"))
    assert ids(engine.search("titel:Cultuurloket")) == ["vlpar-2019-2020-58"]
    assert engine.search("titel:Emolife").total == 0
    assert ids(engine.search("antwoord:Emolife")) == ["vlpar-2019-2020-58"]


def test_hit_fields_and_snippet(engine):
    hit = engine.search("freelancers Cultuurloket").results[0]
    assert hit.title == "Cultuurloket - Evaluatie transitie"
    assert hit.date == "2019-12-09"
    assert hit.member == "Filip Brusselmans"
    assert hit.minister == "Jan Jambon"
    assert hit.source == "vlpar"
    assert hit.url == "/documents/vlpar-2019-2020-58"
    assert (hit.chunk.kind, hit.chunk.label, hit.chunk.anchor) == ("pair", "1", "chunk-1")
    assert "<mark>freelancers</mark>" in hit.snippet
    assert "<mark>Cultuurloket</mark>" in hit.snippet


def test_hits_say_why_they_were_found(engine):
    hit = engine.search("freelancer regiocoordinatoren groene").results[0]
    assert hit.id == "vlpar-2019-2020-58"
    assert [(m.word, m.how, m.found) for m in hit.why] == [
        ("freelancer", "stem", ("freelancers",)),
        ("regiocoordinatoren", "exact", ("regiocoördinatoren",)),
        ("groene", "", ()),
    ]
    [alarm] = engine.search("alarmtelefoonnummers").results[0].why
    assert alarm.how in ("exact", "part")


def test_snippets_escape_document_text(engine):
    hit = engine.search("Mystery shopping script alert").results[0]
    assert hit.id == "dekamer-999999001"
    assert "<script>" not in hit.snippet
    assert "&lt;<mark>script</mark>&gt;" in hit.snippet


@pytest.mark.parametrize(
    "query", ['"', "trein AND", "((trein", "trein)) OR (", "NOT", ":", "titel:", "^2"]
)
def test_malformed_queries_still_search(engine, query):
    page = engine.search(query)
    assert page.total >= 0


@pytest.mark.parametrize(
    ("query", "page", "per_page"),
    [
        ("a*", 1, 10),
        ("*", 1, 10),
        ("x" * 501, 1, 10),
        ("trein", 0, 10),
        ("trein", 1, 101),
        ("trein", 101, 10),
    ],
)
def test_unsearchable_requests_raise_query_error(engine, query, page, per_page):
    with pytest.raises(QueryError):
        engine.search(query, page=page, per_page=per_page)


def test_document_page_opens_at_the_best_chunk(engine):
    document = engine.document("vlpar-2019-2020-58", "Emolife")
    assert document.best_anchor == "chunk-3"
    assert [c.ref.label for c in document.chunks] == ["", "1", "2", "3", "4", "5", "6"]
    matched = [c.ref.anchor for c in document.chunks if c.matched]
    assert matched == ["chunk-3"]
    assert "<mark>Emolife</mark>" in document.chunks[3].answer_html


def test_document_page_without_query_or_with_a_bad_one(engine):
    plain = engine.document("vlpar-2023-2024-235")
    assert plain.best_anchor == ""
    assert not any(c.matched for c in plain.chunks)
    assert engine.document("vlpar-2023-2024-235", "a*").best_anchor == ""
    assert engine.document("geen-document") is None


def test_document_text_is_escaped(engine):
    document = engine.document("dekamer-999999001")
    html = "".join(c.question_html + c.answer_html for c in document.chunks)
    assert HOSTILE_MARKUP not in html
    assert "&lt;script&gt;" in html
