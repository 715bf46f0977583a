"""Federal Chamber records: fields, titles, names, and numbering glued to the previous sentence."""

import datetime as dt

import pytest

from search.ingest.parse_chamber import (
    RecordError,
    clean_title,
    display_member,
    parse_chamber_record,
)
from tests.conftest import chamber_records


@pytest.fixture(scope="module")
def record():
    return chamber_records({184501})[0]


def test_record_fields(record):
    document = parse_chamber_record(record)
    assert document.id == "dekamer-184501"
    assert document.source == "dekamer"
    assert document.title == "Lijn Brussel-Luxemburg - Technisch incident"
    assert document.member == "Emmanuel Burton"
    assert document.party == "MR"
    assert document.date == dt.date(2017, 1, 4)
    assert document.minister_title.startswith("Minister van Mobiliteit, belast met Belgocontrol")
    # Filed on 4 January 2017: the ministers table names who held the portfolio then.
    assert document.minister == "François Bellot"
    assert document.minister_label == "Mobiliteit, Belgocontrol en NMBS"
    assert document.themes == (
        "VERVOERSLIJN",
        "VERVOERBELEID",
        "VERVOER PER SPOOR",
        "NMBS",
        "DIENSTREGELING VAN HET VERVOER",
    )
    assert document.answered
    assert document.question.startswith("Op maandag 19 december 2016 kondigde de NMBS")


def test_glued_numbering_is_split(record):
    document = parse_chamber_record(record)
    assert document.question_intro.endswith("De treinen werden omgeleid via Leuven.")
    assert [p.number for p in document.subquestions] == [1, 2, 3]
    # "... en zo ja, hoe?2. Zou er ..." in the source
    assert document.subquestions[0].text.endswith(
        "Hadden ze voorkomen kunnen worden, en zo ja, hoe?"
    )
    assert document.subquestions[1].text.startswith("Zou er voor dergelijke situaties")
    assert [p.number for p in document.subanswers] == [1, 2, 3]
    assert document.subanswers[0].text == "De noodrem werd geactiveerd; het ging om kwaad opzet."


def test_unanswered_record():
    record = next(r for r in chamber_records() if r["answer"] is None)
    document = parse_chamber_record(record)
    assert not document.answered
    assert document.answer == ""


@pytest.mark.parametrize(
    ("line", "title"),
    [
        (
            "Lijn Brussel-Luxemburg. - Technisch incident. ",
            "Lijn Brussel-Luxemburg - Technisch incident",
        ),
        ("Groene nummers van de overheidsdiensten. ", "Groene nummers van de overheidsdiensten"),
        (
            "'Mystery shopping'. - Resultaten van de onderzoeken. ",
            "'Mystery shopping' - Resultaten van de onderzoeken",
        ),
        (
            "Veiligheid langs de treinsporen (MV 15366). ",
            "Veiligheid langs de treinsporen (MV 15366)",
        ),
        ("Titel - ", "Titel"),
    ],
)
def test_title_cleaning(line, title):
    assert clean_title(line) == title


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("Burton, Emmanuel", "Emmanuel Burton"),
        ("Van der Maelen, Dirk", "Dirk Van der Maelen"),
        ("Onbekend", "Onbekend"),
    ],
)
def test_member_names(name, shown):
    assert display_member(name) == shown


@pytest.mark.parametrize(
    "record",
    [
        {"question": "Titel\n\nTekst"},
        {"doc_id": 1},
        {"doc_id": 1, "question": "Titel\n\nTekst", "depotdat": "gisteren"},
        {"doc_id": 1, "question": "Titel\n\nTekst", "answer": 42},
    ],
)
def test_records_missing_or_wrong_fields_are_refused(record):
    with pytest.raises(RecordError):
        parse_chamber_record(record)
