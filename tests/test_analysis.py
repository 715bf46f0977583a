"""Dutch analysis, table-driven on real sentences from the corpus."""

import pickle

import pytest

from search.analysis import analyze, dutch_analyzer, exact_analyzer

STEMMED = [
    # sentences glued without a space split; numbers stay
    (
        "kreeg de NMBS een storing.Trein 2116, die van Brussel-Zuid",
        ["kreeg", "nmbs", "stoor", "trein", "2116", "brus", "zuid"],
    ),
    # accents fold: België = Belgie, coördinatoren = coordinatoren
    ("financiële steun in België", ["financiel", "steun", "belgie"]),
    ("financiele steun in Belgie", ["financiel", "steun", "belgie"]),
    ("drie regiocoördinatoren", ["drie", "regiocoordinatoor"]),
    # Dutch stopwords go, plural and singular meet
    (
        "Hoeveel freelancers zijn momenteel actief in dit netwerk?",
        ["hoeveel", "freelancer", "momenteel", "actief", "netwerk"],
    ),
    ("een freelancer", ["freelancer"]),
    # a plural or genitive 's drops
    ("De drie regio’s en de auto's", ["drie", "regio", "auto"]),
]

EXACT = [
    (
        "De NMBS kondigde een uitbreiding aan",
        ["de", "nmbs", "kondigde", "een", "uitbreiding", "aan"],
    ),
    ("sociale zekerheid", ["sociale", "zekerheid"]),
    ("coördinatie in België", ["coordinatie", "in", "belgie"]),
]


@pytest.mark.parametrize(("text", "tokens"), STEMMED)
def test_stemmed_tokens(text, tokens):
    assert analyze(text, dutch_analyzer()) == tokens


@pytest.mark.parametrize(("text", "tokens"), EXACT)
def test_exact_tokens(text, tokens):
    assert analyze(text, exact_analyzer()) == tokens


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("treinen", "trein"),
        ("verkrachtingen", "verkrachting"),
        ("België", "belgie"),
        ("Coördinator", "coordinator"),
    ],
)
def test_word_forms_meet(one, other):
    assert analyze(one, dutch_analyzer()) == analyze(other, dutch_analyzer())


def test_analyzers_survive_pickling_into_a_fresh_schema():
    analyzer = pickle.loads(pickle.dumps(dutch_analyzer()))
    assert analyze("freelancers", analyzer) == ["freelancer"]
