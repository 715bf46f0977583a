"""The ministers table: who held each portfolio on each date, each row with its source, and the
names it gives the documents, their filters and facets."""

import datetime as dt
import re

import pytest

from search.engine.filters import Filters
from search.ingest.corpus import read_documents
from search.ingest.ministers import (
    MinisterTableError,
    find_office,
    offices,
    portfolio_key,
    read_offices,
)
from search.ingest.parse_chamber import parse_chamber_record
from tests.conftest import PDF_235, SEED_TXT, chamber_records

DEMIR_TITLE = (
    "Staatssecretaris voor Armoedebestrijding, Gelijke Kansen, Personen met een beperking, en "
    "Wetenschapsbeleid, belast met Grote Steden, toegevoegd aan de Minister van Veiligheid en "
    "Binnenlandse Zaken"
)
SLEURS_TITLE = DEMIR_TITLE.replace(
    "de Minister van Veiligheid en Binnenlandse Zaken", "de minister van Financien"
)
MIDDENSTAND = (
    "Minister van Middenstand, Zelfstandigen, KMO's, Landbouw en Maatschappelijke Integratie"
)
HEADER = "parliament\tportfolio\tperson\tparty\tlabel\tfrom\tto\tsource"


@pytest.fixture(scope="module")
def bundled_records():
    return chamber_records()


def test_every_portfolio_of_the_bundled_corpus_on_every_date_resolves_or_is_unresolved(
    bundled_records,
):
    unresolved = set()
    for title, filed in {(r["answer_department"], r["depotdat"][:10]) for r in bundled_records}:
        date = dt.date.fromisoformat(filed)
        rows = [
            office
            for office in offices()
            if office.parliament == "dekamer"
            and portfolio_key(office.portfolio) == portfolio_key(title)
            and office.covers(date)
        ]
        assert len(rows) == 1, (title, filed, rows)
        assert find_office("dekamer", title, date) == rows[0]
        if not rows[0].resolved:
            unresolved.add((title, filed))
    # Only Zuhal Demir's title, on dates before she was sworn in, cannot be told.
    assert {title for title, _ in unresolved} == {DEMIR_TITLE}
    assert max(filed for _, filed in unresolved) < "2017-02-24"
    assert (
        len(
            [
                r
                for r in bundled_records
                if r["answer_department"] == DEMIR_TITLE and r["depotdat"] < "2017-02-24"
            ]
        )
        == 10
    )


@pytest.mark.parametrize(
    ("title", "filed", "person"),
    [
        (SLEURS_TITLE, "2017-02-14", "Elke Sleurs"),
        (DEMIR_TITLE, "2017-02-24", "Zuhal Demir"),
        (DEMIR_TITLE, "2017-06-29", "Zuhal Demir"),
        (DEMIR_TITLE, "2017-02-16", ""),
        (
            "Minister van Financiën, belast met Bestrijding van de fiscale fraude",
            "2017-03-01",
            "Johan Van Overtveldt",
        ),
        (
            MIDDENSTAND,
            "2017-07-27",
            "Willy Borsus",
        ),
        (
            MIDDENSTAND,
            "2017-07-28",
            "Denis Ducarme",
        ),
    ],
)
def test_a_portfolio_resolves_to_who_held_it_that_day(title, filed, person):
    office = find_office("dekamer", title, dt.date.fromisoformat(filed))
    assert office is not None and office.person == person


def test_outside_the_table_nothing_is_guessed():
    assert find_office("dekamer", "Eerste minister", dt.date(2014, 10, 10)) is None
    assert find_office("dekamer", "Eerste minister", dt.date(2019, 1, 1)) is None
    assert find_office("dekamer", "Minister van Iets", dt.date(2017, 3, 1)) is None
    assert find_office("dekamer", "Eerste minister", None) is None


def test_every_row_names_its_source_and_a_resolved_row_its_party():
    for office in offices():
        assert re.search(r"https?://\S+", office.source), office
        assert office.label and office.start <= office.end
        assert office.party or not office.resolved


def test_the_flemish_documents_name_the_minister_the_table_gives():
    skipped = []
    for path in (SEED_TXT, PDF_235):
        (document,) = read_documents(path, skipped)
        office = find_office("vlpar", document.minister_title, document.date)
        assert office is not None and office.person == document.minister
        assert document.minister_label == office.label
    assert skipped == []


def test_chamber_documents_carry_the_person_and_a_short_label():
    (record,) = chamber_records({190131})
    document = parse_chamber_record(record)
    assert document.minister == "Jan Jambon"
    assert document.minister_label == "Veiligheid en Binnenlandse Zaken"
    assert document.minister_title.startswith("Vice-eersteminister en minister van Veiligheid")
    assert document.minister_shown == "Jan Jambon — Veiligheid en Binnenlandse Zaken"


def test_an_unresolved_portfolio_shows_the_portfolio_and_no_person(bundled_records):
    (record,) = [r for r in bundled_records if r["doc_id"] == 185564]
    document = parse_chamber_record(record)
    assert document.minister == ""
    assert document.minister_shown == (
        "Armoedebestrijding, Gelijke Kansen, Personen met een beperking en Wetenschapsbeleid"
    )


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            [
                "dekamer\tEerste minister\tA\tMR\tEerste minister\t2017-01-01\t2017-12-31\thttps://a",
                "dekamer\tEERSTE  minister\tB\tMR\tEerste minister\t2017-06-01\t2018-12-31\thttps://b",
            ],
            "overlap on 2017-06-01",
        ),
        (
            ["dekamer\tEerste minister\tA\tMR\tEerste minister\t2017-01-01\t2016-12-31\thttps://a"],
            "needs a portfolio",
        ),
        (
            ["dekamer\tEerste minister\tA\tMR\tEerste minister\t2017-01-01\t2017-12-31\t"],
            "needs a portfolio",
        ),
        (["dekamer\tEerste minister\tA\tMR\t2017-01-01\t2017-12-31\thttps://a"], "columns"),
        (["dekamer\tEerste minister\tA\tMR\tE\t1 januari 2017\t2017-12-31\thttps://a"], "line 2"),
    ],
)
def test_a_malformed_table_is_refused(rows, message):
    with pytest.raises(MinisterTableError, match=message):
        read_offices(["# comment", HEADER, *rows])


def test_minister_filters_and_facets_use_the_persons_name(engine, client):
    # Jan Jambon's federal answers (by portfolio title in the data) and his Flemish one.
    page = engine.search("", filters=_filters(minister=("jambon",)), per_page=100)
    ministers = {hit.minister for hit in page.results}
    assert ministers == {"Jan Jambon"}
    assert {hit.source for hit in page.results} == {"dekamer", "vlpar"}
    facet = next(f for f in page.facets if f.name == "minister")
    assert {value.value for value in facet.values} == {
        "Jan Jambon — Veiligheid en Binnenlandse Zaken",
        "Jan Jambon — Vlaams minister-president, Buitenlandse Zaken, Cultuur, ICT en "
        "Facilitair Management",
    }
    # The name selects the person's documents, as the facet's value does; words of the
    # portfolio's full title still select it (De Backer's title names Volksgezondheid too).
    exact = "Maggie De Block — Sociale Zaken en Volksgezondheid"
    by_name = engine.search("", filters=_filters(minister=("De Block",))).total
    assert by_name == engine.search("", filters=_filters(minister=(exact,))).total > 0
    by_title = engine.search("", filters=_filters(minister=("volksgezondheid",))).total
    de_backer = engine.search("", filters=_filters(minister=("de backer",))).total
    assert by_title == by_name + de_backer
    data = client.get("/api/search?minister=francken").get_json()
    assert data["total"] > 0
    assert {hit["minister"] for hit in data["results"]} == {"Theo Francken"}


def _filters(**values):
    return Filters(values)
