"""The web pages and their JSON twins, through the Flask test client, parsed with BeautifulSoup."""

import re
from importlib import resources
from urllib.parse import urlencode

import pytest
from bs4 import BeautifulSoup

from search.engine.query import MAX_QUERY_LENGTH
from search.engine.request import query_string
from tests.conftest import HOSTILE_MARKUP, SAMPLE_DOCUMENTS


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
    # the document; two others hold "loket", a part of "Cultuurloket", which is no match
    assert "1 document gevonden" in page.select_one(".result-count").get_text()
    link = page.select_one("ol.results li h2 a")
    assert link.get_text() == "Cultuurloket - Evaluatie transitie"
    assert link["href"] == "/documents/vlpar-2019-2020-58?q=freelancers+Cultuurloket#chunk-1"
    meta = page.select_one(".meta").get_text(" ", strip=True)
    assert "9 december 2019" in meta
    assert "Filip Brusselmans" in meta
    assert "Jan Jambon" in meta
    marks = [m.get_text() for m in page.select(".snippet mark")]
    assert "freelancers" in marks
    assert page.find("input", attrs={"name": "q"})["value"] == "freelancers Cultuurloket"


def test_pagination_links(client):
    page = soup(client.get("/search?q=veiligheid&per_page=5"))
    assert len(page.select("ol.results > li")) == 5
    pager = page.select_one("nav.pagination")
    assert pager.select_one('[aria-current="page"]').get_text() == "1"
    assert pager.select_one('a[rel="next"]')["href"] == "/search?q=veiligheid&page=2&per_page=5"
    last = soup(client.get("/search?q=veiligheid&per_page=5&page=5"))  # 21 results
    assert len(last.select("ol.results > li")) == 1
    assert last.select_one("ol.results")["start"] == "21"
    assert not last.select_one('nav.pagination a[rel="next"]')


def test_api_search_answers_the_same_query(client):
    data = client.get("/api/search?q=wateroverlast+Demerbekken").get_json()
    assert data["total"] == 1  # not a document with "water", a part of "wateroverlast"
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
        "q=" + "x" * (MAX_QUERY_LENGTH + 1),
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


def test_api_without_query_or_filter_lists_every_document_newest_first(client):
    data = client.get("/api/search").get_json()
    assert data["total"] == SAMPLE_DOCUMENTS
    assert data["sort"] == "nieuwste"
    dates = [hit["date"] for hit in data["results"]]
    assert dates == sorted(dates, reverse=True)
    assert client.get("/api/search?q=+").get_json()["total"] == SAMPLE_DOCUMENTS


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
    from search.http.app import create_app

    client = create_app({"INDEX_DIR": str(tmp_path), "TESTING": True}).test_client()
    assert client.get("/api/search?q=trein").status_code == 503
    assert "parlsearch build" in client.get("/search?q=trein").get_data(as_text=True)


def html_ids(response):
    return [
        a["href"].split("?")[0].split("#")[0].rsplit("/", 1)[1]
        for a in soup(response).select("ol.results h2 a")
    ]


@pytest.mark.parametrize(
    "params",
    [
        "q=veiligheid&partij=N-VA&partij=MR",
        "q=trein&sort=nieuwste",
        "q=veiligheid&sort=oudste&per_page=5&page=2",
        "lid=brusselmans&lid=wouters",
        "q=Emolife&in=antwoord",
        "bron=dekamer&status=onbeantwoord",
        "q=trein&van=2017-01-05&tot=2017-01-31&jaar=2017",
        "q=groene+nummers+minister:justitie",
        "thema=NMBS",
    ],
)
def test_html_and_json_take_the_same_parameters(client, params):
    data = client.get("/api/search?" + params).get_json()
    html = client.get("/search?" + params)
    assert html.status_code == 200
    assert html_ids(html) == [hit["id"] for hit in data["results"]]
    assert data["total"] > 0
    assert str(data["total"]) in soup(html).select_one(".result-count").get_text()


def test_url_filters_equal_filters_in_the_query(client):
    url = client.get("/api/search?partij=N-VA&per_page=100").get_json()
    typed = client.get("/api/search?q=partij:N-VA&per_page=100").get_json()
    assert url["total"] == typed["total"] > 0
    assert [h["id"] for h in url["results"]] == [h["id"] for h in typed["results"]]
    assert url["filters"] == {"partij": ["N-VA"]} and typed["filters"] == {}


def test_sidebar_links_add_and_remove_filters(client):
    start = soup(client.get("/search?q=veiligheid"))
    total = start.select_one(".result-count").get_text()
    party = start.select_one("#facet-partij ~ ul a:not([aria-current])")
    count = int(party.find_next_sibling("span", class_="count").get_text())
    narrowed = soup(client.get(party["href"]))
    assert (
        narrowed.select_one(".result-count")
        .get_text(" ", strip=True)
        .startswith(f"{count} document")
    )
    selected = narrowed.select_one('#facet-partij ~ ul a[aria-current="true"]')
    assert selected.get_text(strip=True) == party.get_text(strip=True) + " ✕"
    assert (
        narrowed.select_one(".active-filters li")
        .get_text(" ", strip=True)
        .startswith("Partij: " + party.get_text(strip=True))
    )
    widened = soup(client.get(selected["href"]))
    assert widened.select_one(".result-count").get_text() == total


def test_the_state_of_a_page_lives_in_its_url(client):
    page = soup(client.get("/search?q=veiligheid&bron=dekamer&sort=oudste&in=vraag&per_page=5"))
    header = page.find("form", attrs={"role": "search"})
    hidden = {(i["name"], i["value"]) for i in header.select('input[type="hidden"]')}
    assert hidden == {("bron", "dekamer"), ("in", "vraag"), ("sort", "oudste"), ("per_page", "5")}
    links = page.select(".sort a, .pagination a, .facet a:not([aria-current])")
    assert page.select(".pagination a") and page.select(".facet a:not([aria-current])")
    for link in links:
        assert "in=vraag" in link["href"] and "bron=dekamer" in link["href"], link["href"]
    refine = page.select_one("form.refine")
    fields = {(i["name"], i.get("value")) for i in refine.select('input[type="hidden"]')}
    assert fields == {
        ("q", "veiligheid"),
        ("bron", "dekamer"),
        ("sort", "oudste"),
        ("per_page", "5"),
    }
    assert refine.select_one('input[name="in"][value="vraag"]').has_attr("checked")
    twins = {a.get_text(): a["href"] for a in page.select(".twins a")}
    assert twins["JSON"] == "/api/search?q=veiligheid&bron=dekamer&in=vraag&sort=oudste&per_page=5"
    assert twins["CSV"] == "/search.csv?q=veiligheid&bron=dekamer&in=vraag&sort=oudste&per_page=5"
    assert twins["Atom-feed"] == "/search.atom?q=veiligheid&bron=dekamer&in=vraag&per_page=5"
    assert page.select_one('link[rel="alternate"][type="application/atom+xml"]')


def test_filters_alone_list_documents(client):
    response = client.get("/search?bron=vlpar")
    assert response.status_code == 200
    assert sorted(html_ids(response)) == ["vlpar-2019-2020-58", "vlpar-2023-2024-235"]
    assert soup(response).select_one('.sort a[aria-current="true"]').get_text() == "nieuwste"


@pytest.mark.parametrize(
    "params",
    [
        "q=trein&bron=senaat",
        "q=trein&van=gisteren",
        "q=trein&jaar=zeventien",
        "q=trein&status=ja",
        "q=trein&sort=datum",
        "q=trein&in=titel",
        "q=(trein+lid:x)",
        "q=trein&van=2017-02-01&tot=2017-01-01",
    ],
)
def test_bad_filters_are_400_in_dutch_everywhere(client, params):
    for path in ("/api/search", "/search", "/search.csv", "/search.atom"):
        response = client.get(f"{path}?{params}")
        assert response.status_code == 400, path
    message = client.get("/api/search?" + params).get_json()["error"]["message"]
    assert message in soup(client.get("/search?" + params)).select_one(".error-message").get_text()


def test_suggestion_in_html_and_json(client):
    data = client.get("/api/search?q=wederbeleggingsvergoedig&partij=Ecolo-Groen").get_json()
    assert data["suggestion"] == "wederbeleggingsvergoeding"
    page = soup(client.get("/search?q=wederbeleggingsvergoedig&partij=Ecolo-Groen"))
    link = page.select_one(".suggestion a")
    assert link.get_text() == "wederbeleggingsvergoeding"
    assert link["href"] == "/search?q=wederbeleggingsvergoeding&partij=Ecolo-Groen"
    assert client.get("/api/search?q=trein").get_json()["suggestion"] is None
    assert not soup(client.get("/search?q=trein")).select_one(".suggestion")


def test_grouped_question_in_html_and_json(client):
    query = "/api/search?q=Groene+nummers+van+de+overheidsdiensten&per_page=100"
    data = client.get(query).get_json()
    groene = [h for h in data["results"] if h["title"] == "Groene nummers van de overheidsdiensten"]
    assert len(groene) == 1
    group = groene[0]["group"]
    assert len(group) == 11
    assert all(set(copy) == {"id", "url", "minister", "answered", "matched"} for copy in group)
    matched_copies = sum(copy["matched"] for hit in data["results"] for copy in hit["group"])
    assert data["total"] == data["groups"] + matched_copies
    page = soup(client.get("/search?q=Groene+nummers+van+de+overheidsdiensten"))
    details = [d for d in page.select("details.copies") if "11 andere ministers" in d.summary.text]
    assert len(details) == 1
    links = details[0].select("li a")
    assert {a["href"] for a in links} == {copy["url"] for copy in group}
    assert "beantwoord" in details[0].select_one("li").get_text()


def test_each_hit_has_a_citeer_permalink(client):
    page = soup(client.get("/search?q=Emolife"))
    cite = page.select_one(".result .cite a")
    assert cite.get_text() == "citeer"
    assert cite["href"] == "/documents/vlpar-2019-2020-58?q=Emolife#chunk-3"
    data = client.get("/api/search?q=Emolife").get_json()
    assert data["results"][0]["permalink"] == cite["href"]
    opened = soup(client.get(cite["href"]))
    assert opened.select_one("section.best")["id"] == "chunk-3"
    assert [m.get_text() for m in opened.select("section.best mark")] == ["Emolife"]


def test_document_page_shows_copies_related_questions_and_a_citation(client):
    page = soup(client.get("/documents/dekamer-190133"))
    copies = page.select("section.copies li a")
    assert len(copies) == 11
    assert "/documents/dekamer-190133" not in {a["href"] for a in copies}
    related = page.select("section.related li > a")
    assert 0 < len(related) <= 5
    citation = page.select_one("section.citation").get_text(" ", strip=True)
    assert "Gautier Calomne aan Koen Geens, schriftelijke vraag (record 190133)" in citation
    # Without a configured base URL the permalink stays relative: never the request's Host.
    assert page.select_one("section.citation a.permalink")["href"] == "/documents/dekamer-190133"
    data = client.get("/api/documents/dekamer-184501").get_json()
    assert len(data["related"]) == 5
    assert data["group"] == []
    assert {"id", "title", "url"} <= set(data["related"][0])


def test_cross_references_are_links_on_the_document_page(client):
    page = soup(client.get("/documents/dekamer-999999001"))
    link = page.select_one("a.reference")
    assert link["href"] == "/documents/vlpar-2019-2020-58"
    assert link.get_text() == "vraag nr. 58 van 9 december 2019"
    assert HOSTILE_MARKUP not in str(page)
    data = client.get("/api/documents/dekamer-184503").get_json()
    html = "".join(c["question_html"] for c in data["chunks"])
    assert 'href="/search?q=%22nr.+1698+van+5+oktober+2016%22"' in html


def test_help_page_explains_the_syntax_with_examples_that_find_documents(client):
    page = soup(client.get("/hulp"))
    assert page.find("h1").get_text() == "Hulp bij zoeken"
    examples = page.select("a.example")
    assert len(examples) >= 20
    for example in examples:
        response = client.get(example["href"])
        assert response.status_code == 200, example["href"]
        count = soup(response).select_one(".result-count").get_text()
        assert "Geen documenten" not in count, example["href"]
    text = page.get_text(" ")
    for syntax in ('"sociale zekerheid"', "~5", "EN", "OF", "NIET", "lid:", "partij:", "jaar:"):
        assert syntax in text


@pytest.mark.parametrize("url", ["/", "/hulp", "/search?q=trein", "/documents/dekamer-184501"])
def test_pages_load_one_deferred_script_and_link_to_help(client, url):
    page = soup(client.get(url))
    scripts = page.find_all("script")
    assert [(s["src"], s.has_attr("defer"), s.string) for s in scripts] == [
        ("/static/parlsearch.js", True, None)
    ]
    assert not page.find(attrs={"onclick": True}) and not page.find(attrs={"style": True})
    assert [link["href"] for link in page.select('link[rel="stylesheet"]')] == ["/static/style.css"]
    assert page.select_one('a[href="/hulp"]')


@pytest.mark.parametrize("params", ["q=veiligheid", "bron=dekamer", "q=minister&sort=nieuwste"])
def test_results_html_stays_under_100_kb_for_ten_hits(client, params):
    response = client.get("/search?" + params)
    assert len(soup(response).select("ol.results > li")) == 10
    assert len(response.data) < 100_000


def test_the_filters_fold_into_a_details_element_with_a_way_past_them(client):
    page = soup(client.get("/search?q=Cultuurloket&bron=vlpar"))
    panel = page.select_one("details#filters")
    assert panel.summary.get_text(" ", strip=True) == "Filters (1 actief)"
    skip = panel.select_one("a.skip-filters")
    assert page.select_one(skip["href"]).select_one("ol.results")
    # The active filter is named by its facet label, not by its URL value.
    assert (
        page.select_one(".active-filters li")
        .get_text(" ", strip=True)
        .startswith("Parlement: Vlaams Parlement")
    )


def test_passages_with_hits_link_to_each_other_for_browsers_without_scripts(client):
    page = soup(client.get("/documents/vlpar-2019-2020-58?q=Cultuurloket"))
    with_marks = [s["id"] for s in page.select("section.chunk") if s.select_one("mark")]
    assert len(with_marks) > 2
    listed = [a["href"][1:] for a in page.select(".hits a:not(.jump)")]
    assert listed == with_marks
    for position, anchor in enumerate(with_marks):
        links = {a["rel"][0]: a["href"][1:] for a in page.select(f"#{anchor} .chunk-hits a")}
        expected = {}
        if position > 0:
            expected["prev"] = with_marks[position - 1]
        if position + 1 < len(with_marks):
            expected["next"] = with_marks[position + 1]
        assert links == expected
    assert page.select_one(".hit-nav").has_attr("hidden")


def test_a_document_without_query_has_no_hit_navigation(client):
    page = soup(client.get("/documents/vlpar-2019-2020-58"))
    assert not page.select(".hits, .hit-nav, .chunk-hits, mark")


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


def test_a_page_past_the_last_says_so_and_links_to_the_last(client):
    """Issue 14: `page=30` said "pagina 30 van 3" and showed nothing."""
    data = client.get("/api/search?q=veiligheid&page=30").get_json()
    assert (data["page"], data["pages"], data["results"]) == (30, 3, [])
    page = BeautifulSoup(client.get("/search?q=veiligheid&page=30").get_data(), "html.parser")
    assert "pagina 30 van 3" not in page.select_one(".result-count").get_text()
    note = page.select_one(".past-last")
    assert note.get_text(" ", strip=True).startswith(
        "Pagina 30 bestaat niet: deze zoekopdracht heeft 3 pagina's."
    )
    assert note.a["href"] == "/search?q=veiligheid&page=3"


def test_the_exports_stand_in_the_results_header(client):
    response = client.get("/search?q=veiligheid&bron=dekamer&per_page=5&page=2")
    page = soup(response)
    panel = page.select_one(".results-head details.exports")
    assert panel.summary.get_text(" ", strip=True) == "Exporteren en feeds"
    html = response.get_data(as_text=True)
    assert html.index('class="exports"') < html.index('class="results"')
    total = client.get("/api/search?q=veiligheid&bron=dekamer").get_json()["total"]
    every = "q=veiligheid&bron=dekamer&per_page=5"
    this_page = "q=veiligheid&bron=dekamer&page=2&per_page=5"
    links = {a.get_text(): a["href"] for a in panel.select("a")}
    assert links == {
        "CSV voor Excel": f"/search.excel.csv?{every}",
        "CSV voor Excel, met vraag en antwoord": f"/search.excel.csv?{every}&tekst=ja",
        "CSV": f"/search.csv?{every}",
        "CSV, met vraag en antwoord": f"/search.csv?{every}&tekst=ja",
        "RIS, deze pagina": f"/search.ris?{this_page}&bereik=pagina",
        "RIS, alle documenten": f"/search.ris?{every}",
        "BibTeX, deze pagina": f"/search.bib?{this_page}&bereik=pagina",
        "BibTeX, alle documenten": f"/search.bib?{every}",
        "JSON": f"/api/search?{this_page}",
        "Atom-feed": f"/search.atom?{every}",
    }
    assert f"({total} documenten)" in panel.get_text(" ")
    for href in links.values():
        assert client.get(href).status_code == 200, href
    # Nothing left at the bottom of the page.
    assert not page.select(".results-main .twins")


def test_a_choice_of_results_per_page_kept_in_the_address(client):
    page = soup(client.get("/search?q=veiligheid&page=3"))
    nav = page.find("nav", attrs={"aria-label": "Resultaten per pagina"})
    links = {a.get_text(): a for a in nav.select("a")}
    assert list(links) == ["10", "25", "50", "100"]
    assert links["10"]["aria-current"] == "true" and not links["25"].has_attr("aria-current")
    assert links["25"]["aria-label"] == "25 resultaten per pagina"
    # Each opens the page that holds the first result shown now (the 21st).
    assert links["10"]["href"] == "/search?q=veiligheid&page=3"
    assert links["25"]["href"] == "/search?q=veiligheid&per_page=25"
    fives = soup(client.get("/search?q=veiligheid&page=4&per_page=5"))
    per_page = fives.find("nav", attrs={"aria-label": "Resultaten per pagina"})
    tens = per_page.find("a", string="10")["href"]
    assert tens == "/search?q=veiligheid&page=2"
    shown = fives.select_one("ol.results h2 a")["href"]
    assert shown in [a["href"] for a in soup(client.get(tens)).select("ol.results h2 a")]
    # Kept by the other links of the page.
    chosen = soup(client.get("/search?q=veiligheid&per_page=25"))
    assert len(chosen.select("ol.results > li")) == 21
    for link in chosen.select(".sort a, .facet a"):
        assert "per_page=25" in link["href"], link["href"]


def test_slash_leads_to_the_search_box_and_help_says_so(client):
    box = soup(client.get("/search?q=trein")).select_one("#q")
    assert box["aria-keyshortcuts"] == "/"
    help_page = soup(client.get("/hulp"))
    keys = help_page.find(id="sneltoetsen").find_next("dl")
    assert keys.dt.kbd.get_text() == "/"
    assert "naar het zoekvak" in keys.dd.get_text()
    # The switch to turn it off: shown by the script, which keeps the choice.
    setting = help_page.select_one(".shortcut-setting")
    assert setting.has_attr("hidden") and setting.select_one("input#sneltoets-slash[checked]")


def test_long_words_get_soft_hyphens_on_the_pages_only(client):
    page = soup(client.get("/documents/dekamer-190137?q=groene"))
    assert page.find("h1").get_text() == "Groene nummers van de over\xadheids\xaddien\xadsten"
    texts = " ".join(text.get_text() for text in page.select(".chunk-body .text"))
    assert "\xad" in texts
    # Every word of 13 letters or more can break at a syllable.
    assert not re.findall(r"[^\W\d_]{13,}", texts)
    # Not where text is copied or read by programs.
    assert "\xad" not in page.select_one(".citation").get_text()
    assert "\xad" not in client.get("/api/documents/dekamer-190137").get_data(as_text=True)
    assert "\xad" not in client.get("/search.csv?q=groene").get_data(as_text=True)
    member = soup(client.get("/leden/gautier-calomne"))
    themes = " ".join(cell.get_text() for cell in member.select(".counts th[scope=row]"))
    assert not re.findall(r"[^\W\d_]{13,}", themes)


@pytest.mark.parametrize(
    "path", ["/leden/%2Fgautier-calomne", "/api/ministers/%2Fjan-jambon", "/documents/%2Fnope"]
)
def test_a_path_with_doubled_slashes_is_no_page_and_no_redirect(client, path):
    # Werkzeug merged the slashes of "/leden//x" and redirected (308) to another address.
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    "params",
    [
        [("q", "trein vertraging")],
        [("q", 'Hoeveel "gevangenisdirecteurs" (per arrondissement)? -11,5% & 100/2 #1')],
        [("q", "België é ñ ü ‘quote’ 😀"), ("partij", "N-VA"), ("jaar", "2017")],
        [("q", ""), ("thema", "a+b=c;d"), ("page", "2")],
    ],
)
def test_search_addresses_encode_as_urlencode(params):
    # A page's links encode their parameters through a kept encoding of each value: the same
    # characters as the standard library's.
    assert query_string(params) == urlencode(params)
