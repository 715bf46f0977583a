"""Repairing layout lines from parliament PDFs into paragraphs."""

import pytest

from search.ingest.pdf_text import repair_pdf_text


@pytest.mark.parametrize(
    ("raw", "repaired"),
    [
        # soft wraps (a trailing space) join; a hard line end keeps the paragraph
        ("Nu \nhet inloopjaar\nDe volgende", "Nu het inloopjaar\nDe volgende"),
        # a word split at the line end is rejoined
        ("de noodplannings-\ncoördinatoren", "de noodplanningscoördinatoren"),
        # suspended compounds and capitalised parts keep their hyphen
        ("regio Oost-\nen West-Vlaanderen", "regio Oost- en West-Vlaanderen"),
        ("provincie West-\nVlaanderen", "provincie West-Vlaanderen"),
        ("wateroverlast en -\nschade.", "wateroverlast en -schade."),
        # a word the document spells with a hyphen elsewhere keeps it
        ("de e-\nmail en een e-mail", "de e-mail en een e-mail"),
        # a blank line inside a sentence (page break) is dropped, one after a sentence is kept
        ("om na te gaan welke \n\npistes voor", "om na te gaan welke pistes voor"),
        ("met bedrijven. \n\nDe resultaten", "met bedrijven.\nDe resultaten"),
        # a lone URL line that repeats a link in the text goes; a new one stays
        (
            "zie www.vlaanderen.be. \n\nhttp://www.vlaanderen.be\n\nVerder",
            "zie www.vlaanderen.be.\nVerder",
        ),
        ("Bron:\nhttps://example.org/rapport", "Bron:\nhttps://example.org/rapport"),
        # list items start new paragraphs; runs of spaces fold
        (
            "Concreet:\n- Begeleiding van \norganisaties\n2. Is de",
            "Concreet:\n- Begeleiding van organisaties\n2. Is de",
        ),
        ("Cultuurloket  -  Evaluatie   transitie", "Cultuurloket - Evaluatie transitie"),
    ],
)
def test_repair(raw, repaired):
    assert repair_pdf_text(raw) == repaired
