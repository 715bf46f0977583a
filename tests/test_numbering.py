"""Splitting numbered sub-questions and sub-answers, including the Chamber data's glued numbers."""

import pytest

from search.ingest.numbering import split_numbered


def numbers(text):
    return [part.label for part in split_numbered(text)[1]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Inleiding. 1. Wat was de oorzaak? 2. Hoe vaak? 3. Welke maatregelen?", ["1", "2", "3"]),
        # glued to the previous sentence, as in the Chamber data
        ("voorkomen kunnen worden, en zo ja, hoe?2. Zou er een procedure", []),
        ("1. Wat was de oorzaak? Hoe?2. Zou er een procedure zijn?3. Doen er", ["1", "2", "3"]),
        # one answer covering several sub-questions
        ("1 en 2. De cijfers volgen. 3. Neen.", ["1-2", "3"]),
        ("1 tot 3. Zie bijlage. 4. Ja.", ["1-3", "4"]),
        # numbers that do not start a sentence or break the sequence are not markers
        ("Volgens artikel 2. De wet zegt 1. Dit is", []),
        ("Volgens artikel 2. De wet is duidelijk. 1. Dit is", ["1"]),
        ("1. In 2016. 3. Niet dit. 2. Wel dit.", ["1", "2"]),
        ("Op 25 mei 2020 zal 3. Niet dit.", []),
        ("Een bedrag van 1.637,22 euro.", []),
        # line starts in the Flemish layout
        ("Vragen:\n1. Hoeveel freelancers?\n2. Is de transitie afgerond?", ["1", "2"]),
    ],
)
def test_numbered_parts(text, expected):
    assert numbers(text) == expected


def test_intro_and_part_texts():
    intro, parts = split_numbered(
        "De treinen werden omgeleid via Leuven. 1. Wat was de oorzaak? Hoe?2. Zou er"
    )
    assert intro == "De treinen werden omgeleid via Leuven."
    assert [(p.number, p.text) for p in parts] == [(1, "Wat was de oorzaak? Hoe?"), (2, "Zou er")]


def test_lettered_parts_stay_inside_their_number():
    _, parts = split_numbered("1. a) Eerst dit. b) Dan dat. 2. Tot slot.")
    assert [p.text for p in parts] == ["a) Eerst dit. b) Dan dat.", "Tot slot."]
