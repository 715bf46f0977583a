"""References go to the document: a query that is a document's id, its number, its address or a
citation as our pages print it puts that document first."""

from __future__ import annotations

import pytest

from search.engine.filters import Filters
from search.engine.query.reference import cited_documents
from search.engine.results import CITED
from search.engine.searching import SearchEngine
from search.index.arrays.document_table import DocumentTable
from search.index.generations.folders import current_generation
from search.index.generations.writing import build_index
from search.render.urls import Urls
from tests.conftest import chamber_records, write_jsonl

CHAMBER = "dekamer-190137"
FLEMISH_58 = "vlpar-2019-2020-58"
FLEMISH_235 = "vlpar-2023-2024-235"


@pytest.mark.parametrize(
    ("query", "document"),
    [
        # Document ids, and a Chamber record's number alone.
        ("dekamer-190137", CHAMBER),
        ("DEKAMER-190137", CHAMBER),
        ("190137", CHAMBER),
        (" 190137 ", CHAMBER),
        ("record 190137", CHAMBER),
        ("http://data.dekamer.be/v0/qrva/190137", CHAMBER),
        ("vlpar-2023-2024-235", FLEMISH_235),
        ("vlpar-2019-2020-58", FLEMISH_58),
        # A Flemish question's number, with or without its session or date.
        ("235", FLEMISH_235),
        ("nr. 235", FLEMISH_235),
        ("Nr 235", FLEMISH_235),
        ("nummer 235", FLEMISH_235),
        ("vraag 235", FLEMISH_235),
        ("vraag nr. 235", FLEMISH_235),
        ("vraag 235 2023-2024", FLEMISH_235),
        ("vraag 235, zitting 2023-2024", FLEMISH_235),
        ("235 2023-2024", FLEMISH_235),
        ("nr. 235 (zitting 2023-2024)", FLEMISH_235),
        ("schriftelijke vraag nr. 58 van 9 december 2019", FLEMISH_58),
        ("vraag nr. 58 van 9 december 2019.", FLEMISH_58),
        ("Schriftelijke vraag nr. 58", FLEMISH_58),
        # Links to our pages.
        ("/documents/dekamer-190137", CHAMBER),
        (
            "https://zoeken.example.org/documents/vlpar-2019-2020-58?q=Cultuurloket#chunk-2",
            FLEMISH_58,
        ),
        ("http://127.0.0.1:5000/documents/dekamer-190137#chunk-0", CHAMBER),
    ],
)
def test_a_reference_puts_its_document_first(engine, query, document):
    page = engine.search(query)
    first = page.results[0]
    assert first.id == document
    assert first.matched_through in (CITED, "")


@pytest.mark.parametrize("document", [CHAMBER, FLEMISH_58, FLEMISH_235])
def test_every_form_a_document_page_prints_finds_the_document(engine, document):
    page = engine.document(document)
    printed = [
        page.reference,
        page.citation,
        page.id,
        Urls().document(page.id),
        Urls("https://zoeken.example.org").absolute(Urls().document(page.id)),
    ]
    for query in printed:
        assert engine.search(query).results[0].id == document, query


def test_the_json_and_the_page_say_the_document_is_the_one_referred_to(client):
    data = client.get("/api/search", query_string={"q": "190137"}).get_json()
    assert data["total"] == 1
    assert data["results"][0]["matched_through"] == "reference"
    assert data["suggestion"] is None
    page = client.get("/search", query_string={"q": "record 190137"}).get_data(as_text=True)
    assert "Dit is het document waarnaar de zoekvraag verwijst." in page


@pytest.mark.parametrize(
    "query",
    [
        "2017",
        "999999",
        "nr. 9999",
        "vraag 235 2019-2020",
        "dekamer-bestaat-niet",
        "vraag nr. 58 over het Cultuurloket en de freelancers",
        "trein 190137",
    ],
)
def test_other_numbers_and_mentions_in_longer_text_are_words(engine, index_dir, query):
    table = DocumentTable.open(current_generation(index_dir))
    assert cited_documents(query, table) == ()
    assert all(hit.matched_through != CITED for hit in engine.search(query).results)


def test_a_filter_still_applies_to_the_document_referred_to(engine):
    page = engine.search("nr. 235", filters=Filters({"bron": ("dekamer",)}))
    assert FLEMISH_235 not in [hit.id for hit in page.results + page.partial_results]
    page = engine.search("nr. 235", filters=Filters({"bron": ("vlpar",)}))
    assert page.results[0].id == FLEMISH_235


BULLETIN_ID = "55-B034-2-0136-2020202107205"


@pytest.fixture(scope="module")
def bulletin_engine(tmp_path_factory) -> SearchEngine:
    """An index of Chamber records whose ids are the Chamber's own references (as data.dekamer.be
    names its records of 2020: legislature, bulletin, question)."""
    records = chamber_records({184501, 184502})
    records[0] = dict(records[0], doc_id=BULLETIN_ID)
    corpus = tmp_path_factory.mktemp("bulletin-corpus")
    write_jsonl(corpus / "dekamer" / "bulletin.jsonl", records)
    index = tmp_path_factory.mktemp("bulletin-index")
    build_index(corpus, index)
    return SearchEngine(index)


@pytest.mark.parametrize(
    "query",
    [
        BULLETIN_ID,
        f"dekamer-{BULLETIN_ID}",
        f"http://data.dekamer.be/v0/qrva/{BULLETIN_ID}",
        f"record {BULLETIN_ID}",
    ],
)
def test_a_chamber_bulletin_reference_finds_its_record(bulletin_engine, query):
    assert bulletin_engine.search(query).results[0].id == f"dekamer-{BULLETIN_ID}"
