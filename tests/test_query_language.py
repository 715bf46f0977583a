"""The query language (`search.engine.query.language`): ordinary Dutch text with its punctuation
means its words; only what is clearly an operator is read as one.

First tables of Dutch examples (what a query is written as for Whoosh's parser, what it means,
what a pasted sentence finds), then generated text, fragments of the bundled corpus (sentences,
numbers with commas and percent signs, enumerations, brackets, web and e-mail addresses) and
random mixtures of operator characters, through the parser, every route that takes a query and
the command line: never a server error or a traceback. The generated runs are bounded and
reproducible, as in test_hostile.py.
"""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner
from hypothesis import example, given, settings
from hypothesis import strategies as st

from search.cli import main
from search.engine.query import MAX_QUERY_LENGTH, QueryError, boolean
from search.engine.query.language import MAX_GROUP_DEPTH, normalised
from search.engine.query.parse import make_parser, parse_query
from search.index.schema import build_schema
from tests.conftest import chamber_records
from tests.test_hostile import (
    ANY_CHAR,
    HOSTILE,
    OPERATORS,
    SEARCH_ROUTES,
    WORDS,
    check_response,
    hostile_client,  # noqa: F401  (the fixture, for the tests below)
)


@pytest.fixture(scope="module")
def parser():
    return make_parser(build_schema())


# What a query is written as for Whoosh's parser: the operators kept, the rest plain words.
WRITTEN = [
    # The operators, as before.
    ("wateroverlast Demerbekken", "wateroverlast Demerbekken"),
    ('"sociale zekerheid"', '"sociale zekerheid"'),
    ('"trein vertraging"~5', '"trein vertraging"~5'),
    ("trein* EN vertraging", "trein* EN vertraging"),
    ("ve?koop*", "ve?koop*"),
    ("(fiets OF trein) EN vergoeding", "(fiets OF trein) EN vergoeding"),
    ("NMBS NIET trein", "NMBS NIET trein"),
    ("NMBS -trein", "NMBS -trein"),
    ('NMBS -"federale politie"', 'NMBS -"federale politie"'),
    ("titel:Cultuurloket", "titel:Cultuurloket"),
    ("antwoord:(fiets OF trein)", "antwoord:(fiets OF trein)"),
    ("<script>alert(1)</script>", "<script>alert(1)</script>"),
    # A question mark is punctuation but between a letter and two lower-case letters.
    ("hoeveel asielaanvragen?", "hoeveel asielaanvragen"),
    ("(tijdskrediet met motief)?", "(tijdskrediet met motief)"),
    ("Belgie?Hoeveel", "Belgie Hoeveel"),
    ("nemen?b) Heeft", "nemen b  Heeft"),
    ("artikel 3, ?2", "artikel 3,  2"),
    ("?eer", "eer"),
    ("http://www.x.be/nl?id=3", "http://www.x.be/nl id=3"),
    # A sign before a digit is punctuation, so is a hyphen after "en", "of" or a comma.
    ("daling (-11,5%)", "daling (11,5%)"),
    ("kosten (+5%)", "kosten (5%)"),
    ("snelheids- of -wedstrijden", "snelheids- of wedstrijden"),
    ("reisroute, -kost", "reisroute, kost"),
    ("+trein bus", "trein bus"),
    # A star is a wildcard after a letter or digit, or first before one; else punctuation.
    ("trein*.", "trein*"),
    ("storing.trein*", "storing. trein*"),
    ("*heid", "*heid"),
    ("(*)", ""),
    ("2*3", "2 3"),
    # A quote or bracket without its partner, an empty group, deep brackets: punctuation.
    ('"niet afgesloten', "niet afgesloten"),
    ('a"b c"', "a b c"),
    ("((fiets)", "(fiets)"),
    ("()", ""),
    (
        "(" * (MAX_GROUP_DEPTH + 1) + "x" + ")" * (MAX_GROUP_DEPTH + 1),
        "(" * MAX_GROUP_DEPTH + " x " + ")" * MAX_GROUP_DEPTH,
    ),
    # An operator with nothing to join or negate is the word it is.
    ("fiets OF", "fiets of"),
    ("OF fiets", "of fiets"),
    ("fiets OF OF trein", "fiets of OF trein"),
    ("NIET NIET trein", "niet NIET trein"),
    ("fiets OF -trein", "fiets of -trein"),
    # A field name without what it applies to, or not first in a word, is a word.
    ("titel:", "titel"),
    ("titel: trein", "titel  trein"),
    ("storing.titel:trein", "storing.titel trein"),
    # A list number starting a sentence, glued to the one before it or not; alone, a number.
    ("akten te verlijden?2.", "akten te verlijden"),
    ("1. Hoeveel aanvragen? 2) Welke", "Hoeveel aanvragen   Welke"),
    ("vindt u hieronder. 3.", "vindt u hieronder."),
    ("artikel 12. Dat", "artikel 12. Dat"),
    ("vraag nr. 35.", "vraag nr. 35."),
    ("3.", "3."),
    # Punctuation Whoosh's parser does not read is left to the analyzer.
    ("trein^2 trein~1 11,5% 47/1", "trein^2 trein~1 11,5% 47/1"),
]


@pytest.mark.parametrize(("typed", "written"), WRITTEN)
def test_a_query_is_written_with_only_the_operators_of_the_language(typed, written):
    assert normalised(typed) == written


# Queries that mean exactly what the plain words mean.
SAME_AS = [
    ("hoeveel asielaanvragen?", "hoeveel asielaanvragen"),
    ("daling (-11,5%)", "daling 11,5%"),
    ("kosten (+5%)", "kosten 5%"),
    ("(tijdskrediet met motief)?", "tijdskrediet met motief"),
    ('"niet afgesloten', "niet afgesloten"),
    ("fiets OF", "fiets"),
    ("(OF fiets", "fiets"),
    ("+trein bus", "trein bus"),
    ("ritten of -wedstrijden", "ritten wedstrijden"),
    ("akten te verlijden?2.", "akten te verlijden"),
    ("1. hoeveel asielaanvragen", "hoeveel asielaanvragen"),
    ("nemen?b) Heeft", "nemen b Heeft"),
    ("wat?", "wat"),
    ("trein*.", "trein*"),
    ("((fiets)", "fiets"),
    ("titel:", "titel"),
]


@pytest.mark.parametrize(("typed", "plain"), SAME_AS)
def test_punctuation_means_the_plain_words(parser, typed, plain):
    assert parse_query(typed, parser) == parse_query(plain, parser)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("fiets OF (bus -trein)", boolean.AnyOf),
        ("fiets (bus -trein)", boolean.AllOf),
        ("sprake +trein", boolean.AllOf),
        ("(*)", type(boolean.NOTHING)),
        ("?*", type(boolean.NOTHING)),
        ("*:*", type(boolean.NOTHING)),
    ],
)
def test_signs_work_in_brackets_and_punctuation_alone_finds_nothing(parser, text, kind):
    assert isinstance(parse_query(text, parser), kind)


@pytest.mark.parametrize("route", SEARCH_ROUTES)
@pytest.mark.parametrize("text", ["*", "?*", "*:*", "(*)"])
def test_punctuation_alone_is_answered_and_finds_nothing(hostile_client, route, text):  # noqa: F811
    response = hostile_client.get(route, query_string={"q": text})
    check_response(response, route, {200})
    if route == "/api/search":
        assert response.get_json()["total"] == 0


@pytest.mark.parametrize("text", ["*heid", "a*", "v?rkoop", "titel:x*"])
def test_a_pattern_with_a_short_start_is_still_refused(parser, text):
    with pytest.raises(QueryError, match="minstens 2 letters"):
        parse_query(text, parser)


@pytest.mark.parametrize(
    ("url", "box"),
    [("/", "#q"), ("/leden/gautier-calomne", "#binnen"), ("/facetten/thema?q=trein", "#waarde")],
)
def test_a_search_box_takes_as_many_characters_as_a_query(hostile_client, url, box):  # noqa: F811
    page = BeautifulSoup(hostile_client.get(url).get_data(as_text=True), "html.parser")
    assert page.select_one(box)["maxlength"] == str(MAX_QUERY_LENGTH)


# Sentences of the sample documents, pasted as they stand, with the document they come from.
PASTED = [
    ("Hadden ze voorkomen kunnen worden, en zo ja, hoe?2.", "dekamer-184501"),
    (
        "Of geldt deze voor alle soorten misdrijven?c) Heeft u cijfers over het aantal dossiers "
        "dat op die manier niet in de ANG komen (of een indicatie)?",
        "dekamer-184503",
    ),
    (
        "In fase 2 van 2016 (september-oktober) haalde het controlepercentage 68,1 %, wat een "
        "verhoging met 1,5 % inhoudt in vergelijking met maart-april.",
        "dekamer-184502",
    ),
    (
        'Naast de entiteit "feit" (waarin de eigenlijke feitinformatie zit) bestaat onder meer '
        'ook een entiteit "persoon".',
        "dekamer-184504",
    ),
    (
        "Vorig jaar heb ik een nieuwe website gelanceerd, www.partnergeweld.be, met een "
        "specifieke rubriek over de deconstructie van de mythes rond deze vorm van geweld.",
        "dekamer-184521",
    ),
]


@pytest.mark.parametrize(("sentence", "doc_id"), PASTED)
def test_a_pasted_sentence_finds_its_document_first(engine, sentence, doc_id):
    page = engine.search(sentence)
    first = page.results[0]
    assert doc_id in {first.id, *(copy.id for copy in first.copies)}


def test_a_word_before_a_question_mark_is_corrected(engine):
    page = engine.search("wederbeleggingsvergoedig?")
    assert page.suggestion == "wederbeleggingsvergoeding?"


# Fragments of the bundled corpus as people paste them.
_SENTENCE_END = re.compile(r"(?<=[.?!;])\s+")
_FRAGMENTS = {
    "numbers": r"\(?[-+]?\d+(?:[.,]\d+)*\s?%\)?",
    "enumerations": r"\S*[?:;](?:\d{1,2}\.|[a-z]\)|-)\s?\S+(?: \S+){0,4}",
    "brackets": r"\S*\([^()]{1,80}\)\S*",
    "addresses": r"(?:https?://|www\.)\S+|[\w.-]+@[\w.-]+",
}


def _corpus_fragments() -> dict[str, list[str]]:
    texts = [
        record.get(field) or ""
        for record in chamber_records()
        for field in ("title", "question", "answer")
    ]
    fragments = {
        name: sorted({match for text in texts for match in re.findall(pattern, text)})
        for name, pattern in _FRAGMENTS.items()
    }
    sentences = {
        sentence
        for text in texts
        for sentence in _SENTENCE_END.split(text)
        if 3 <= len(sentence.split()) <= 40
    }
    # Every 25th, sorted: a fixed sample across the corpus.
    fragments["sentences"] = sorted(sentences)[::25]
    return fragments


FRAGMENTS = _corpus_fragments()
fragment = st.one_of(*(st.sampled_from(found) for found in FRAGMENTS.values()))
piece = st.one_of(fragment, st.sampled_from(OPERATORS), st.sampled_from(WORDS))
texts = st.one_of(
    fragment,
    st.lists(piece, min_size=1, max_size=8).map(" ".join),
    st.lists(piece, min_size=1, max_size=8).map("".join),
    st.text(ANY_CHAR, max_size=40),
)


def test_the_corpus_gives_fragments_of_every_kind():
    assert {name: len(found) > 20 for name, found in FRAGMENTS.items()} == dict.fromkeys(
        FRAGMENTS, True
    )
    assert any(number.startswith(("(-", "(+")) for number in FRAGMENTS["numbers"])


@settings(HOSTILE, max_examples=200)
@given(text=texts)
def test_any_text_is_parsed_or_refused_with_a_message(parser, text):
    try:
        parse_query(text, parser)
    except QueryError as error:
        assert str(error)
    # What is written for Whoosh's parser reads the same when written again.
    assert normalised(normalised(text)) == normalised(text)


QUERY_ROUTES = (
    *SEARCH_ROUTES,
    "/documents/dekamer-184501",
    "/api/documents/dekamer-184501",
    "/facetten/thema",
    "/api/facetten/thema",
)


# The queries of the issue that asked for this language.
ISSUE = ("daling (-11,5%)", "kosten (+5%)", "hoeveel asielaanvragen?", "(tijdskrediet met motief)?")


@HOSTILE
@given(route=st.sampled_from(QUERY_ROUTES), text=texts, member=st.booleans())
@example(route="/api/search", text=ISSUE[0], member=False)
@example(route="/search", text=ISSUE[1], member=True)
def test_any_text_is_answered_on_every_route(hostile_client, route, text, member):  # noqa: F811
    # With a member: the search box of a member's page.
    params = {"q": text, **({"lid": "Emmanuel Burton"} if member else {})}
    check_response(hostile_client.get(route, query_string=params), route, {200, 400})


@settings(HOSTILE, max_examples=30)
@given(text=texts, command=st.sampled_from([["query"], ["facet", "thema"]]))
@example(text=ISSUE[0], command=["query"])
@example(text=ISSUE[1], command=["facet", "thema"])
def test_any_text_is_answered_by_the_command_line(index_dir, text, command):
    result = CliRunner().invoke(main, [*command, "--index", str(index_dir), "--", text])
    assert result.exit_code in (0, 1), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
