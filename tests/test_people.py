"""Member and minister pages and their JSON twins: counted from the document table, copies of one
question counted once, matching the documents the search finds for them."""

from collections import Counter

import pytest
from bs4 import BeautifulSoup

from search.cli import main
from search.engine import people
from search.engine.pages import slug
from search.http.app import create_app
from search.index.generations.writing import build_index
from search.ingest.corpus import corpus_files, read_documents
from search.ingest.document import Document
from tests.conftest import chamber_records, write_jsonl


@pytest.fixture(scope="module")
def documents(sample_corpus) -> list[Document]:
    """The sample corpus as parsed, to count from independently of the index."""
    return [d for path in corpus_files(sample_corpus) for d in read_documents(path, [])]


def expected(documents: list[Document], matches) -> dict:
    """What a person's page must count: their documents, questions (one per question key) and
    questions answered by any copy."""
    mine = [d for d in documents if matches(d)]
    questions: dict[str, list[Document]] = {}
    for document in mine:
        questions.setdefault(document.question_key, []).append(document)
    answered = sum(any(d.answered for d in copies) for copies in questions.values())
    years = Counter(str(copies[0].date.year) for copies in questions.values())
    return {
        "documents": len(mine),
        "questions": len(questions),
        "answered": answered,
        "years": years,
    }


def totals(counts: dict) -> tuple[int, int, int]:
    return counts["documents"], counts["questions"], counts["answered"]


def soup(response):
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def test_a_members_page_counts_copies_of_a_question_once(client, documents):
    data = client.get("/api/leden/gautier-calomne").get_json()
    want = expected(documents, lambda d: d.member == "Gautier Calomne")
    assert totals(data) == totals(want)
    # The "Groene nummers" question went to twelve ministers: twelve documents, one question.
    assert data["documents"] - data["questions"] == 11
    assert data["answered_share"] == round(want["answered"] / want["questions"], 4)
    assert {c["label"]: c["count"] for c in data["years"]} == want["years"]
    assert data["parties"] == [{"label": "MR", "count": want["questions"], "url": None}]
    # The ministers he asked, each copy counted with the minister it went to.
    asked = Counter(d.minister for d in documents if d.member == "Gautier Calomne")
    most = sorted(asked.items(), key=lambda item: (-item[1], item[0]))[:10]
    assert [(c["label"], c["count"]) for c in data["counterparts"]] == most
    assert all(c["url"] == f"/ministers/{slug(c['label'])}" for c in data["counterparts"])
    # The list is the search for his documents, newest first, copies as one result.
    search = data["search"]
    assert search["filters"] == {"lid": ["Gautier Calomne"]}
    assert search["total"] == data["documents"] and search["groups"] == data["questions"]
    dates = [hit["date"] for hit in search["results"]]
    assert dates == sorted(dates, reverse=True)


def test_a_ministers_page_spans_portfolios_and_parliaments(client, documents):
    data = client.get("/api/ministers/jan-jambon").get_json()
    want = expected(documents, lambda d: d.minister == "Jan Jambon")
    assert totals(data) == totals(want)
    assert {c["label"] for c in data["parliaments"]} == {
        "Kamer van volksvertegenwoordigers",
        "Vlaams Parlement",
    }
    assert [office["label"] for office in data["offices"]] == [
        "Veiligheid en Binnenlandse Zaken",
        "Vlaams minister-president, Buitenlandse Zaken, Cultuur, ICT en Facilitair Management",
    ]
    assert all("http" in office["sources"] for office in data["offices"])
    assert data["parties"][0]["label"] == "N-VA"
    members = Counter(d.member for d in documents if d.minister == "Jan Jambon")
    assert {c["label"]: c["count"] for c in data["counterparts"]} == dict(members)
    # Exactly his documents: the filter names every minister value of his documents.
    assert data["search"]["total"] == data["documents"]
    assert set(data["search"]["filters"]["minister"]) == {
        d.minister_shown for d in documents if d.minister == "Jan Jambon"
    }


def test_a_pages_themes_count_questions(client, documents):
    data = client.get("/api/leden/nele-lijnen").get_json()
    questions = {d.question_key: d for d in documents if d.member == "Nele Lijnen"}
    themes = Counter(theme for d in questions.values() for theme in d.themes)
    assert {c["label"]: c["count"] for c in data["themes"]} == themes
    counts = [c["count"] for c in data["themes"]]
    assert counts == sorted(counts, reverse=True)


def test_names_match_by_slug_whatever_the_accents(client):
    assert client.get("/api/ministers/francois-bellot").get_json()["name"] == "François Bellot"
    assert client.get("/api/ministers/FRANCOIS-BELLOT").status_code == 404
    assert client.get("/ministers/sophie-wilmes").status_code == 200


def test_unknown_people_are_404_and_bad_pages_400(client):
    response = client.get("/api/leden/niemand-hier")
    assert response.status_code == 404
    assert response.get_json()["error"]["message"]
    assert client.get("/ministers/niemand-hier").status_code == 404
    # Nobody is a minister by being a member, or the other way round.
    assert client.get("/api/ministers/gautier-calomne").status_code == 404
    assert client.get("/api/leden/jan-jambon").status_code == 404
    assert client.get("/api/leden/gautier-calomne?page=0").status_code == 400
    assert client.get("/api/leden/gautier-calomne?page=x").status_code == 400


def test_the_html_page_shows_the_counts_the_list_and_a_search_within(client):
    data = client.get("/api/leden/gautier-calomne").get_json()
    page = soup(client.get("/leden/gautier-calomne"))
    assert page.find("h1").get_text() == "Gautier Calomne"
    facts = page.select_one(".person-facts").get_text(" ", strip=True)
    assert f"Vragen gesteld {data['questions']} ({data['documents']} documenten" in facts
    assert f"Beantwoord {data['answered']} van {data['questions']}" in facts
    titles = [li.a.get_text() for li in page.select(".question-list > li")]
    assert titles == [hit["title"] for hit in data["search"]["results"]]
    form = page.select_one("form.person-search")
    assert form["action"] == "/search"
    hidden = {(i["name"], i["value"]) for i in form.select("input[type=hidden]")}
    assert hidden == {("lid", "Gautier Calomne")}
    ministers = page.select("#tegenpartij ~ table a")
    assert [a["href"] for a in ministers] == [c["url"] for c in data["counterparts"]]


def test_a_long_list_of_questions_is_paged(client):
    first = client.get("/api/ministers/francois-bellot").get_json()["search"]
    assert first["pages"] == 1 and first["per_page"] == 20
    second = client.get("/api/ministers/francois-bellot?page=2").get_json()["search"]
    assert second["page"] == 2 and second["results"] == []


def test_every_name_on_a_results_page_links_to_its_page(client):
    page = soup(client.get("/search?q=groene+nummers"))
    links = {a["href"] for a in page.select(".meta a")}
    assert "/leden/gautier-calomne" in links
    assert any(href.startswith("/ministers/") for href in links)
    assert all(client.get(href).status_code == 200 for href in links)
    hit = client.get("/api/search?q=groene+nummers").get_json()["results"][0]
    assert hit["member_url"] == "/leden/gautier-calomne"
    assert hit["minister_url"] == f"/ministers/{slug(hit['minister'])}"


def test_the_cli_prints_a_page(runner, index_dir):
    result = runner.invoke(main, ["person", "minister", "Jan Jambon", "--index", str(index_dir)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Jan Jambon (N-VA)  [/ministers/jan-jambon]")
    assert "Vlaams minister-president" in result.output
    missing = runner.invoke(main, ["person", "lid", "Niemand", "--index", str(index_dir)])
    assert missing.exit_code == 1 and "Geen parlementslid" in missing.output


def test_the_help_page_links_to_working_pages(client):
    page = soup(client.get("/hulp"))
    links = {a["href"] for a in page.select("main a") if a["href"].startswith("/")}
    assert {"/ministers/jan-jambon", "/leden/filip-brusselmans", "/facetten/thema?q=trein"} <= links
    assert all(client.get(href).status_code == 200 for href in links)


@pytest.mark.parametrize(
    "url",
    [
        "/leden/gautier-calomne",
        "/ministers/jan-jambon",
        "/facetten/thema?q=trein",
        "/search?q=xyzzyqq",
    ],
)
def test_new_pages_load_no_inline_script_or_style(client, url):
    page = soup(client.get(url))
    assert [s.get("src") for s in page.find_all("script")] == ["/static/parlsearch.js"]
    assert not page.find(attrs={"onclick": True}) and not page.find(attrs={"style": True})
    assert not page.find("style")


def test_the_html_list_of_questions_is_paged(client, monkeypatch):
    monkeypatch.setattr(people, "PER_PAGE", 2)
    page = soup(client.get("/leden/gautier-calomne"))
    assert len(page.select(".question-list > li")) == 2
    pager = page.select_one("nav.pagination")
    assert pager.select_one('a[rel="next"]')["href"] == "/leden/gautier-calomne?page=2"
    second = soup(client.get("/leden/gautier-calomne?page=2"))
    assert len(second.select(".question-list > li")) == 1
    assert second.select_one(".question-list")["start"] == "3"
    assert second.select_one('nav.pagination a[rel="prev"]')["href"] == (
        "/leden/gautier-calomne?page=1"
    )


@pytest.fixture(scope="module")
def namesakes_client(tmp_path_factory):
    """An index where one name stands for members of three parties (accents, the Chamber's
    "surname, first name" and spacing aside), and a member whose name has no letters."""
    folder = tmp_path_factory.mktemp("namesakes")
    records = chamber_records({184501, 184502, 184503, 184504})
    for record, (person, party) in zip(
        records,
        [
            ("Peeters, Jan", "CD&V"),
            ("Peeters, Jän", "N-VA"),
            ("Peeters , Jan", "VB"),
            ("!!!, ???", "MR"),
        ],
        strict=True,
    ):
        record["aut_person"], record["aut_party"] = person, party
    write_jsonl(folder / "corpus" / "kamer.jsonl", records)
    build_index(folder / "corpus", folder / "index")
    return create_app({"INDEX_DIR": str(folder / "index")}).test_client()


def test_a_name_of_several_parties_links_to_a_page_per_party(namesakes_client):
    """Issue 22 row 14: three people of different parties were merged into one page."""
    name = namesakes_client.get("/api/leden/jan-peeters").get_json()
    assert name["documents"] == 3
    assert [(n["party"], n["documents"], n["url"]) for n in name["namesakes"]] == [
        ("CD&V", 1, "/leden/jan-peeters--cd-v"),
        ("N-VA", 1, "/leden/jan-peeters--n-va"),
        ("VB", 1, "/leden/jan-peeters--vb"),
    ]
    one = namesakes_client.get("/api/leden/jan-peeters--n-va").get_json()
    # The member column holds one value for names alike but for accents: "Jan Peeters".
    assert (one["name"], one["documents"], one["namesakes"]) == ("Jan Peeters", 1, [])
    assert [p["label"] for p in one["parties"]] == ["N-VA"]
    assert one["url"] == "/leden/jan-peeters--n-va"
    assert [hit["party"] for hit in one["search"]["results"]] == ["N-VA"]
    page = soup(namesakes_client.get("/leden/jan-peeters"))
    links = [a["href"] for a in page.select("p.namesakes a")]
    assert links == [
        "/leden/jan-peeters--cd-v",
        "/leden/jan-peeters--n-va",
        "/leden/jan-peeters--vb",
    ]
    assert all(namesakes_client.get(link).status_code == 200 for link in links)
    assert namesakes_client.get("/leden/jan-peeters--groen").status_code == 404


def test_a_name_without_letters_has_a_working_page(namesakes_client):
    """Issue 22 row 14: a member "!!!, ???" was linked to `/leden/` (404)."""
    hit = namesakes_client.get("/api/search?partij=MR").get_json()["results"][0]
    assert hit["member"] == "??? !!!"
    assert hit["member_url"].startswith("/leden/naam-")
    page = namesakes_client.get(hit["member_url"].replace("/leden/", "/api/leden/"))
    assert page.status_code == 200 and page.get_json()["name"] == "??? !!!"
