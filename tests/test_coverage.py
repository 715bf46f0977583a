"""What the index holds, read from the index: on the home page, on every page without results,
as JSON and from `parlsearch stats`."""

import json
from collections import defaultdict

from bs4 import BeautifulSoup

from search.cli import main
from search.http.app import create_app
from search.ingest.corpus import corpus_files, read_documents


def expected_coverage(sample_corpus) -> dict:
    per_source: dict[str, list] = defaultdict(list)
    for path in corpus_files(sample_corpus):
        for document in read_documents(path, []):
            per_source[document.source].append(document)
    return {
        source: {
            "documents": len(documents),
            "answered": sum(d.answered for d in documents),
            "first": min(d.date for d in documents).isoformat(),
            "last": max(d.date for d in documents).isoformat(),
        }
        for source, documents in per_source.items()
    }


def test_the_json_counts_every_parliament(client, sample_corpus):
    data = client.get("/api/coverage").get_json()
    want = expected_coverage(sample_corpus)
    got = {
        p["source"]: {k: p[k] for k in ("documents", "answered", "first", "last")}
        for p in data["parliaments"]
    }
    assert got == want
    assert data["documents"] == sum(p["documents"] for p in want.values())
    assert data["built"].endswith("+00:00")
    names = [p["name"] for p in data["parliaments"]]
    assert names == ["Kamer van volksvertegenwoordigers", "Vlaams Parlement"]


def test_the_home_page_shows_it(client):
    data = client.get("/api/coverage").get_json()
    page = BeautifulSoup(client.get("/").get_data(as_text=True), "html.parser")
    rows = page.select("section.coverage tbody tr")
    assert [row.th.get_text(strip=True) for row in rows] == [p["name"] for p in data["parliaments"]]
    first = [cell.get_text(strip=True) for cell in rows[0].select("td")]
    chamber = data["parliaments"][0]
    assert first[:2] == [str(chamber["documents"]), str(chamber["answered"])]
    assert first[2] == "4 januari 2017"
    assert rows[0].th.a["href"] == "/search?bron=dekamer"
    assert f"{data['documents']} documenten in totaal" in page.select_one(".coverage").get_text()


def test_a_page_without_results_shows_it_and_others_do_not(client):
    empty = BeautifulSoup(client.get("/search?q=xyzzyqq").get_data(as_text=True), "html.parser")
    assert empty.select("section.coverage tbody tr")
    assert client.get("/api/search?q=xyzzyqq").get_json()["coverage"]["documents"] > 0
    full = client.get("/search?q=trein").get_data(as_text=True)
    assert 'class="coverage"' not in full
    assert client.get("/api/search?q=trein").get_json()["coverage"] is None


def test_the_home_page_works_before_any_index_is_built(tmp_path):
    client = create_app({"INDEX_DIR": str(tmp_path / "leeg")}).test_client()
    response = client.get("/")
    assert response.status_code == 200
    assert "De zoekindex is nog niet gebouwd." in response.get_data(as_text=True)
    assert client.get("/api/coverage").status_code == 503


def test_stats_prints_it(runner, index_dir, sample_corpus):
    result = runner.invoke(main, ["stats", "--index", str(index_dir)])
    chamber = expected_coverage(sample_corpus)["dekamer"]
    assert (
        f"dekamer: {chamber['documents']} documenten ({chamber['answered']} beantwoord), "
        f"ingediend {chamber['first']} .. {chamber['last']}"
    ) in result.output
    data = json.loads(runner.invoke(main, ["stats", "--index", str(index_dir), "--json"]).output)
    assert data["coverage"]["parliaments"][0]["documents"] == chamber["documents"]
