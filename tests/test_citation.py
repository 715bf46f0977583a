"""Citing a document: its official reference, a ready-made citation, the permalink on the
configured base URL; and the same in the JSON document."""

from bs4 import BeautifulSoup

from search.engine.citation import citation, official_reference
from search.http.app import create_app


def test_a_flemish_question_as_the_parliament_writes_it(client):
    data = client.get("/api/documents/vlpar-2019-2020-58").get_json()
    assert data["reference"] == "Schriftelijke vraag nr. 58 van 9 december 2019 (zitting 2019-2020)"
    assert data["citation"] == (
        "Filip Brusselmans aan Jan Jambon, schriftelijke vraag nr. 58, Vlaams Parlement, "
        "9 december 2019."
    )
    other = client.get("/api/documents/vlpar-2023-2024-235").get_json()
    assert other["reference"] == (
        "Schriftelijke vraag nr. 235 van 11 januari 2024 (zitting 2023-2024)"
    )
    assert other["citation"].startswith("Suzy Wouters aan Zuhal Demir, schriftelijke vraag nr. 235")


def test_a_chamber_question_by_its_record_id(client):
    data = client.get("/api/documents/dekamer-184501").get_json()
    assert (
        data["reference"]
        == "Schriftelijke vraag van 4 januari 2017, record 184501 van data.dekamer.be"
    )
    assert data["citation"] == (
        "Emmanuel Burton aan François Bellot, schriftelijke vraag (record 184501), "
        "Kamer van volksvertegenwoordigers, 4 januari 2017."
    )


def test_without_a_known_minister_the_question_is_addressed_to_the_portfolio():
    text = citation(
        member="Françoise Schepmans",
        minister="",
        minister_title="Staatssecretaris voor Armoedebestrijding, toegevoegd aan de Minister",
        source="dekamer",
        doc_id="dekamer-185564",
        number="",
        date="2017-01-24",
    )
    assert text.startswith("Françoise Schepmans aan de staatssecretaris voor Armoedebestrijding,")
    assert official_reference("dekamer", "dekamer-1", "", "") == (
        "Schriftelijke vraag, record 1 van data.dekamer.be"
    )


def test_the_page_shows_the_reference_and_the_citation(client):
    page = BeautifulSoup(
        client.get("/documents/vlpar-2019-2020-58").get_data(as_text=True), "html.parser"
    )
    meta = page.select_one(".document-meta .reference").get_text()
    assert meta == "Schriftelijke vraag nr. 58 van 9 december 2019 (zitting 2019-2020)"
    cite = page.select_one("section.citation .citation-words").get_text()
    assert cite.startswith("Filip Brusselmans aan Jan Jambon")
    # The names link to their pages.
    links = {a.get_text(): a["href"] for a in page.select(".document-meta a")}
    assert links["Filip Brusselmans"] == "/leden/filip-brusselmans"
    assert links["Jan Jambon"] == "/ministers/jan-jambon"


def test_the_permalink_uses_the_configured_base_url(index_dir):
    app = create_app({"INDEX_DIR": str(index_dir), "BASE_URL": "https://zoeken.example.org/"})
    client = app.test_client()
    page = BeautifulSoup(
        client.get("/documents/dekamer-184501", base_url="http://evil.example").get_data(
            as_text=True
        ),
        "html.parser",
    )
    link = page.select_one("section.citation a.permalink")
    assert link["href"] == link.get_text() == "https://zoeken.example.org/documents/dekamer-184501"
    data = client.get("/api/documents/dekamer-184501").get_json()
    assert data["permalink"] == "https://zoeken.example.org/documents/dekamer-184501"


def test_the_json_document_gives_what_the_csv_gives(client):
    row_params = "q=freelancers+Cultuurloket"
    data = client.get("/api/documents/vlpar-2019-2020-58?q=freelancers").get_json()
    assert data["passage"] and "freelancers" in data["passage"] and "<" not in data["passage"]
    assert data["minister"] == "Jan Jambon" and data["answered"] is True
    assert data["themes"] == []
    csv_text = client.get(f"/search.csv?{row_params}").get_data(as_text=True)
    assert data["reference"] in csv_text
    assert client.get("/api/documents/vlpar-2019-2020-58").get_json()["passage"] is None
