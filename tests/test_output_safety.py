"""Output safety: document text and query text reach HTML, JSON, Atom and CSV only escaped (no
markup, no formulas, well-formed XML whatever the characters), every response carries the
security headers, and an internal error shows a generic Dutch message, never a traceback.

The documents here are real Chamber records with hostile text put into their fields: markup,
spreadsheet formulas and characters that XML 1.0 forbids."""

import csv
import io
import shutil
import xml.etree.ElementTree as ET

import feedparser
import pytest
from bs4 import BeautifulSoup

from search.http.app import SECURITY_HEADERS, create_app
from search.index.generations.folders import current_generation
from search.index.generations.manifest import write_manifest
from search.index.generations.writing import build_index
from search.render.export import neutralise_formula
from tests.conftest import chamber_records, write_jsonl

ATOM = "{http://www.w3.org/2005/Atom}"
FORMULA_TITLE = '=HYPERLINK("http://example.org/?"&A1;"klik") <b>vet</b> \x01\x1b\ufffe ]]> &amp;'
FORMULA_MEMBER = "@SUM(1+1)"
FORMULA_PARTY = "-2+3"
FORMULA_MINISTER = "+cmd|' /C calc'!A0"
MARKUP_ANSWER = '<img src=x onerror="alert(1)"> <script>alert(2)</script> \x07 antwoord'
# A document id with the characters that end a path or a URL (`?`, `#`) or separate parts (`/`).
ODD_ID = "x?y=1#z/w"
# What XML 1.0 allows of the title: the control characters and U+FFFE left out.
XML_TITLE = '=HYPERLINK("http://example.org/?"&A1;"klik") <b>vet</b>  ]]> &amp;'


@pytest.fixture(scope="module")
def hostile_index(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    first, second, odd_id = chamber_records({184502, 184503, 184506})
    odd_id["doc_id"] = ODD_ID
    first["question"] = FORMULA_TITLE + "\n" + first["question"]
    first["aut_person"] = FORMULA_MEMBER
    first["aut_party"] = FORMULA_PARTY
    first["answer_department"] = FORMULA_MINISTER
    first["answer_subdepartment"] = FORMULA_MINISTER
    first["answer"] = f"{first['answer']} {MARKUP_ANSWER}"
    write_jsonl(folder / "corpus" / "dekamer" / "hostile.jsonl", [first, second, odd_id])
    build_index(folder / "corpus", folder / "index")
    return folder / "index"


@pytest.fixture(scope="module")
def hostile_client(hostile_index):
    return create_app({"INDEX_DIR": str(hostile_index)}).test_client()


def test_csv_cells_never_start_a_formula(hostile_client):
    response = hostile_client.get("/search.csv", query_string={"q": "shopping"})
    (row,) = csv.DictReader(io.StringIO(response.get_data(as_text=True)))
    assert row["title"] == "'" + FORMULA_TITLE
    assert row["member"] == "'" + FORMULA_MEMBER
    assert row["party"] == "'" + FORMULA_PARTY
    # A portfolio the ministers table does not know: no person, the data's own label.
    assert row["minister"] == ""
    assert row["portfolio"] == "'" + FORMULA_MINISTER


@pytest.mark.parametrize("start", [" ", "  ", "\t", "\r", "\n", " \t\r\n"])
@pytest.mark.parametrize("formula", ["=1+2", "+1", "-1", "@SUM(A1)"])
def test_formulas_after_leading_whitespace_are_neutralised(start, formula):
    assert neutralise_formula(start + formula) == "'" + start + formula


@pytest.mark.parametrize("start", ["\u200b", "\ufeff", "\u200e", "\u2060", "\u00a0", "\u3000"])
@pytest.mark.parametrize("formula", ["=1+2", "＝1+2", "＋1", "－1", "＠SUM(A1)", "﹦1"])
def test_formulas_behind_invisible_or_full_width_characters_are_neutralised(start, formula):
    assert neutralise_formula(formula) == "'" + formula
    assert neutralise_formula(start + formula) == "'" + start + formula


@pytest.mark.parametrize("cell", ["Groene nummers", "N-VA", "2017-01-04", "a=b", "", "\u200b"])
def test_ordinary_cells_stay_as_they_are(cell):
    assert neutralise_formula(cell) == cell


@pytest.mark.parametrize("q", ["shopping", "shopping <b>vet</b> \x01\x0b\ufffe ]]>"])
def test_atom_feed_is_well_formed_and_carries_text_as_text(hostile_client, q):
    body = hostile_client.get("/search.atom", query_string={"q": q}).get_data()
    root = ET.fromstring(body)
    assert feedparser.parse(body).bozo == 0
    xml_q = "".join(char for char in q if char not in "\x01\x0b\ufffe")
    assert root.find(f"{ATOM}title").text == "Parlsearch: " + xml_q
    (entry,) = root.findall(f"{ATOM}entry")
    title = entry.find(f"{ATOM}title")
    assert title.text == XML_TITLE
    assert list(title) == [], "markup from a document became elements"
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "text"
    assert list(summary) == []
    assert b"<b>" not in body and b"<script>" not in body


@pytest.mark.parametrize(
    "url",
    [
        "/search?q=shopping+%3Cb%3Evet%3C%2Fb%3E",
        "/search?q=antwoord",
        "/documents/dekamer-184502?q=antwoord",
    ],
)
def test_html_pages_show_document_and_query_text_as_text(hostile_client, url):
    response = hostile_client.get(url)
    assert response.status_code == 200
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert not page.find_all(["b", "img"])
    assert [s for s in page.find_all("script") if not s.get("src")] == []
    text = page.get_text()
    assert "<b>vet</b>" in text or "<img src=x" in text


def test_json_carries_text_unchanged_and_html_fields_escaped(hostile_client):
    data = hostile_client.get("/api/documents/dekamer-184502?q=antwoord").get_json()
    assert data["title"] == FORMULA_TITLE
    assert data["member"] == FORMULA_MEMBER
    answers = "".join(chunk["answer_html"] for chunk in data["chunks"])
    assert "&lt;img src=x" in answers and "&lt;script&gt;" in answers
    assert "<img" not in answers and "<script" not in answers


RESPONSES = [
    ("GET", "/"),
    ("GET", "/hulp"),
    ("GET", "/search?q=shopping"),
    ("GET", "/search?q=a*"),
    ("GET", "/api/search?q=shopping"),
    ("GET", "/api/search?q=a*"),
    ("GET", "/search.csv?q=shopping"),
    ("GET", "/search.atom?q=shopping"),
    ("GET", "/api/openapi.json"),
    ("GET", "/static/style.css"),
    ("GET", "/documents/dekamer-184502"),
    ("GET", "/documents/bestaat-niet"),
    ("GET", "/api/documents/bestaat-niet"),
    ("POST", "/search"),
    ("POST", "/api/search"),
    ("OPTIONS", "/api/search"),
    ("HEAD", "/search?q=shopping"),
]


@pytest.mark.parametrize(("method", "url"), RESPONSES)
def test_every_response_carries_the_security_headers(hostile_client, method, url):
    with hostile_client.open(url, method=method) as response:
        for name, value in SECURITY_HEADERS.items():
            assert response.headers.get(name) == value, (url, name)


def test_the_content_security_policy_allows_no_inline_script():
    policy = SECURITY_HEADERS["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert "unsafe" not in policy


def test_a_405_says_which_methods_are_allowed(hostile_client):
    response = hostile_client.post("/api/search")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
    assert response.get_json()["error"]["status"] == 405


def test_the_app_never_runs_in_debug_mode(hostile_index, monkeypatch):
    monkeypatch.setenv("FLASK_DEBUG", "1")
    app = create_app({"INDEX_DIR": str(hostile_index)})
    assert app.debug is False
    assert app.config["PROPAGATE_EXCEPTIONS"] is None


def test_an_internal_error_is_a_generic_dutch_500(hostile_index, tmp_path):
    # A damaged index: the segment file of the generation in use overwritten with junk.
    index = tmp_path / "index"
    shutil.copytree(hostile_index, index)
    (segment,) = current_generation(index).glob("*.seg")
    segment.write_bytes(b"\x00junk" * (segment.stat().st_size // 5))
    write_manifest(segment.parent)  # damaged in a way no manifest can tell
    client = create_app({"INDEX_DIR": str(index)}).test_client()
    api = client.get("/api/search?q=shopping")
    assert api.status_code == 500
    assert api.get_json() == {
        "error": {
            "status": 500,
            "message": "Er ging iets mis aan onze kant. Probeer het later opnieuw.",
        }
    }
    page = client.get("/search?q=shopping")
    assert page.status_code == 500
    body = page.get_data(as_text=True)
    assert "Er ging iets mis aan onze kant" in body
    for leak in ("Traceback", 'File "', "Error:", str(index)):
        assert leak not in body and leak not in api.get_data(as_text=True)
    for name, value in SECURITY_HEADERS.items():
        assert page.headers[name] == value and api.headers[name] == value


def test_document_ids_are_percent_encoded_in_every_link_and_route(hostile_client):
    doc_id = f"dekamer-{ODD_ID}"
    data = hostile_client.get("/api/search", query_string={"q": "", "per_page": 100}).get_json()
    (hit,) = [hit for hit in data["results"] if hit["id"] == doc_id]
    assert hit["url"] == "/documents/dekamer-x%3Fy%3D1%23z%2Fw"
    assert hit["permalink"].startswith("/documents/dekamer-x%3Fy%3D1%23z%2Fw#")
    for route in (hit["url"], "/api" + hit["url"]):
        response = hostile_client.get(route)
        assert response.status_code == 200, route
    assert hostile_client.get("/api" + hit["url"]).get_json()["id"] == doc_id
    page = BeautifulSoup(hostile_client.get("/search?bron=dekamer").get_data(), "html.parser")
    links = {a["href"].partition("#")[0] for a in page.select("a[href^='/documents/']")}
    assert hit["url"] in links
    rows = csv.DictReader(io.StringIO(hostile_client.get("/search.csv?bron=dekamer").text))
    assert hit["url"] in {row["url"] for row in rows}
