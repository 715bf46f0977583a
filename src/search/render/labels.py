"""The Dutch labels users read, each table in one place: the filters and facets by their name,
the ways a query word matched a document ("waarom gevonden") and what a result without marks in
its passage was found through, by their code, and whether a question was answered; and counts
with their noun ("1 waarde", "3 waarden"). The engine and the index know the names and codes
only."""

from __future__ import annotations

from search.engine.query.names import MEMBER, MINISTER
from search.engine.query.near import PARTS
from search.engine.query.pattern import PREFIX
from search.engine.query.word import EXACT, PART, STEM
from search.engine.results import CITED, TITLE

# Each filter and facet, by its name (the URL parameter), as its heading.
FILTER_LABELS = {
    "lid": "Vraagsteller",
    "partij": "Partij",
    "minister": "Minister",
    "thema": "Thema",
    "bron": "Parlement",
    "jaar": "Jaar",
    "status": "Status",
    "van": "Vanaf",
    "tot": "Tot en met",
}
# How each way of matching is told to users, best first.
MATCH_LABELS = {
    MEMBER: "de vraagsteller",
    MINISTER: "de minister",
    EXACT: "exact woord",
    STEM: "andere vorm van het woord",
    PART: "in een samengesteld woord",
    PARTS: "de delen van het woord in een woordgroep",
    PREFIX: "begint zo",
}
# What a result whose passage marks nothing was found through, said where the passage stands.
MATCHED_THROUGH_LABELS = {
    CITED: "Dit is het document waarnaar de zoekvraag verwijst.",
    TITLE: "Gevonden in de titel.",
    MEMBER: "Gevonden via de vraagsteller.",
    MINISTER: "Gevonden via de minister.",
}
# Whether a question was answered, as a result, a copy and a feed entry say it.
ANSWERED_LABELS = {True: "beantwoord", False: "niet beantwoord"}


def counted(number: int, singular: str, plural: str) -> str:
    """ "1 document", "3 documenten": a number with its noun in the right form."""
    return f"{number} {singular if number == 1 else plural}"
