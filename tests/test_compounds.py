"""Compound splitting: the rules on a small hand-made lexicon, then real corpus words both ways
(compounds split, non-compounds left whole) against wordfreq's Dutch lexicon, each class of
word with the reading and the rule that decides."""

import pytest

from search.text.analysis import DUTCH_STOPWORDS
from search.text.compounds import (
    LINK_EN,
    LINK_ER,
    LINK_S,
    OLD_FORM,
    PARTICLE,
    PLURAL_FORM,
    PREFIX,
    VERB_STEM,
    WORD,
    CompoundSplitter,
    bound_morphemes,
    diminutive_base,
    dutch_lexicon,
    dutch_splitter,
    learned_prefixes,
    linking_forms,
    particles,
    prefixoids,
    short_parts,
)

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
    "lozen": 2.3,
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
        # several levels: "werkgever" is "werk" + "gever" again
        ("werkgeversbijdragen", ("werk", "gever", "bijdragen")),
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
        # plurals and names
        "kantines",
        "coordinatoren",
        "infrabel",
    ],
)
def test_real_non_compounds_stay_whole(dutch, word):
    assert dutch.split(word) == ()


# Issue 21: each class of word, the split it gets and how each part is read (the word a part
# stands for, its linking element, the rule).
READINGS = [
    # the word as the head of a compound, also in the plural
    ("omzendbrieven", [("omzenden", "", VERB_STEM), ("brieven", "", WORD)]),
    ("opzegbrief", [("opzeggen", "", VERB_STEM), ("brief", "", WORD)]),
    ("grondwet", [("grond", "", WORD), ("wet", "", WORD)]),
    # linking forms, mapped to the word they link
    ("kinderarmoede", [("kind", "er", LINK_ER), ("armoede", "", WORD)]),
    ("gezinshereniging", [("gezin", "s", LINK_S), ("hereniging", "", WORD)]),
    ("fietsenstalling", [("fiets", "en", LINK_EN), ("stalling", "", "afleiding")]),
    ("pakjesbedeling", [("pakje", "s", LINK_S), ("bedeling", "", "afleiding")]),
    ("stedenband", [("stad", "", PLURAL_FORM), ("band", "", WORD)]),
    ("scheepsroute", [("schip", "", OLD_FORM), ("route", "", WORD)]),
    # a head the lexicon lacks, made of a particle and a word
    ("gezinsbijslag", [("gezin", "s", LINK_S), ("bijslag", "", PARTICLE)]),
    # short nouns (data/short_parts.txt)
    ("kamerlid", [("kamer", "", WORD), ("lid", "", WORD)]),
    ("wetboek", [("wet", "", WORD), ("boek", "", WORD)]),
    ("taalrol", [("taal", "", WORD), ("rol", "", WORD)]),
    ("zakgeld", [("zak", "", WORD), ("geld", "", WORD)]),
    # "-s-" or no link: the lexicon's compounds of the modifier decide (blood samples, no
    # "bloeds" + "talen"; the traffic sign, no "verkeer" + "steken")
    ("bloedstalen", [("bloed", "", WORD), ("stalen", "", "meervoud")]),
    ("verkeersteken", [("verkeer", "s", LINK_S), ("teken", "", WORD)]),
    # a prefix that makes a kind of its head (data/prefixoids.txt)
    ("pleegouders", [("pleeg", "", PREFIX), ("ouders", "", "meervoud")]),
    # the aldermen's college: "schepen" is no plural of "schip" before a head
    ("schepencollege", [("schepen", "", WORD), ("college", "", WORD)]),
]


@pytest.mark.parametrize(("word", "readings"), READINGS)
def test_parts_read_as_dutch_morphology_reads_them(dutch, word, readings):
    parts = dutch.decision(word).parts
    assert [(p.lemma, p.link, p.rule) for p in parts] == readings


@pytest.mark.parametrize(
    ("word", "parts"),
    [
        # several levels (a part as written, without its linking element)
        ("kinderarmoedeplan", ("kind", "armoede", "plan")),
        ("arbeidsongevallenwet", ("arbeid", "ongevall", "wet")),
        ("strafwetboek", ("straf", "wet", "boek")),
        # a plural splits as its singular does
        ("lidstaten", ("lid", "staten")),
        ("containerschepen", ("container", "schepen")),
        # a hyphenated word written as one ("e-sigaret" stays, "burn-outpreventie" splits)
        ("burnoutpreventie", ("burnout", "preventie")),
        ("gemeenteraadslid", ("gemeente", "raad", "lid")),
        ("ticketautomaten", ("ticket", "automaten")),
        ("speelautomatenhallen", ("speel", "automaten", "hallen")),
    ],
)
def test_compounds_split_to_their_smallest_parts(dutch, word, parts):
    assert dutch.split(word) == parts


# Words that merely look like compounds, with the rule that keeps each whole (its reason in
# `decision`).
WHOLE = [
    # loanwords with learned derivations in the lexicon: "automatisch", "factureren"
    ("automaat", "leenwoord"),
    ("factuur", "leenwoord"),
    # a learned prefix: "autocontrole" = "zelfcontrole"; "post-" before a learned adjective
    ("autocontrole", "geleerd voorvoegsel"),
    ("posttraumatische", "geleerd voorvoegsel"),
    # a head that is little more than a learned ending ("-ale" of "parentaal")
    ("parentale", "geleerde uitgang"),
    ("chartale", "geleerde uitgang"),
    # separable verbs and their nouns, participles
    ("samenwerking", "scheidbaar werkwoord"),
    ("overeenstemmen", "scheidbaar werkwoord"),
    ("vastgelegd", "scheidbaar werkwoord"),
    # a prefix's derivation of a word: "be" + "keuren", no "beke" + "uren"
    ("bekeuren", "afleiding met 'be-'"),
    # a superlative is no modifier: "laatstleden" (last), no "leden" (members)
    ("laatstleden", "overtreffende trap"),
    # a plural or derivation splits as its base: "plaatsen" and "centrale" are no compounds
    ("plaatsing", "vorm van 'plaatsen'"),
    ("centrales", "vorm van 'centrale'"),
    ("kantoren", "vorm van 'kantoor'"),
    ("technologische", "vorm van 'technologie'"),
    # frequent words whose "parts" are rarer than they are
    ("minister", "te frequent"),
]


@pytest.mark.parametrize(("word", "reason"), WHOLE)
def test_words_that_only_look_like_compounds_stay_whole(dutch, word, reason):
    decision = dutch.decision(word)
    assert decision.parts == ()
    assert reason in decision.reason


@pytest.mark.parametrize(
    ("word", "base"),
    [
        ("kaartje", "kaart"),
        ("kaartjes", "kaart"),
        ("pakje", "pak"),
        ("pakketje", "pakket"),
        ("balletje", "bal"),
        ("plaatjes", "plaat"),
        # lexicalised diminutives and words that end alike are no diminutives
        ("beetje", ""),
        ("meisje", ""),
        ("vrije", ""),
    ],
)
def test_diminutive_bases(word, base):
    assert diminutive_base(word, dutch_lexicon()) == base


def test_splits_explain_the_splits_they_rejected(dutch):
    decision = dutch.decision("bloedstalen")
    rejected = [c for c in decision.candidates if c.parts != decision.parts]
    assert [(p.lemma, p.link) for p in rejected[0].parts] == [("bloed", "s"), ("talen", "")]
    assert rejected[0].score < decision.candidates[0].score


def test_word_lists_are_lowercase_words():
    morphemes = bound_morphemes()
    assert {"lijk", "heden", "ende"} <= morphemes
    lists = [morphemes, short_parts(), particles(), prefixoids()]
    lists += [set(linking_forms()) | set(linking_forms().values())]
    lists += [set(learned_prefixes()) | set(learned_prefixes().values())]
    for words in lists:
        assert all(w.isalpha() and w.islower() for w in words)
    assert all(len(w) == 3 for w in short_parts())
