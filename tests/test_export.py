"""The CSV export and the Atom feed: the same search as the results page, every match, escaped."""

import csv
import io
import re
import xml.etree.ElementTree as ET

import feedparser
import pytest

from search.engine import searching
from search.engine.fragments import Snippet
from search.engine.pages import ExportedDocument
from search.http.app import create_app
from search.render.export import csv_lines, neutralise_formula
from search.render.urls import Urls
from tests.conftest import HOSTILE_MARKUP, SAMPLE_DOCUMENTS

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
    monkeypatch.setattr(searching, "EXPORT_LIMIT", 5)
    response = client.get("/search.csv?q=veiligheid")
    assert len(csv_rows(response)) == 5
    assert response.headers["X-Total-Count"] == "24"


def test_csv_cells_never_run_as_formulas():
    assert neutralise_formula('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    for start in "=+-@\t\r":
        assert neutralise_formula(start + "1").startswith("'")
    assert neutralise_formula("Groene nummers") == "Groene nummers"
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
    lines = list(csv_lines([document], Urls("http://localhost/")))
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
    assert response.status_code in (200, 308), response.status_code
    location = response.headers.get("Location", "")
    assert "evil.example" not in location
    if response.status_code == 308:
        assert location.startswith(f"{base_url}/") and not location.startswith("//")
