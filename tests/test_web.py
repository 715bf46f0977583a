"""The web pages and their JSON twins, through the Flask test client, parsed with BeautifulSoup."""

from importlib import resources

import pytest
from bs4 import BeautifulSoup

from tests.conftest import HOSTILE_MARKUP


def soup(response):
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def test_templates_and_static_files_ship_inside_the_package():
    web = resources.files("search.web")
    assert (web / "templates" / "results.html").is_file()
    assert (web / "static" / "style.css").is_file()


def test_home_is_the_search_form_in_dutch(client):
    page = soup(client.get("/"))
    assert page.html["lang"] == "nl"
    form = page.find("form", attrs={"role": "search"})
    assert form["action"] == "/search"
    assert page.find("label", attrs={"for": "q"}).get_text(strip=True)
    assert page.find("main")


def test_empty_query_shows_the_form(client):
    response = client.get("/search?q=+")
    assert response.status_code == 200
    assert soup(response).find("form", attrs={"role": "search"})
    assert not soup(response).select("ol.results")


def test_results_page(client):
    response = client.get("/search?q=freelancers+Cultuurloket")
    assert response.status_code == 200
    page = soup(response)
    # the document, and two that hold a part of "Cultuurloket" ("loket")
    assert "3 documenten gevonden" in page.select_one(".result-count").get_text()
    link = page.select_one("ol.results li h2 a")
    assert link.get_text() == "Cultuurloket - Evaluatie transitie"
    assert link["href"] == "/documents/vlpar-2019-2020-58?q=freelancers%20Cultuurloket#chunk-1"
    meta = page.select_one(".meta").get_text(" ", strip=True)
    assert "9 december 2019" in meta
    assert "Filip Brusselmans" in meta
    assert "Jan Jambon" in meta
    marks = [m.get_text() for m in page.select(".snippet mark")]
    assert "freelancers" in marks
    assert page.find("input", attrs={"name": "q"})["value"] == "freelancers Cultuurloket"


def test_pagination_links(client):
    page = soup(client.get("/search?q=groene+nummers&per_page=5"))
    assert len(page.select("ol.results > li")) == 5
    pager = page.select_one("nav.pagination")
    assert pager.select_one('[aria-current="page"]').get_text() == "1"
    assert pager.select_one('a[rel="next"]')["href"] == "/search?q=groene+nummers&page=2&per_page=5"
    third = soup(client.get("/search?q=groene+nummers&per_page=5&page=3"))
    assert len(third.select("ol.results > li")) == 3
    assert third.select_one("ol.results")["start"] == "11"


def test_api_search_answers_the_same_query(client):
    data = client.get("/api/search?q=wateroverlast+Demerbekken").get_json()
    assert data["total"] == 2  # and a document with "water", a part of "wateroverlast"
    assert data["page"] == 1 and data["per_page"] == 10
    hit = data["results"][0]
    assert hit["id"] == "vlpar-2023-2024-235"
    assert set(hit) >= {
        "id",
        "title",
        "date",
        "member",
        "party",
        "minister",
        "source",
        "url",
        "score",
        "snippet",
        "chunk",
    }
    assert "<mark>" in hit["snippet"]
    assert hit["chunk"]["kind"] in {"pair", "question", "answer"}


def test_html_and_json_agree(client):
    html_ids = [
        a["href"].split("?")[0].rsplit("/", 1)[1]
        for a in soup(client.get("/search?q=trein")).select("ol.results h2 a")
    ]
    json_ids = [hit["id"] for hit in client.get("/api/search?q=trein").get_json()["results"]]
    assert html_ids == json_ids


def test_document_page_highlights_and_marks_the_best_chunk(client):
    response = client.get("/documents/vlpar-2019-2020-58?q=Emolife")
    page = soup(response)
    assert page.find("h1").get_text() == "Cultuurloket - Evaluatie transitie"
    best = page.select_one("section.best")
    assert best["id"] == "chunk-3"
    assert [m.get_text() for m in best.select("mark")] == ["Emolife"]
    pairs = page.select("section.chunk-pair")
    assert len(pairs) == 6
    assert all(p.select_one(".question") and p.select_one(".answer") for p in pairs)
    assert page.select_one('a[href="#chunk-3"]')


def test_api_document(client):
    data = client.get("/api/documents/vlpar-2023-2024-235?q=draaiboek").get_json()
    assert data["member"] == "Suzy Wouters"
    assert data["number"] == "235"
    assert len(data["chunks"]) == 4
    assert data["best_chunk"].startswith("chunk-")
    assert any(
        "<mark>draaiboek</mark>" in c["answer_html"] + c["question_html"] for c in data["chunks"]
    )


@pytest.mark.parametrize("url", ["/documents/nope", "/api/documents/nope", "/bestaat-niet"])
def test_unknown_pages_are_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    if url.startswith("/api/"):
        assert response.get_json()["error"]["status"] == 404


@pytest.mark.parametrize(
    "params",
    [
        "q=a*",
        "q=trein&page=abc",
        "q=trein&per_page=1000",
        "q=trein&page=-1",
        "q=" + "x" * 501,
        "q=trein&page=99999999999",
    ],
)
def test_bad_requests_are_400_with_a_message(client, params):
    api = client.get("/api/search?" + params)
    assert api.status_code == 400
    assert api.get_json()["error"]["message"]
    html = client.get("/search?" + params)
    assert html.status_code == 400
    assert soup(html).select_one(".error-message").get_text(strip=True)


@pytest.mark.parametrize("query", ['"', "trein AND", "((", "NOT", "titel:", "%00"])
def test_malformed_queries_never_fail(client, query):
    assert client.get("/search", query_string={"q": query}).status_code in (200, 400)
    assert client.get("/api/search", query_string={"q": query}).status_code in (200, 400)


def test_api_without_query_is_a_json_error(client):
    response = client.get("/api/search")
    assert response.status_code == 400
    assert response.is_json


def test_markup_in_query_and_document_is_shown_as_text(client):
    response = client.get("/search", query_string={"q": "shopping <script>alert(1)</script>"})
    body = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert HOSTILE_MARKUP not in body
    document = client.get("/documents/dekamer-999999001").get_data(as_text=True)
    assert HOSTILE_MARKUP not in document
    assert "&lt;script&gt;" in document


def test_security_headers(client):
    response = client.get("/")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]


def test_no_index_is_a_clear_503(tmp_path):
    from search.app import create_app

    client = create_app({"INDEX_DIR": str(tmp_path), "TESTING": True}).test_client()
    assert client.get("/api/search?q=trein").status_code == 503
    assert "parlsearch build" in client.get("/search?q=trein").get_data(as_text=True)


def test_hits_explain_why_they_were_found(client):
    page = soup(client.get("/search?q=freelancer+regiocoordinatoren"))
    why = page.select_one("li.result details.why")
    assert why.select_one("summary").get_text() == "Waarom gevonden"
    lines = [li.get_text(" ", strip=True) for li in why.select("li")]
    assert lines == [
        "freelancer : andere vorm van het woord (freelancers)",
        "regiocoordinatoren : exact woord (regiocoördinatoren)",
    ]
    data = client.get("/api/search?q=freelancer+regiocoordinatoren").get_json()
    assert data["results"][0]["why"] == [
        {"word": "freelancer", "match": "stem", "found": ["freelancers"]},
        {"word": "regiocoordinatoren", "match": "exact", "found": ["regiocoördinatoren"]},
    ]


def test_why_escapes_the_query(client):
    page = soup(client.get("/search?q=freelancers+%3Ci%3Eregio"))
    why = page.select_one("li.result details.why")
    assert not why.select("i")
    assert "<i>regio" in why.get_text()
