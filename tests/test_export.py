"""The exports and the Atom feed: the same search as the results page, every match, escaped.
CSV for programs and for Excel, RIS and BibTeX for reference managers, each read back by a
parser (Python's csv, rispy, bibtexparser); the metadata Zotero reads on a document page."""

import csv
import io
import re
import xml.etree.ElementTree as ET
from dataclasses import replace

import bibtexparser
import feedparser
import pytest
import rispy
from bibtexparser.middlewares import LatexDecodingMiddleware
from bs4 import BeautifulSoup
from flask import redirect
from hypothesis import given, settings
from hypothesis import strategies as st

from search.engine import export_rows
from search.engine.fragments import Snippet
from search.engine.pages import ExportedDocument
from search.http.app import create_app
from search.render.bibliography import bibtex_entry, reference, ris_record
from search.render.export import CSV_COLUMNS, EXCEL_CSV, csv_lines, neutralise_formula
from search.render.urls import Urls
from tests.conftest import HOSTILE_ID, HOSTILE_MARKUP, SAMPLE_DOCUMENTS

ATOM = "{http://www.w3.org/2005/Atom}"
DOCUMENT_PAGE = "/documents/vlpar-2019-2020-58"
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")


def csv_rows(response):
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def matching_ids(client, params):
    """Every matching document id, from the JSON twin: results and their matching copies."""
    data = client.get(f"/api/search?{params}&per_page=100").get_json()
    assert data["groups"] <= 100
    found = set()
    for hit in data["results"]:
        found.add(hit["id"])
        found.update(copy["id"] for copy in hit["group"] if copy["matched"])
    assert len(found) == data["total"]
    return found


def exported(**changes) -> ExportedDocument:
    """An export's row whose every cell a spreadsheet would run as a formula."""
    document = ExportedDocument(
        id="id-1",
        title="=1+2",
        date="2017-01-01",
        member="@lid",
        party="-",
        minister="+minister",
        minister_label="=portefeuille",
        source="dekamer",
        answered=True,
        themes=("-THEMA",),
        reference="Schriftelijke vraag",
        passage=Snippet("=SUM(A1)", (), cut_before=False, cut_after=False),
    )
    return replace(document, **changes)


def test_csv_holds_every_matching_document(client):
    for params in ("q=veiligheid", "q=groene+nummers", "bron=dekamer&status=beantwoord"):
        response = client.get(f"/search.csv?{params}")
        assert response.status_code == 200
        assert response.mimetype == "text/csv"
        assert response.is_streamed
        rows = csv_rows(response)
        assert {row["id"] for row in rows} == matching_ids(client, params)
        assert len(rows) == int(response.headers["X-Total-Count"])


def test_csv_columns_and_values(client):
    response = client.get("/search.csv?q=freelancers+Cultuurloket")
    assert response.headers["Content-Disposition"].startswith("attachment")
    row = csv_rows(response)[0]
    assert row == {
        "id": "vlpar-2019-2020-58",
        "date": "2019-12-09",
        "member": "Filip Brusselmans",
        "party": "",
        "minister": "Jan Jambon",
        "title": "Cultuurloket - Evaluatie transitie",
        "status": "beantwoord",
        "source": "vlpar",
        "url": "/documents/vlpar-2019-2020-58",
        "portfolio": "Vlaams minister-president, Buitenlandse Zaken, Cultuur, ICT en Facilitair "
        "Management",
        "themes": "",
        "answered": "1",
        "reference": "Schriftelijke vraag nr. 58 van 9 december 2019 (zitting 2019-2020)",
        "passage": row["passage"],
    }
    # The best-matching passage, as plain text: the query's words, no markup.
    assert "freelancers" in row["passage"] and "<mark>" not in row["passage"]


def test_csv_follows_the_requested_order(client):
    rows = csv_rows(client.get("/search.csv?q=veiligheid&sort=oudste"))
    dates = [row["date"] for row in rows]
    assert dates == sorted(dates)


def test_csv_stops_at_the_export_limit(client, monkeypatch):
    monkeypatch.setattr(export_rows, "EXPORT_LIMIT", 5)
    response = client.get("/search.csv?q=veiligheid")
    assert len(csv_rows(response)) == 5
    assert response.headers["X-Total-Count"] == "24"


def test_csv_cells_never_run_as_formulas():
    assert neutralise_formula('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    for start in "=+-@\t\r":
        assert neutralise_formula(start + "1").startswith("'")
    assert neutralise_formula("Groene nummers") == "Groene nummers"
    lines = list(csv_lines([exported()], Urls("http://localhost/")))
    (row,) = list(csv.DictReader(io.StringIO("".join(lines))))
    cells = ("title", "member", "party", "minister", "portfolio", "themes", "passage")
    assert [row[name] for name in cells] == [
        "'=1+2",
        "'@lid",
        "'-",
        "'+minister",
        "'=portefeuille",
        "'-THEMA",
        "'=SUM(A1)",
    ]


def test_atom_feed_is_valid_atom_newest_first(client):
    response = client.get("/search.atom?q=veiligheid&sort=oudste")
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    feed = feedparser.parse(response.get_data())
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.title == "Parlsearch: veiligheid"
    assert len(feed.entries) == 10
    dates = [entry.updated for entry in feed.entries]
    assert dates == sorted(dates, reverse=True)
    first = feed.entries[0]
    assert first.link.startswith("/documents/")
    assert first.author


def test_atom_feed_has_what_rfc_4287_requires(client):
    root = ET.fromstring(client.get("/search.atom?q=groene+nummers").get_data())
    assert root.tag == f"{ATOM}feed"
    for element in (root, *root.findall(f"{ATOM}entry")):
        for required in ("id", "title", "updated"):
            assert len(element.findall(f"{ATOM}{required}")) == 1, required
        assert RFC3339.fullmatch(element.find(f"{ATOM}updated").text)
    assert root.find(f"{ATOM}author/{ATOM}name").text
    self_link = root.find(f"{ATOM}link[@rel='self']")
    assert self_link.get("href") == "/search.atom?q=groene+nummers"
    assert root.find(f"{ATOM}id").text == "urn:parlsearch:search.atom?q=groene+nummers"
    entries = root.findall(f"{ATOM}entry")
    # The twelve copies of one question are one entry; a document with "alarmtelefoonnummers"
    # but not "groene" holds only one of the words, which a feed leaves out.
    assert len(entries) == 1
    ids = [entry.find(f"{ATOM}id").text for entry in entries]
    assert len(set(ids)) == len(ids)


def test_atom_feed_escapes_document_text(client):
    body = client.get("/search.atom?q=Mystery+shopping+script").get_data(as_text=True)
    assert HOSTILE_MARKUP not in body
    assert "&lt;script&gt;" in body
    titles = [e.title for e in feedparser.parse(body).entries]
    assert any(HOSTILE_MARKUP in title for title in titles)


def test_feeds_without_criteria_hold_every_document(client):
    feed = feedparser.parse(client.get("/search.atom").get_data())
    assert feed.feed.title == "Parlsearch: alle documenten"
    assert len(feed.entries) == 10
    response = client.get("/search.csv?q=+")
    assert len(csv_rows(response)) == SAMPLE_DOCUMENTS
    assert response.headers["X-Total-Count"] == str(SAMPLE_DOCUMENTS)


def test_links_come_from_the_base_url_never_from_the_host_header(index_dir):
    config = {"INDEX_DIR": str(index_dir), "BASE_URL": "https://zoeken.example.org"}
    client = create_app(config).test_client()
    evil = {"Host": "evil.example"}
    for path in ("/search.atom?q=veiligheid", "/search.csv?q=veiligheid", DOCUMENT_PAGE):
        body = client.get(path, headers=evil).get_data(as_text=True)
        assert "evil.example" not in body, path
        assert "https://zoeken.example.org/documents/" in body, path
    feed = ET.fromstring(client.get("/search.atom?q=veiligheid", headers=evil).get_data())
    assert feed.find(f"{ATOM}id").text == "https://zoeken.example.org/search.atom?q=veiligheid"
    rows = csv_rows(client.get("/search.csv?q=veiligheid", headers=evil))
    assert all(row["url"].startswith("https://zoeken.example.org/documents/") for row in rows)


def test_without_a_base_url_links_are_relative_whatever_the_host_header(client):
    evil = {"Host": "evil.example"}
    for path in ("/search.atom?q=veiligheid", "/search.csv?q=veiligheid", DOCUMENT_PAGE):
        body = client.get(path, headers=evil).get_data(as_text=True)
        assert "evil.example" not in body, path
        assert "/documents/" in body


@pytest.mark.parametrize("base_url", ["", "https://zoeken.example.org"])
@pytest.mark.parametrize("path", ["//search?q=trein", "/api//search?q=trein", "//"])
def test_redirects_are_never_built_from_the_host_header(index_dir, base_url, path):
    """Issue 22 row 10: the redirect of a path holding `//` went to `http://evil.example/…`."""
    client = create_app({"INDEX_DIR": str(index_dir), "BASE_URL": base_url}).test_client()
    # As a server hands the path over (the test client would read `//search` as a host).
    raw_path, _, query = path.partition("?")
    response = client.get(
        "/",
        headers={"Host": "evil.example"},
        environ_overrides={"PATH_INFO": raw_path},
        query_string=query,
    )
    # A path holding `//` is looked up as sent (`merge_slashes` off): a 404 where no route has it.
    assert response.status_code in (200, 308, 404), response.status_code
    location = response.headers.get("Location", "")
    assert "evil.example" not in location
    if response.status_code == 308:
        assert location.startswith(f"{base_url}/") and not location.startswith("//")


@pytest.mark.parametrize("base_url", ["", "https://zoeken.example.org"])
def test_a_redirect_to_another_host_is_made_within_the_site(index_dir, base_url):
    app = create_app({"INDEX_DIR": str(index_dir), "BASE_URL": base_url})
    # A redirect built from the request's address, as Werkzeug's routing builds its own.
    app.add_url_rule("/elders", "elders", lambda: redirect("http://evil.example//search?q=trein"))
    response = app.test_client().get("/elders", headers={"Host": "evil.example"})
    assert response.headers["Location"] == f"{base_url}/search?q=trein"


# The CSV for Excel, the text columns and the reference managers' formats.


def excel_rows(response):
    """The rows of a CSV for Excel, read as Excel reads it: UTF-8 after its byte order mark,
    separated by semicolons."""
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def test_excel_csv_has_the_plain_csvs_rows_dates_day_first(client):
    for params in ("q=veiligheid", "bron=dekamer&status=beantwoord"):
        response = client.get(f"/search.excel.csv?{params}")
        assert response.headers["Content-Disposition"] == (
            'attachment; filename="parlsearch-excel.csv"'
        )
        rows = excel_rows(response)
        plain = csv_rows(client.get(f"/search.csv?{params}"))
        assert [row["id"] for row in rows] == [row["id"] for row in plain]
        for row, iso in zip(rows, plain, strict=True):
            year, month, day = iso["date"].split("-")
            assert row["date"] == f"{day}/{month}/{year}"
            assert {**row, "date": iso["date"]} == iso


def test_excel_csv_keeps_accents_and_lines(client):
    response = client.get("/search.excel.csv?q=freelancers+Cultuurloket&tekst=ja")
    assert b"\r\n" in response.get_data()
    (row,) = excel_rows(response)
    assert row["date"] == "09/12/2019"
    assert "regiocoördinatoren" in row["question"]
    assert "\n" in row["answer"]


def test_the_plain_csv_stays_as_scripts_read_it(client):
    body = client.get("/search.csv?q=veiligheid").get_data()
    assert not body.startswith(b"\xef\xbb\xbf")
    assert body.split(b"\r\n", 1)[0] == ",".join(CSV_COLUMNS).encode()


def test_question_and_answer_text_columns(client):
    document = client.get("/api/documents/vlpar-2019-2020-58").get_json()
    for path in ("/search.csv", "/search.excel.csv"):
        response = client.get(f"{path}?q=Cultuurloket&tekst=ja")
        rows = csv_rows(response) if path == "/search.csv" else excel_rows(response)
        (row,) = rows
        assert list(row) == [*CSV_COLUMNS, "question", "answer"]
        # Every chunk's text, in order, each numbered sub-question led by its number.
        assert row["question"].startswith("De omvorming van Kunstenloket naar Cultuurloket")
        numbered = [chunk for chunk in document["chunks"] if chunk["label"]]
        assert len(numbered) == 6
        for chunk in numbered:
            assert f"\n\n{chunk['label']}. " in row["question"]
            assert f"{chunk['label']}. " in row["answer"]
        assert "Emolife" in row["answer"]
    # Without `tekst`, the columns of old; every export's rows are the total's.
    assert list(csv_rows(client.get("/search.csv?q=Cultuurloket&tekst=nee"))[0]) == list(
        CSV_COLUMNS
    )
    response = client.get("/search.excel.csv?q=veiligheid&tekst=ja")
    assert len(excel_rows(response)) == int(response.headers["X-Total-Count"]) == 24


def test_an_unknown_export_option_is_refused(client):
    for url in ("/search.csv?q=trein&tekst=misschien", "/search.ris?q=trein&bereik=week"):
        response = client.get(url)
        assert response.status_code == 400
        assert "Onbekende waarde" in response.get_data(as_text=True)
    assert client.get("/search.csv?q=trein&tekst=ja&tekst=nee").status_code == 400


def test_excel_cells_are_cut_where_excel_stops():
    long = "woord " * 10_000
    document = replace(exported(), question=long, answer="=kort")
    lines = "".join(csv_lines([document], Urls(), EXCEL_CSV, texts=True))
    (row,) = list(csv.DictReader(io.StringIO(lines.removeprefix("\ufeff")), delimiter=";"))
    assert len(row["question"]) == EXCEL_CSV.cell_limit
    assert row["question"].endswith("…") and row["question"].startswith("woord woord")
    assert row["answer"] == "'=kort"
    assert row["title"] == "'=1+2" and row["passage"] == "'=SUM(A1)"


def ris(response) -> list[dict]:
    """The RIS records read back by rispy."""
    text = response.get_data(as_text=True)
    # One tag and value a line: no value runs over a line break.
    for line in text.split("\r\n"):
        assert not line or re.fullmatch(r"[A-Z][A-Z0-9]  - .*", line), line
    return rispy.loads(text)


def test_ris_of_a_results_page_holds_its_results(client):
    params = "q=veiligheid&per_page=5&page=2"
    results = client.get(f"/api/search?{params}").get_json()["results"]
    records = ris(client.get(f"/search.ris?{params}&bereik=pagina"))
    assert [record["id"] for record in records] == [hit["id"] for hit in results]
    # Every document, whatever the page.
    assert len(ris(client.get(f"/search.ris?{params}"))) == 24


def test_ris_and_bibtex_stop_at_the_export_limit(client, monkeypatch):
    monkeypatch.setattr(export_rows, "EXPORT_LIMIT", 5)
    response = client.get("/search.ris?q=veiligheid")
    assert len(ris(response)) == 5
    assert response.headers["X-Total-Count"] == "24"
    assert len(bibtex(client.get("/search.bib?q=veiligheid")).entries) == 5


def test_a_ris_record_says_what_a_reference_manager_needs(client):
    (record,) = ris(client.get("/documents/vlpar-2019-2020-58.ris"))
    assert record["type_of_reference"] == "RPRT"
    assert record["title"] == "Cultuurloket - Evaluatie transitie"
    assert record["authors"] == ["Brusselmans, Filip"]
    assert record["year"] == "2019" and record["date"] == "2019/12/09"
    assert record["publisher"] == "Vlaams Parlement"
    assert record["type_of_work"] == "Schriftelijke vraag"
    assert record["issn"] == "58"  # SN: for a report, its number
    assert record["urls"] == ["/documents/vlpar-2019-2020-58"]
    assert record["abstract"].startswith("De omvorming van Kunstenloket naar Cultuurloket")
    assert record["notes"] == [
        "Schriftelijke vraag nr. 58 van 9 december 2019 (zitting 2019-2020). Gesteld aan Jan "
        "Jambon — Vlaams minister-president, Buitenlandse Zaken, Cultuur, ICT en Facilitair "
        "Management. Beantwoord."
    ]
    (chamber,) = ris(client.get("/documents/dekamer-184501.ris"))
    assert chamber["authors"] == ["Burton, Emmanuel"]
    assert chamber["keywords"][:2] == ["VERVOERSLIJN", "VERVOERBELEID"]
    assert "issn" not in chamber
    response = client.get("/documents/vlpar-2019-2020-58.ris")
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="vlpar-2019-2020-58.ris"'
    )
    assert client.get("/documents/bestaat-niet.ris").status_code == 404
    assert client.get("/documents/bestaat-niet.bib").status_code == 404


def test_ris_and_bibtex_keep_document_text_whole(client):
    (record,) = ris(client.get(f"/documents/dekamer-{HOSTILE_ID}.ris"))
    title = client.get(f"/api/documents/dekamer-{HOSTILE_ID}").get_json()["title"]
    assert HOSTILE_MARKUP in title
    assert record["title"] == title
    (entry,) = bibtex(client.get(f"/documents/dekamer-{HOSTILE_ID}.bib")).entries
    assert entry["title"] == title
    # A question of several paragraphs, on one line.
    assert record["abstract"] == entry["abstract"]
    assert " 2. Heeft de NMBS een oplossing gevonden" in record["abstract"]


def bibtex(response):
    """The BibTeX read back by bibtexparser, TeX's escapes decoded."""
    assert response.mimetype == "application/x-bibtex"
    library = bibtexparser.parse_string(
        response.get_data(as_text=True), append_middleware=[LatexDecodingMiddleware()]
    )
    assert not library.failed_blocks
    return library


# Each export, and the documents it holds as the tool it is meant for reads them.
EXPORTS = {
    "/search.excel.csv": ("text/csv", lambda response: [row["id"] for row in excel_rows(response)]),
    "/search.ris": (
        "application/x-research-info-systems",
        lambda response: [record["id"] for record in ris(response)],
    ),
    "/search.bib": (
        "application/x-bibtex",
        lambda response: [entry.key for entry in bibtex(response).entries],
    ),
}


@pytest.mark.parametrize("path", list(EXPORTS))
def test_every_export_holds_every_matching_document(client, path):
    media_type, read = EXPORTS[path]
    for params in ("q=veiligheid", "q=groene+nummers", "bron=dekamer&status=beantwoord"):
        response = client.get(f"{path}?{params}")
        assert response.status_code == 200
        assert response.mimetype == media_type
        assert response.is_streamed
        ids = read(response)
        assert set(ids) == matching_ids(client, params)
        assert len(ids) == int(response.headers["X-Total-Count"])


def test_a_bibtex_entry_says_what_a_reference_manager_needs(client):
    (entry,) = bibtex(client.get("/documents/vlpar-2019-2020-58.bib")).entries
    assert entry.entry_type == "techreport"
    assert entry["title"] == "Cultuurloket - Evaluatie transitie"
    assert entry["author"] == "Brusselmans, Filip"
    assert (entry["institution"], entry["number"], entry["year"]) == (
        "Vlaams Parlement",
        "58",
        "2019",
    )
    assert (entry["month"], entry["date"]) == ("dec", "2019-12-09")


def test_bibtex_escapes_what_tex_reads_as_commands():
    title = "Kosten {raming} 100% & $5 #1 a_b ~c \\d “é”"
    entry = bibtex_entry(reference(exported(title=title, member="Jean-Marc Van Hoof"), Urls()))
    assert r"a\textasciicircum{}b" in bibtex_entry(reference(exported(title="a^b"), Urls()))
    library = bibtexparser.parse_string(entry, append_middleware=[LatexDecodingMiddleware()])
    assert not library.failed_blocks
    (parsed,) = library.entries
    assert parsed["title"] == title
    assert parsed["author"] == "Van Hoof, Jean-Marc"
    assert parsed["abstract"] == "=SUM(A1)"


def test_document_pages_carry_metadata_that_zotero_reads(client, index_dir):
    page = BeautifulSoup(
        client.get("/documents/vlpar-2019-2020-58").get_data(as_text=True), "html.parser"
    )
    meta = [(tag["name"], tag["content"]) for tag in page.head.select("meta[name^=citation_]")]
    found = dict(meta)
    assert found["citation_title"] == "Cultuurloket - Evaluatie transitie"
    assert found["citation_author"] == "Brusselmans, Filip"
    assert found["citation_publication_date"] == "2019/12/09"
    # A report of the parliament: what Zotero files it as.
    assert found["citation_technical_report_institution"] == "Vlaams Parlement"
    assert found["citation_technical_report_number"] == "58"
    assert found["citation_publisher"] == "Vlaams Parlement"
    assert found["citation_language"] == "nl"
    assert found["citation_abstract"].startswith("De omvorming van Kunstenloket")
    assert "\u00ad" not in "".join(content for _, content in meta)
    # A relative address names no site: only a configured base URL gives one.
    assert "citation_public_url" not in found
    config = {"INDEX_DIR": str(index_dir), "BASE_URL": "https://zoeken.example.org"}
    based = create_app(config).test_client().get("/documents/dekamer-184501")
    tags = BeautifulSoup(based.get_data(as_text=True), "html.parser").head
    assert tags.select_one("meta[name=citation_public_url]")["content"] == (
        "https://zoeken.example.org/documents/dekamer-184501"
    )
    keywords = [tag["content"] for tag in tags.select("meta[name=citation_keywords]")]
    assert keywords[:2] == ["VERVOERSLIJN", "VERVOERBELEID"]
    assert tags.select_one("meta[name=citation_author]")["content"] == "Burton, Emmanuel"
    assert not tags.select("meta[name=citation_technical_report_number]")


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(text=st.text(st.characters(exclude_categories=["Cs"]), max_size=40))
def test_no_text_breaks_out_of_its_ris_value_or_bibtex_field(text):
    document = exported(title=text, member=text, question=text, themes=(text, "B"))
    ref = reference(document, Urls())
    record = ris_record(ref)
    for line in record.split("\r\n"):
        assert not line or re.fullmatch(r"[A-Z][A-Z0-9]  - .*", line), line
    (parsed,) = rispy.loads(record)
    assert parsed["id"] == "id-1" and parsed["keywords"][-1] == "B"
    assert not re.search(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]", parsed.get("title", ""))
    library = bibtexparser.parse_string(bibtex_entry(ref))
    assert not library.failed_blocks
    (entry,) = library.entries
    assert entry.key == "id-1" and entry["language"] == "dutch"
