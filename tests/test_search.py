"""Ranking, query syntax, totals, snippets and document pages on the small real index."""

import pytest
from bs4 import BeautifulSoup
from whoosh import index as whoosh_index
from whoosh import query as wq

from search.engine.query import MAX_QUERY_LENGTH, QueryError
from search.engine.query.parse import make_parser, parsed
from search.engine.ranking import weighting
from search.engine.searching import SearchEngine
from search.index.generations.folders import current_generation
from search.index.generations.writing import build_index
from search.index.schema import build_schema
from search.index.schema.disjunction import DisjunctionMax
from search.render.highlight import marked_html, snippet_html
from search.render.urls import Urls
from tests.conftest import HOSTILE_MARKUP, SOCIAL_APART_ID, chamber_records, write_jsonl

URLS = Urls()


def chunks_html(document):
    """A document page's question and answer texts as the page shows them."""
    return "".join(
        marked_html(c.question, URLS.reference) + marked_html(c.answer, URLS.reference)
        for c in document.chunks
    )


def ids(page):
    return [hit.id for hit in page.results]


def partial_ids(page):
    return [hit.id for hit in page.partial_results]


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("freelancers Cultuurloket", "vlpar-2019-2020-58"),
        ("wateroverlast Demerbekken", "vlpar-2023-2024-235"),
        ("noodrem technisch incident trein", "dekamer-184501"),
        # other word forms than the text: singular for plural, no diacritics, a compound
        ("freelancer regiocoordinatoren", "vlpar-2019-2020-58"),
        # a compound finds the words it holds ("regiocoördinatoren")
        ("coördinatoren van de regio", "vlpar-2019-2020-58"),
        ("draaiboeken voor lokale besturen bij wateroverlast", "vlpar-2023-2024-235"),
    ],
)
def test_the_document_a_query_was_written_for_comes_first(engine, query, first):
    assert ids(engine.search(query))[0] == first


def test_documents_with_some_of_the_words_come_apart_after_those_with_all(engine):
    # Both Flemish documents speak of "evaluatie"; only one also of Cultuurloket.
    page = engine.search("evaluatie Cultuurloket")
    assert ids(page) == ["vlpar-2019-2020-58"]
    assert page.total == 1
    assert "vlpar-2023-2024-235" in partial_ids(page)
    assert page.partial_total == len(page.partial_results) > 1
    assert all(hit.partial for hit in page.partial_results)
    assert not any(hit.partial for hit in page.results)
    # A word no document holds: nothing matches, and the documents with the other words show.
    nothing = engine.search("Cultuurloket kwzqxjvb")
    assert (nothing.total, nothing.results) == (0, [])
    assert partial_ids(nothing)[0] == "vlpar-2019-2020-58"
    # Partial matches follow the last page of full matches only.
    assert engine.search("evaluatie Cultuurloket", page=1, per_page=1).partial_results
    many = engine.search("minister vraag", per_page=5)
    assert many.groups > 5 and many.partial_results == []


def test_total_is_exact_and_stable_across_pages_and_sorts(engine):
    first = engine.search("veiligheid", per_page=5)
    second = engine.search("veiligheid", page=2, per_page=5)
    everything = engine.search("veiligheid", per_page=100)
    # Also "verkeersveiligheid" and the like, through their compound parts.
    assert first.total == second.total == everything.total == 24
    assert everything.groups == len(everything.results) == 21
    assert ids(first) + ids(second) == ids(everything)[:10]
    for sort in ("relevantie", "nieuwste", "oudste"):
        for page in (1, 2, 3):
            again = engine.search("veiligheid", page=page, per_page=5, sort=sort)
            assert (again.total, again.groups) == (24, 21)


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
    assert URLS.document(hit.id) == "/documents/vlpar-2019-2020-58"
    assert (hit.chunk.kind, hit.chunk.label, hit.chunk.anchor) == ("pair", "1", "chunk-1")
    assert "<mark>freelancers</mark>" in snippet_html(hit.snippet)
    assert "<mark>Cultuurloket</mark>" in snippet_html(hit.snippet)


def test_hits_say_why_they_were_found(engine):
    hit = engine.search("freelancer regiocoordinatoren groene").partial_results[0]
    assert hit.id == "vlpar-2019-2020-58"
    assert [(m.word, m.how, m.found) for m in hit.why] == [
        ("freelancer", "stem", ("freelancers",)),
        ("regiocoordinatoren", "exact", ("regiocoördinatoren",)),
        ("groene", "", ()),
    ]
    hit = engine.search("coördinatoren loket").results[0]
    assert hit.id == "vlpar-2019-2020-58"
    assert [(m.how, m.found) for m in hit.why] == [
        ("part", ("regiocoördinatoren",)),
        ("part", ("Cultuurloket", "Kunstenloket")),
    ]
    [alarm] = engine.search("alarmtelefoonnummers").results[0].why
    assert alarm.how in ("exact", "part")


def test_snippets_escape_document_text(engine):
    hit = engine.search("Mystery shopping script alert").results[0]
    assert hit.id == "dekamer-999999001"
    assert "<script>" not in snippet_html(hit.snippet)
    assert "&lt;<mark>script</mark>&gt;" in snippet_html(hit.snippet)


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
        ("x" * (MAX_QUERY_LENGTH + 1), 1, 10),
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
    assert "<mark>Emolife</mark>" in marked_html(document.chunks[3].answer, URLS.reference)


def test_document_page_without_query_or_with_a_bad_one(engine):
    plain = engine.document("vlpar-2023-2024-235")
    assert plain.best_anchor == ""
    assert not any(c.matched for c in plain.chunks)
    assert engine.document("vlpar-2023-2024-235", "a*").best_anchor == ""
    assert engine.document("geen-document") is None


def test_document_text_is_escaped(engine):
    document = engine.document("dekamer-999999001")
    html = chunks_html(document)
    assert HOSTILE_MARKUP not in html
    assert "&lt;script&gt;" in html


def test_quotes_do_not_match_the_words_apart_or_in_other_forms(engine):
    # This record has "sociaal" and "zekerheid", never "sociale zekerheid".
    apart = f"dekamer-{SOCIAL_APART_ID}"
    assert apart in ids(engine.search("sociaal EN zekerheden", per_page=100))
    exact = engine.search('"sociale zekerheid"', per_page=100)
    assert exact.total > 0
    assert apart not in ids(exact)


def test_proximity(engine):
    near = set(ids(engine.search('"trein vertraging"~5', per_page=100)))
    wider = set(ids(engine.search('"trein vertraging"~20', per_page=100)))
    both = set(ids(engine.search("trein EN vertraging", per_page=100)))
    assert near and near < wider <= both
    assert engine.search('"trein vertraging"').total < len(near)


@pytest.mark.parametrize("sort", ["nieuwste", "oudste"])
def test_sort_by_date(engine, sort):
    by_relevance = engine.search("veiligheid", per_page=100)
    by_date = engine.search("veiligheid", per_page=100, sort=sort)
    dates = [hit.date for hit in by_date.results]
    assert dates == sorted(dates, reverse=sort == "nieuwste")
    assert len(set(dates)) > 1
    assert by_date.sort == sort and by_relevance.sort == "relevantie"
    assert set(ids(by_date)) == set(ids(by_relevance))
    assert ids(by_date) != ids(by_relevance)


def test_copies_of_one_question_are_one_result(engine):
    page = engine.search("Groene nummers van de overheidsdiensten", per_page=100)
    groene = [hit for hit in page.results if hit.title == "Groene nummers van de overheidsdiensten"]
    assert len(groene) == 1
    hit = groene[0]
    assert len(hit.copies) == 11
    ministers = {copy.minister for copy in hit.copies} | {hit.minister_shown}
    assert len(ministers) == 12
    assert all(copy.answered and copy.matched for copy in hit.copies)
    assert hit.id not in {copy.id for copy in hit.copies}
    # Every matching document is a result or a matching copy of one.
    assert page.total == sum(1 + sum(c.matched for c in h.copies) for h in page.results)


def test_copies_outside_the_search_are_listed_as_not_matching(engine):
    # Only the copy sent to the minister of Justice passes this filter.
    page = engine.search("groene nummers minister:justitie")
    assert page.total == 1
    (hit,) = page.results
    assert hit.minister == "Koen Geens"
    assert hit.minister_label == "Justitie"
    assert len(hit.copies) == 11
    assert not any(copy.matched for copy in hit.copies)


def test_did_you_mean(engine):
    page = engine.search("wederbeleggingsvergoedig")
    assert page.suggestion == "wederbeleggingsvergoeding"
    assert engine.search("wederbeleggingsvergoeding").suggestion is None
    assert engine.search("trein vertragng").suggestion == "trein vertraging"
    # Filters written in the query stay in the suggestion; known words and operators are kept.
    assert (
        engine.search("Cultuurloket EN freelancres lid:brusselmans").suggestion
        == "Cultuurloket EN freelancers lid:brusselmans"
    )
    assert engine.search("treinen NIET vertraging").suggestion is None


def test_related_questions(engine):
    document = engine.document("dekamer-190130")
    related = [summary.id for summary in document.related]
    assert 0 < len(related) <= 5
    copies = {copy.id for copy in document.copies}
    assert len(copies) == 11
    assert not ({"dekamer-190130"} | copies) & set(related)
    alone = engine.document("dekamer-184501")
    assert alone.copies == []
    assert len(alone.related) == 5
    # The question about a technical incident on a train line is like other train questions.
    assert any(
        "trein" in marked_html(engine.document(r.id).chunks[0].question, URLS.reference).lower()
        for r in alone.related
    )


def test_cross_references_link_to_the_document_or_a_search(engine):
    hostile = engine.document("dekamer-999999001")
    html = chunks_html(hostile)
    assert (
        '<a class="reference" href="/documents/vlpar-2019-2020-58">'
        "vraag nr. 58 van 9 december 2019</a>" in html
    )
    cited = engine.document("dekamer-184503")
    html = chunks_html(cited)
    assert (
        '<a class="reference" href="/search?q=%22nr.+1698+van+5+oktober+2016%22">'
        "schriftelijke vraag nr. 1698 van 5 oktober 2016</a>"
    ) in html
    # The search a reference links to finds the documents citing the same question: here two
    # copies of one question, so one result.
    citing = engine.search('"nr. 1698 van 5 oktober 2016"')
    assert citing.total == 2
    assert {citing.results[0].id, *(copy.id for copy in citing.results[0].copies)} == {
        "dekamer-184503",
        "dekamer-184504",
    }


def test_a_word_scores_each_chunk_by_its_own_best_form(index_dir):
    # "diensten" is the better of the word and the word inside a compound ("overheidsdiensten")
    # in each chunk; Whoosh's own disjunction max gave chunks a later chunk's score instead.
    parser = make_parser(build_schema(), ("question",))
    forms, _exact = parsed("diensten", parser).subqueries
    assert isinstance(forms, DisjunctionMax)
    word, contained = (sub for sub in forms.subqueries if isinstance(sub, wq.Term))
    with whoosh_index.open_dir(str(current_generation(index_dir))).searcher(
        weighting=weighting()
    ) as searcher:

        def scores(query):
            return {docnum: score for score, docnum in searcher.search(query, limit=None).top_n}

        alone = [scores(word), scores(contained)]
        best = {n: max(s.get(n, 0.0) for s in alone) for n in alone[0].keys() | alone[1].keys()}
        assert len(alone[0]) > 5 and len(alone[1]) > 5
        assert scores(DisjunctionMax([word, contained])) == pytest.approx(best)


def test_a_weight_multiplies_a_words_score(engine):
    """Issue 22 row 13: `trein^2` found nothing while `trein` found 238."""
    plain, weighed = engine.search("trein"), engine.search("trein^2")
    assert weighed.total == plain.total > 0 and weighed.notices == ()
    assert [(h.id, round(h.score * 2, 3)) for h in plain.results] == [
        (h.id, round(h.score, 3)) for h in weighed.results
    ]
    first = engine.search("trein veiligheid^5").results[0].score
    assert first > engine.search("trein veiligheid").results[0].score


def test_fuzziness_is_explained_and_the_word_searched(engine):
    fuzzy, plain = engine.search("trein~1"), engine.search("trein")
    assert [h.id for h in fuzzy.results] == [h.id for h in plain.results] and fuzzy.total
    assert fuzzy.notices == (
        "Vaag zoeken met ~ bestaat hier niet: er is gezocht op het woord zelf (dat al zijn "
        "vormen vindt); een tikfout verbetert de pagina met 'Bedoelde u …?'.",
    )
    assert engine.search('"trein vertraging"~5').notices == ()  # a phrase's distance


@pytest.mark.parametrize("query", ["-trein", "NIET trein"])
def test_exclusions_alone_list_every_other_document_newest_first_and_say_so(engine, query):
    page = engine.search(query)
    everything = engine.search("").total
    assert page.total == everything - engine.search("trein").total
    assert page.sort == "nieuwste"
    assert page.notices == (
        "De zoekvraag sluit alleen woorden uit: dit zijn alle documenten die ze niet bevatten, "
        "de nieuwste eerst.",
    )


def test_the_json_and_the_page_say_how_the_query_was_read(client):
    data = client.get("/api/search?q=-trein").get_json()
    assert data["notices"][0].startswith("De zoekvraag sluit alleen woorden uit")
    page = BeautifulSoup(client.get("/search?q=trein~1").data, "html.parser")
    assert page.select_one("p.notice").get_text().startswith("Vaag zoeken met ~")


@pytest.mark.parametrize(("typed", "meant"), [("ﬁets", "fiets"), ("ＴＲＥＩＮ", "trein")])
def test_compatibility_forms_are_the_letters_they_stand_for(engine, typed, meant):
    found = engine.search(typed)
    assert found.total == engine.search(meant).total > 0
    assert [h.id for h in found.results] == [h.id for h in engine.search(meant).results]


def test_a_ligature_in_a_document_is_found_by_the_plain_word(tmp_path):
    (record,) = chamber_records({184501})
    record["answer"] += " Een nieuw ﬁetspad langs de spoorlijn."
    write_jsonl(tmp_path / "corpus" / "kamer.jsonl", [record])
    build_index(tmp_path / "corpus", tmp_path / "index")
    found = SearchEngine(tmp_path / "index").search('"fietspad"')
    assert [h.id for h in found.results] == ["dekamer-184501"]
    assert "<mark>ﬁetspad</mark>" in snippet_html(found.results[0].snippet)
