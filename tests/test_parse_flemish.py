"""The two real Flemish Parliament documents, parsed field by field (text and PDF layouts)."""

import datetime as dt

import pytest

from search.ingest.parse_flemish import ParseError, display_name, parse_flemish_text, session_year
from search.ingest.parse_pdf import parse_flemish_pdf
from tests.conftest import PDF_235, SEED_TXT


@pytest.fixture(scope="module")
def seed():
    return parse_flemish_text(SEED_TXT.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def pdf():
    return parse_flemish_pdf(PDF_235)


def test_seed_without_header_takes_its_facts_from_the_answer_block(seed):
    assert seed.id == "vlpar-2019-2020-58"
    assert seed.source == "vlpar"
    assert seed.number == "58"
    assert seed.date == dt.date(2019, 12, 9)
    assert seed.member == "Filip Brusselmans"
    assert seed.minister == "Jan Jambon"
    assert seed.minister_title == (
        "Minister-President van de Vlaamse Regering, Vlaams minister van Buitenlandse Zaken, "
        "Cultuur, ICT en Facilitair Management"
    )
    assert seed.title == "Cultuurloket - Evaluatie transitie"
    assert seed.answered


def test_seed_has_six_subquestions_each_with_its_answer(seed):
    assert seed.question_intro.startswith("De omvorming van Kunstenloket naar Cultuurloket")
    assert [p.number for p in seed.subquestions] == [1, 2, 3, 4, 5, 6]
    assert [p.number for p in seed.subanswers] == [1, 2, 3, 4, 5, 6]
    assert seed.subquestions[0].text.startswith("In het verleden werd gealludeerd")
    assert seed.subquestions[0].text.endswith(
        "Hoeveel regiocoördinatoren zijn er inmiddels geactiveerd?"
    )
    assert seed.subquestions[5].text == "Plant de minister nog andere initiatieven ter zake?"
    assert seed.subanswers[5].text.startswith("In het najaar zal ik samen met Cultuurloket")
    assert seed.answer_intro == ""


def test_lettered_parts_stay_inside_their_number(seed):
    fifth = seed.subanswers[4].text
    assert fifth.startswith("a) Samenwerken in Vlaanderen")
    assert "\nb) Samenwerken in Europa:" in fifth
    assert "VLEVA" in fifth


def test_seed_text_is_repaired(seed):
    # A blank line that a page break put inside a sentence is gone ...
    assert "na te gaan welke pistes voor aanvullende financiering" in seed.subanswers[2].text
    # ... a lone URL line repeating a link is dropped, suspended compounds keep their hyphen.
    assert "http://www.cultuurloket.be" not in seed.answer
    assert "www.cultuurloket.be" in seed.answer
    assert "regio Oost- en West-Vlaanderen" in seed.subanswers[0].text
    assert "  " not in seed.answer


def test_pdf_with_header_block(pdf):
    assert pdf.id == "vlpar-2023-2024-235"
    assert pdf.number == "235"
    assert pdf.date == dt.date(2024, 1, 11)
    assert pdf.member == "Suzy Wouters"
    assert pdf.minister == "Zuhal Demir"
    assert pdf.minister_title == (
        "Vlaams minister van Justitie en Handhaving, Omgeving, Energie en Toerisme"
    )
    assert pdf.title == "Wateroverlast Demerbekken - Draaiboek voor lokale besturen"


def test_pdf_has_three_subquestions_each_with_its_answer(pdf):
    assert [p.number for p in pdf.subquestions] == [1, 2, 3]
    assert [p.number for p in pdf.subanswers] == [1, 2, 3]
    assert pdf.question_intro.startswith("In juli 2021 werd het Demerbekken geconfronteerd")
    assert pdf.subquestions[2].text.startswith("Is er in de andere belangrijke bekkens")
    assert pdf.subanswers[0].text.startswith("Het klopt dat de crisisdiensten")
    assert pdf.subanswers[2].text.endswith("een BNIP opgemaakt worden.")


def test_pdf_lines_are_joined_into_paragraphs(pdf):
    assert "zeer zware wateroverlast en -schade." in pdf.question_intro
    assert "het Dender- en IJzerbekken" in pdf.subquestions[2].text
    # A question that ran over a page break is one piece.
    assert pdf.subquestions[1].text.endswith(
        "een voortrekkersrol/coördinerende rol op zich te nemen?"
    )


@pytest.mark.parametrize(
    ("date", "session"),
    [
        (dt.date(2019, 12, 9), "2019-2020"),
        (dt.date(2024, 1, 11), "2023-2024"),
        (dt.date(2023, 9, 24), "2022-2023"),  # the day before the fourth Monday of September 2023
        (dt.date(2023, 9, 25), "2023-2024"),  # the fourth Monday
        (dt.date(2024, 9, 23), "2024-2025"),
    ],
)
def test_session_year_starts_on_the_fourth_monday_of_september(date, session):
    assert session_year(date) == session


@pytest.mark.parametrize(
    ("capitals", "shown"),
    [
        ("FILIP BRUSSELMANS", "Filip Brusselmans"),
        ("JAN  JAMBON ", "Jan Jambon"),
        ("KATHLEEN KRAJEWSKI-DE WILDE", "Kathleen Krajewski-De Wilde"),
        ("D'HAESE", "D'Haese"),
    ],
)
def test_names_in_capitals_are_shown_normally(capitals, shown):
    assert display_name(capitals) == shown


def test_text_without_answer_block_is_refused():
    with pytest.raises(ParseError, match="ANTWOORD"):
        parse_flemish_text("Een onderwerp\n\nEen vraag zonder antwoord.\n")
