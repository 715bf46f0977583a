"""Why a document was found: how each query word matched, table-driven in Dutch."""

import pytest

from search.engine.explain import WordMatch, explain
from search.engine.query.matching import find, query_words
from search.engine.query.parse import make_parser, parse_query
from search.index.schema import build_schema


def explained_words(parsed):
    return query_words(parsed)


@pytest.fixture(scope="module")
def parser():
    return make_parser(build_schema())


@pytest.mark.parametrize(
    ("query", "text", "expected"),
    [
        # the word as typed, case and accents aside
        (
            "cultuurloket",
            "Evaluatie van het Cultuurloket",
            [("cultuurloket", "exact", ["Cultuurloket"])],
        ),
        ("België", "steun in Belgie", [("België", "exact", ["Belgie"])]),
        # another form of the word
        ("kantine", "de kantines", [("kantine", "stem", ["kantines"])]),
        # irregular forms, through their dictionary form
        ("ziekenhuizen", "het ziekenhuis", [("ziekenhuizen", "stem", ["ziekenhuis"])]),
        ("stad", "in de steden", [("stad", "stem", ["steden"])]),
        # inside a compound
        ("kantine", "een bedrijfskantine", [("kantine", "part", ["bedrijfskantine"])]),
        (
            "coördinatoren per regio",
            "drie regiocoördinatoren",
            [
                ("coördinatoren", "part", ["regiocoördinatoren"]),
                ("per", "", []),
                ("regio", "part", ["regiocoördinatoren"]),
            ],
        ),
        # a compound by its parts as words of their own in a phrase, never one part alone nor
        # a part inside another compound
        (
            "overheidskantines",
            "de kantines van de overheid",
            [("overheidskantines", "parts", ["kantines", "overheid"])],
        ),
        (
            "overheidskantines",
            "de kantines van de overheidsdiensten",
            [("overheidskantines", "", [])],
        ),
        (
            "gevangenisdirecteur",
            "de directeur van de gevangenis",
            [("gevangenisdirecteur", "parts", ["directeur", "gevangenis"])],
        ),
        (
            "gevangenisdirecteur",
            "de directeur kwam. Veel later, in een andere zin, sprak hij over de gevangenis.",
            [("gevangenisdirecteur", "", [])],
        ),
        (
            "kerncentrale",
            "de centrale en de kern",
            [("kerncentrale", "", [])],
        ),
        ("kerncentrale", "een centrale", [("kerncentrale", "", [])]),
        # a hyphenated word and its spelling as one (the hyphen aside, the same word)
        ("burn-out", "preventie van burnout", [("burn-out", "exact", ["burnout"])]),
        ("burnout", "de burn-out", [("burnout", "exact", ["burn-out"])]),
        # the best way a word matched is shown
        ("kantine", "de kantine, de kantines", [("kantine", "exact", ["kantine"])]),
        # phrases, prefixes, absent words
        (
            '"sociale zekerheid"',
            "de Sociale Zekerheid",
            [('"sociale zekerheid"', "exact", ["Sociale Zekerheid"])],
        ),
        ("trein*", "twee treinen", [("trein*", "prefix", ["treinen"])]),
        ("fiets trein", "de trein", [("fiets", "", []), ("trein", "exact", ["trein"])]),
        # excluded words are not explained
        ("NMBS -trein", "NMBS en trein", [("NMBS", "exact", ["NMBS"])]),
    ],
)
def test_explain(parser, query, text, expected):
    words = explained_words(parse_query(query, parser))
    matches = explain(words, [(text, find(text, words))])
    assert matches == tuple(WordMatch(word, how, tuple(found)) for word, how, found in expected)


def test_explain_looks_at_every_text_and_shows_a_few_words(parser):
    words = explained_words(parse_query("trein", parser))
    texts = ["Treinen", "de trein", *(f"trein{n}" for n in ("en", "reizigers", "verkeer"))]
    [match] = explain(words, [(text, find(text, words)) for text in texts])
    assert match.how == "exact"
    assert match.found == ("trein",)
    texts = ["Treinen rijden", "meer treinen"]
    [match] = explain(words, [(text, find(text, words)) for text in texts])
    assert (match.how, match.found) == ("stem", ("Treinen",))
