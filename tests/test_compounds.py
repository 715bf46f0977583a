"""Compound splitting: the rules on a small hand-made lexicon, then real corpus words both ways
(compounds split, non-compounds left whole) against wordfreq's Dutch lexicon."""

import pytest

from search.text.analysis import DUTCH_STOPWORDS
from search.text.compounds import CompoundSplitter, bound_morphemes, dutch_splitter

# Zipf frequencies (log10 of occurrences per billion words), as wordfreq gives them.
LEXICON = {
    "overheid": 5.0,
    "kantine": 3.9,
    "kantines": 2.3,
    "regio": 5.4,
    "coordinatoren": 2.6,
    "sociale": 5.1,
    "zekerheid": 4.4,
    "overeenkomst": 4.6,
    "werk": 5.8,
    "werklozen": 3.4,
    "lozen": 3.3,
    "boek": 5.0,
    "boeken": 4.8,
    "kast": 4.3,
    "ziekte": 4.8,
    "kosten": 4.9,
    "rare": 2.0,
    "delen": 4.5,
    "gerecht": 4.1,
    "lijk": 4.3,
    "zee": 5.1,
    "recht": 5.3,
}


@pytest.fixture(scope="module")
def toy():
    return CompoundSplitter(LEXICON, excluded={"lijk", "de"})


@pytest.mark.parametrize(
    ("word", "parts"),
    [
        # a linking -s- and a plural head ("kantines" counts as often as "kantine")
        ("overheidskantines", ("overheid", "kantines")),
        ("regiocoordinatoren", ("regio", "coordinatoren")),
        # three parts when no two-part split exists
        ("socialezekerheidsovereenkomst", ("sociale", "zekerheid", "overeenkomst")),
        # linking -en- ("boek" is more frequent than "boeken") and -e-
        ("boekenkast", ("boek", "kast")),
        ("ziektekosten", ("ziekte", "kosten")),
    ],
)
def test_rules_split_compounds(toy, word, parts):
    assert toy.split(word) == parts


@pytest.mark.parametrize(
    "word",
    [
        "overheid",  # a lexicon word with no split
        "werklozen",  # "lozen" is not three times as frequent as "werklozen"
        "raredelen",  # "rare" is below the frequency a part needs
        "gerechtlijk",  # "lijk" is a bound morpheme (listed as excluded)
        "zeerecht",  # "zee" is shorter than four letters
        "dekast",  # "de" is a stopword
        "kast",  # too short to hold two parts
        "2116kast",  # not all letters
    ],
)
def test_rules_leave_other_words_whole(toy, word):
    assert toy.split(word) == ()


@pytest.fixture(scope="module")
def dutch():
    return dutch_splitter(DUTCH_STOPWORDS)


@pytest.mark.parametrize(
    ("word", "parts"),
    [
        # the examples
        ("overheidskantines", ("overheid", "kantines")),
        ("socialezekerheidsovereenkomst", ("sociale", "zekerheid", "overeenkomst")),
        ("drugsveroordeling", ("drugs", "veroordeling")),
        ("drugsveroordelingen", ("drugs", "veroordelingen")),
        ("regiocoordinatoren", ("regio", "coordinatoren")),
        # words of the bundled corpus (accents folded, as the analyzer passes them)
        ("overheidsdiensten", ("overheid", "diensten")),
        ("personeelsleden", ("personeel", "leden")),
        ("dienstvoertuigen", ("dienst", "voertuigen")),
        ("wateroverlast", ("water", "overlast")),
        ("aanwervingsbeleid", ("aanwerving", "beleid")),
        ("gezondheidszorg", ("gezondheid", "zorg")),
        ("verkeersveiligheid", ("verkeer", "veiligheid")),
        ("ontwikkelingssamenwerking", ("ontwikkeling", "samenwerking")),
        ("werkgeversbijdragen", ("werkgever", "bijdragen")),
        ("politiezone", ("politie", "zone")),
        ("burnoutpreventie", ("burnout", "preventie")),
    ],
)
def test_real_compounds_split(dutch, word, parts):
    assert dutch.split(word) == parts


@pytest.mark.parametrize(
    "word",
    [
        # words the snowball stemmer mangles stay whole here too
        "minister",
        "gemeente",
        "organisatie",
        "gezondheid",
        "overheid",
        # lexicalised words whose "parts" are words too: bestuur is not best + uur,
        # samenwerking not samen + werking, verband not ver + band
        "bestuur",
        "besturen",
        "samenwerking",
        "werklozen",
        "verband",
        "ministerie",
        "vergoeding",
        "gerechtelijk",
        "bevoegdheden",
        "mogelijkheden",
        "verstrekken",
        "verkrachting",
        "vreemdelingen",
        "pleegouders",
        # plurals and names
        "kantines",
        "coordinatoren",
        "infrabel",
    ],
)
def test_real_non_compounds_stay_whole(dutch, word):
    assert dutch.split(word) == ()


def test_bound_morphemes_are_lowercase_words():
    morphemes = bound_morphemes()
    assert {"lijk", "heden", "ende"} <= morphemes
    assert all(m.isalpha() and m.islower() for m in morphemes)
