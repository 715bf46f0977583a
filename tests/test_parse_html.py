"""An HTML rendering of the real seed document parses like its text."""

from search.ingest.parse_flemish import parse_flemish_text
from search.ingest.parse_html import html_to_text, parse_flemish_html
from tests.conftest import DATA, SEED_TXT

HTML = (DATA / "vrg_en_antw.58.html").read_text(encoding="utf-8")


def test_only_the_visible_main_content_is_kept():
    text = html_to_text(HTML)
    assert text.lstrip().startswith("Cultuurloket - Evaluatie transitie")
    assert "analytics" not in text
    assert "Menu" not in text
    assert "© Vlaams Parlement" not in text


def test_block_elements_become_lines():
    lines = [line for line in html_to_text(HTML).splitlines() if line]
    assert "ANTWOORD" in lines
    assert "op vraag nr. 58 van 9 december 2019" in lines
    assert "JAN JAMBON" in lines


def test_html_parses_to_the_same_document_as_the_text():
    from_html = parse_flemish_html(HTML)
    from_text = parse_flemish_text(SEED_TXT.read_text(encoding="utf-8"))
    assert from_html.id == from_text.id == "vlpar-2019-2020-58"
    for name in ("title", "date", "member", "minister", "minister_title", "number"):
        assert getattr(from_html, name) == getattr(from_text, name)
    assert [p.number for p in from_html.subquestions] == [1, 2, 3, 4, 5, 6]
    assert [p.number for p in from_html.subanswers] == [1, 2, 3, 4, 5, 6]
    assert from_html.subquestions[5].text == from_text.subquestions[5].text
    assert from_html.subanswers[0].text.split() == from_text.subanswers[0].text.split()
