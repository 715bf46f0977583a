"""Filters (URL parameters and inside the query) and facet counts, on the small real index."""

import pytest

from search.engine import filters
from search.engine.filters import parse_filters, split_query_filters
from search.engine.query import QueryError
from search.engine.request import SearchRequest, parse_request
from search.index.arrays.document_table import FACETS

SINGLE_VALUED = [name for name, several in FACETS if not several]


def ids(page):
    return {hit.id for hit in page.results}


def everything(engine, **params):
    """The page holding every result of a search given as URL parameters."""
    values = {name: value if isinstance(value, list) else [value] for name, value in params.items()}
    return engine.search(parse_request({**values, "per_page": ["100"]}))


@pytest.mark.parametrize(
    ("written", "name", "value"),
    [
        ("partij:N-VA", "partij", "N-VA"),
        ("partij:n-va", "partij", "N-VA"),
        ("lid:brusselmans", "lid", "brusselmans"),
        ('lid:"Gautier Calomne"', "lid", "Gautier Calomne"),
        ("minister:jambon", "minister", "jambon"),
        ("minister:justitie", "minister", "Justitie"),
        ("thema:spoorwegen", "thema", "spoorwegen"),
        ("thema:NMBS", "thema", "nmbs"),
        ("jaar:2017", "jaar", "2017"),
        ("bron:vlpar", "bron", "vlpar"),
        ("status:onbeantwoord", "status", "onbeantwoord"),
        ("van:2017-01-05", "van", "2017-01-05"),
    ],
)
def test_a_filter_in_the_query_equals_the_url_parameter(engine, written, name, value):
    in_query = engine.search(written, per_page=100)
    as_parameter = everything(engine, **{name: value})
    assert in_query.total == as_parameter.total > 0
    assert ids(in_query) == ids(as_parameter)


def test_filters_in_the_query_combine_with_words(engine):
    in_query = engine.search("trein partij:MR", per_page=100)
    as_parameter = everything(engine, q="trein", partij="MR")
    assert in_query.total == as_parameter.total > 0
    assert ids(in_query) == ids(as_parameter) < ids(engine.search("trein", per_page=100))
    assert all(hit.party == "MR" for hit in in_query.results)


def test_exact_values_and_words(engine):
    by_name = everything(engine, lid="Filip Brusselmans")
    assert ids(by_name) == ids(everything(engine, lid="brusselmans")) == {"vlpar-2019-2020-58"}
    # A whole value as the facets list it matches that value only, case and accents aside.
    assert everything(engine, partij="n-va").total == everything(engine, partij="N-VA").total
    assert {hit.party for hit in everything(engine, partij="N-VA").results} == {"N-VA"}
    # Words match the start of words, without Dutch endings ("spoorwegen" -> SPOORWEGNET).
    themes = {hit.id for hit in everything(engine, thema="spoorwegen").results}
    assert themes and themes <= ids(everything(engine, thema="VERVOER PER SPOOR")) | ids(
        everything(engine, thema="SPOORWEGSTATION")
    ) | ids(everything(engine, thema="SPOORWEGNET"))
    assert everything(engine, lid="onbestaande naam").total == 0


def test_values_of_one_filter_are_or_and_filters_are_and(engine):
    mr = everything(engine, partij="MR").total
    nva = everything(engine, partij="N-VA").total
    assert everything(engine, partij=["MR", "N-VA"]).total == mr + nva
    assert engine.search("partij:MR partij:N-VA", per_page=100).total == mr + nva
    both = everything(engine, partij="MR", status="onbeantwoord")
    assert both.total < mr
    assert all(hit.party == "MR" and not hit.answered for hit in both.results)


def test_date_range_and_year(engine):
    january = everything(engine, van="2017-01-05", tot="2017-01-06")
    assert january.total > 0
    assert all("2017-01-05" <= hit.date <= "2017-01-06" for hit in january.results)
    in_query = engine.search("van:2017-01-05 tot:2017-01-06", per_page=100)
    assert ids(in_query) == ids(january)
    assert everything(engine, jaar="2019").total == 1  # the Flemish question of 9 December 2019
    assert everything(engine, jaar="2019", van="2020-01-01").total == 0


def test_scope_matches_only_in_the_question_or_the_answer(engine):
    # "Emolife" occurs only in an answer of the Cultuurloket document.
    assert ids(everything(engine, q="Emolife", **{"in": "antwoord"})) == {"vlpar-2019-2020-58"}
    assert everything(engine, q="Emolife", **{"in": "vraag"}).total == 0
    assert everything(engine, q="Emolife").total == 1


def test_filters_without_query_words_list_the_newest_first(engine):
    page = everything(engine, bron="dekamer", status="onbeantwoord")
    assert page.sort == "nieuwste"
    assert page.total > 0
    dates = [hit.date for hit in page.results]
    assert dates == sorted(dates, reverse=True)


@pytest.mark.parametrize("query", ["trein", "veiligheid", "groene nummers", "partij:N-VA"])
def test_single_valued_facets_add_up_to_the_total(engine, query):
    page = engine.search(query)
    for facet in page.facets:
        if facet.name in SINGLE_VALUED:
            counted = sum(value.count for value in facet.values) + facet.other + facet.missing
            assert counted == page.total, facet.name


def test_facet_counts_are_the_totals_their_links_give(engine):
    page = engine.search("veiligheid")
    for facet in page.facets:
        for value in facet.values:
            narrowed = engine.search(page.request.with_filter(facet.name, value.value))
            assert narrowed.total == value.count, (facet.name, value.value)


def test_facets_count_documents_over_the_whole_result_set(engine):
    # Twelve copies of one question: one result, but twelve documents in every facet.
    page = engine.search('"groene nummers"', per_page=1)
    assert (page.total, page.groups, len(page.results)) == (12, 1, 1)
    facets = {facet.name: facet for facet in page.facets}
    assert [(v.value, v.count) for v in facets["lid"].values] == [("Gautier Calomne", 12)]
    assert sum(v.count for v in facets["minister"].values) + facets["minister"].other == 12
    themes = {v.value: v.count for v in facets["thema"].values}
    assert themes["GRATIS DIENSTEN"] == 12


def test_selected_facet_values_are_marked(engine):
    page = engine.search(SearchRequest(q="trein", filters=parse_filters({"partij": ["mr"]})))
    party = next(facet for facet in page.facets if facet.name == "partij")
    assert [(v.value, v.selected) for v in party.values] == [("MR", True)]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"bron": ["senaat"]}, "Onbekende bron"),
        ({"status": ["misschien"]}, "Onbekende status"),
        ({"jaar": ["17"]}, "vier cijfers"),
        ({"van": ["5 januari 2017"]}, "JJJJ-MM-DD"),
        ({"tot": ["2017-02-30"]}, "bestaat niet"),
        ({"van": ["2017-03-01"], "tot": ["2017-01-01"]}, "begindatum"),
        ({"van": ["2017-01-01", "2017-02-01"]}, "één datum"),
        ({"lid": ["x" * 201]}, "te lang"),
        ({"partij": [f"p{n}" for n in range(21)]}, "hoogstens 20"),
    ],
)
def test_bad_filter_values_are_refused_in_dutch(params, message):
    with pytest.raises(QueryError, match=message):
        parse_filters(params)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"sort": ["datum"]}, "Onbekende sortering"),
        ({"in": ["titel"]}, "'in'"),
        ({"q": ["a", "b"]}, "maar één keer"),
        ({"page": ["0"]}, "positief geheel getal"),
        ({"per_page": ["x"]}, "positief geheel getal"),
    ],
)
def test_bad_request_parameters_are_refused_in_dutch(params, message):
    with pytest.raises(QueryError, match=message):
        parse_request(params)


def test_empty_filter_values_are_ignored():
    assert not parse_filters({"lid": ["", "  "], "van": [""]})


def test_split_query_filters_keeps_the_rest_as_typed():
    split = split_query_filters('"trein vertraging"~5 OF lid:"Filip Brusselmans" partij:N-VA')
    assert split.text == '"trein vertraging"~5'
    assert split.params == {"lid": ["Filip Brusselmans"], "partij": ["N-VA"]}
    assert split.written == ('lid:"Filip Brusselmans"', "partij:N-VA")
    # Field queries on the text and filters inside quotes are not filters.
    assert split_query_filters('titel:trein "lid:x"').params == {}


@pytest.mark.parametrize("query", ["(trein lid:x)", "trein -partij:MR", "trein NIET partij:MR"])
def test_filters_inside_groups_or_negated_are_refused(query):
    with pytest.raises(QueryError, match="hele zoekvraag"):
        split_query_filters(query)


def test_a_request_is_finished_when_made():
    request = parse_request({"q": ['trein partij:MR lid:"Filip Brusselmans"'], "partij": ["N-VA"]})
    assert request.text == "trein"
    assert request.written_filters == ("partij:MR", 'lid:"Filip Brusselmans"')
    assert request.applied_filters.values == {
        "partij": ("N-VA", "MR"),
        "lid": ("Filip Brusselmans",),
    }
    # Links and the facets' selected values keep the query as typed and the URL's filters.
    assert request.filters.values == {"partij": ("N-VA",)}
    assert request.params() == [("q", request.q), ("partij", "N-VA")]
    assert request.replace(page=2).applied_filters == request.applied_filters


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": ["(trein lid:x)"]}, "hele zoekvraag"),
        ({"q": ["trein jaar:17"]}, "vier cijfers"),
        ({"q": ["trein van:2019-01-01"], "tot": ["2018-12-31"]}, "begindatum"),
    ],
)
def test_a_request_with_impossible_written_filters_is_refused_when_made(params, message):
    with pytest.raises(QueryError, match=message):
        parse_request(params)


def test_each_filter_value_is_masked_once_per_search(engine, monkeypatch):
    masked = []
    real = filters._text_filter_mask

    def counting(name, value, table):
        masked.append((name, value))
        return real(name, value, table)

    monkeypatch.setattr(filters, "_text_filter_mask", counting)
    page = engine.search(parse_request({"q": ["trein partij:Vlams"], "partij": ["N-VA"]}))
    assert masked == [("partij", "N-VA"), ("partij", "Vlams")]
    # The value that selects nothing is read off its mask: no mask made again.
    assert [(s.name, s.value) for s in page.filter_suggestions] == [("partij", "Vlams")]
