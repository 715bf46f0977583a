"""Dutch analysis, table-driven on real sentences from the corpus."""

import pickle

import pytest
from whoosh.formats import Positions

from search.index.schema import AnalyzedPositions
from search.text.analysis import (
    WordTerms,
    analyze,
    dutch_analyzer,
    exact_analyzer,
    folded_spans,
    folded_words,
    indexed_texts,
    stem_exceptions,
    word_analyses,
    word_terms,
    word_tokens,
)
from search.text.compounds import read_word_list

from .conftest import chamber_records

STEMMED = [
    # sentences glued without a space split; numbers stay; a hyphenated name is also joined
    # ("brusselzuid"), and that compound holds its parts, marked as contained words
    (
        "kreeg de NMBS een storing.Trein 2116, die van Brussel-Zuid",
        [
            "kreg",
            "nmbs",
            "storing",
            "trein",
            "2116",
            "brussel",
            "zuid",
            "brusselzuid",
            "~brussel",
            "~zuid",
        ],
    ),
    # accents fold: België = Belgie, coördinatoren = coordinatoren
    ("financiële steun in België", ["financieel", "steun", "belgie"]),
    ("financiele steun in Belgie", ["financieel", "steun", "belgie"]),
    # a compound is followed by the words it contains, marked apart from the words themselves,
    # and stems as its last part does ("overheidskantines" as "kantines")
    ("drie regiocoördinatoren", ["drie", "regiocoordinator", "~regio", "~coordinator"]),
    (
        "de kantines van de overheidsdiensten",
        ["kantin", "overheidsdienst", "~overheid", "~dienst"],
    ),
    ("overheidskantines", ["overheidskantin", "~overheid", "~kantin"]),
    ("overheidskantine", ["overheidskantin", "~overheid", "~kantin"]),
    # a compound of three parts holds each run of them but the whole
    (
        "kerncentralesite",
        ["kerncentralesit", "~kern", "~kerncentral", "~central", "~centralesit", "~sit"],
    ),
    # a hyphenated word is also written as one
    ("De burn-out en de burnout", ["burn", "out", "burnout", "burnout"]),
    (
        "het rookverbod voor de e-sigaret",
        ["rookverbod", "~rok", "~verbod", "e", "sigaret", "esigaret"],
    ),
    # irregular plurals meet their singular through their dictionary form, also as the last
    # part of a compound; "zieken-huis" holds "ziek" with a linking "-en-"
    ("ziekenhuizen en steden", ["ziekenhuis", "~ziek", "~huis", "stad"]),
    (
        "universiteitsziekenhuizen",
        [
            "universiteitsziekenhuis",
            "~universiteit",
            "~universiteitsziek",
            "~ziek",
            "~ziekenhuis",
            "~huis",
        ],
    ),
    # Dutch stopwords go, plural and singular meet
    (
        "Hoeveel freelancers zijn momenteel actief in dit netwerk?",
        ["hoevel", "freelancer", "momentel", "actief", "netwerk"],
    ),
    ("een freelancer", ["freelancer"]),
    # a plural "-s" after a vowel goes when the lexicon knows the singular
    ("organisaties en gemeentes", ["organisatie", "gemeente"]),
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
        ("kantines", "kantine"),
        ("organisaties", "organisatie"),
        ("studies", "studie"),
        # a doubled final consonant is undoubled after stemming
        ("gevangenissen", "gevangenis"),
        ("vennootschappen", "vennootschap"),
        ("processen", "proces"),
        ("gevallen", "geval"),
        ("voorstellen", "voorstel"),
        # irregular forms, through their dictionary form (`lemmas`)
        ("ziekenhuizen", "ziekenhuis"),
        ("steden", "stad"),
        ("kinderen", "kind"),
        ("containerschepen", "containerschip"),
        ("huizen", "huis"),
        ("luchthavens", "luchthaven"),
        ("vrachtwagens", "vrachtwagen"),
        ("vliegtuigjes", "vliegtuigje"),
        ("pakjes", "pakje"),
        # a noun made of a participle, apart from the participle (below)
        ("gevangenen", "gevangene"),
        ("uren", "uur"),
        ("criteria", "criterium"),
        ("leden", "lid"),
        # a compound inflects in its last part
        ("gevangenisdirecteurs", "gevangenisdirecteur"),
        ("overheidskantines", "overheidskantine"),
        # listed stem exceptions keep their inflections together
        ("ministers", "minister"),
        ("gemeenten", "gemeente"),
        ("gemeentes", "gemeente"),
        ("overheden", "overheid"),
        ("mogelijkheden", "mogelijkheid"),
        ("wetten", "wet"),
        ("taken", "taak"),
    ],
)
def test_word_forms_meet(one, other):
    assert analyze(one, dutch_analyzer()) == analyze(other, dutch_analyzer())


@pytest.mark.parametrize(
    ("one", "other"),
    [
        # words snowball would merge, kept apart by data/stem_exceptions.txt
        ("overheid", "overige"),
        ("zekerheid", "zeker"),
        ("mogelijkheid", "mogelijk"),
        ("gezondheid", "gezonden"),
        ("wet", "weten"),
        ("vaak", "vak"),
        ("taks", "taken"),
        ("naam", "nam"),
        ("steeds", "steden"),
        ("pers", "per"),
        ("plaats", "plat"),
        ("zone", "zon"),
        ("artsen", "art"),
        ("mensen", "men"),
        # words a dictionary form would merge with another: the lemma's gate keeps them apart
        ("leden", "lijden"),
        ("gevallen", "vallen"),
        ("eerste", "een"),
        ("laatste", "laat"),
        ("goederen", "goed"),
        ("data", "datum"),
        ("werkgever", "werkgeefster"),
        # "schepen" are the aldermen here; a diminutive is a word of its own ("pakje" is no
        # "pak", whose plural is also the verb "pakken")
        ("schepen", "schip"),
        ("pakje", "pakken"),
        ("vliegtuigje", "vliegtuig"),
        ("gevangenen", "gevangen"),
        ("plaat", "plat"),
        ("grens", "green"),
    ],
)
def test_stem_exceptions_keep_words_apart(one, other):
    assert analyze(one, dutch_analyzer()) != analyze(other, dutch_analyzer())


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        # the examples: the newer snowball `dutch` makes "mini", "zon", "meen" and
        # "organiseer" of them
        ("minister", "minister"),
        ("gezondheid", "gezondheid"),
        ("gemeente", "gemeente"),
        ("organisatie", "organisatie"),
    ],
)
def test_protected_words_keep_their_stem(word, stem):
    assert analyze(word, dutch_analyzer()) == [stem]


def test_stem_exceptions_file_lists_each_form_once():
    forms = [form for line in read_word_list("stem_exceptions.txt") for form in line.split()]
    assert len(forms) == len(set(forms))
    assert all(form.isalpha() and form.islower() for form in forms)
    assert stem_exceptions()["overheden"] == "overheid"


def test_word_terms_give_the_stems_of_contained_words_and_parts():
    assert word_terms("overheidsdiensten") == WordTerms(
        "overheidsdiensten", "overheidsdienst", ("overheid", "dienst"), ("overheid", "dienst")
    )
    assert word_terms("minister") == WordTerms("minister", "minister")
    # the parts of the best split (each maybe a compound), for matching them close together
    assert word_terms("spoorwegpolitie").parts == ("spoorweg", "politie")


def _finds(query: str, word: str) -> bool:
    """Whether a query word matches a document word: the same stem, or inside a compound."""
    stem = word_terms(query).stem
    terms = word_terms(word)
    return stem == terms.stem or stem in terms.contained


# Issue 21, both ways: (query word, document word) pairs that must match, by class ...
FOUND = [
    # the word as the head of a compound
    ("brief", "omzendbrieven"),
    ("brief", "opzegbrief"),
    ("wet", "grondwet"),
    ("boek", "wetboek"),
    ("lid", "kamerlid"),
    ("uur", "werkuren"),
    ("centrum", "asielcentra"),
    # linking forms
    ("kind", "kinderarmoede"),
    ("gezin", "gezinshereniging"),
    ("gezin", "gezinsbijslag"),
    ("asiel", "asielzoekers"),
    ("taal", "taalrol"),
    ("fiets", "fietsenstalling"),
    ("pakje", "pakjesbedeling"),
    ("stad", "stedenband"),
    ("schip", "scheepsroute"),
    ("wet", "wetsontwerp"),
    # several levels, a modifier itself a compound
    ("kind", "kinderarmoedeplan"),
    ("armoede", "kinderarmoedeplan"),
    ("ongeval", "arbeidsongevallenwet"),
    # derived and particle heads
    ("wet", "wetgeving"),
    ("grens", "grensoverschrijdende"),
    ("arbeid", "arbeidsongeschiktheid"),
    # diminutives and plurals by rule
    ("kaart", "prijskaartjes"),
    ("pakje", "pakjes"),
    ("pakket", "pakketje"),
    ("lid", "personeelsleden"),
    ("lid", "lidstaten"),
    ("schip", "containerschepen"),
    # a prefix that makes a kind of its head
    ("ouders", "pleegouders"),
    ("gevangenen", "medegevangenen"),
]

# ... and pairs that must not: words that merely look like compounds of the query word.
NOT_FOUND = [
    ("auto", "automaat"),
    ("auto", "ticketautomaten"),
    ("auto", "speelautomatenhallen"),
    ("auto", "autocontrole"),
    ("taal", "bloedstalen"),
    ("taal", "bodemstalen"),
    ("taal", "parentale"),
    ("taal", "chartale"),
    ("schip", "schepencollege"),
    ("schip", "schepen"),
    ("pakje", "pakken"),
    ("pakje", "pakketje"),
    ("lid", "laatstleden"),
    ("uur", "factuur"),
    ("uur", "apparatuur"),
    ("stem", "overeenstemmen"),
    ("werk", "samenwerking"),
    ("werk", "werklozen"),
    ("plaat", "plaatsing"),
    ("plaat", "platteland"),
    ("centrum", "noodcentrales"),
    ("oor", "kantoren"),
    ("post", "posttraumatische"),
    ("grens", "greenpeace"),
    ("pleeg", "pleegouders"),
]


@pytest.mark.parametrize(("query", "word"), FOUND)
def test_a_word_finds_the_compounds_that_hold_it(query, word):
    assert _finds(query, word)


@pytest.mark.parametrize(("query", "word"), NOT_FOUND)
def test_a_word_finds_no_word_that_merely_looks_like_a_compound_of_it(query, word):
    assert not _finds(query, word)


def test_diminutives_hold_their_base():
    assert word_terms("pakjes") == WordTerms("pakjes", "pakje", ("pak",))
    assert word_terms("prijskaartje").contained == ("prijs", "kaartje", "kaart")


def test_a_prefix_is_no_contained_word_and_gives_no_parts():
    assert word_terms("pleegouders") == WordTerms("pleegouders", "pleegouder", ("ouder",))


def test_word_analyses_explain_each_word():
    first, second, joined = word_analyses("auto-immuunziekte")
    assert (first.folded, second.folded, joined.folded) == (
        "auto",
        "immuunziekte",
        "autoimmuunziekte",
    )
    assert [p.lemma for p in second.decision.parts] == ["immuun", "ziekte"]
    (stopword,) = word_analyses("de")
    assert stopword.terms is None
    (diminutive,) = word_analyses("Pakjes")
    assert (diminutive.lemma, diminutive.diminutive, diminutive.terms.stem) == (
        "pakjes",
        "pak",
        "pakje",
    )


def test_analyzers_survive_pickling_into_a_fresh_schema():
    analyzer = pickle.loads(pickle.dumps(dutch_analyzer()))
    assert analyze("freelancers", analyzer) == ["freelancer"]
    assert analyze("burn-out", analyzer) == ["burn", "out", "burnout"]


def test_token_roles_and_positions():
    tokens = [
        (t.text, t.pos, t.role) for t in dutch_analyzer()("burn-outpreventie", positions=True)
    ]
    assert tokens == [
        ("burn", 0, "word"),
        ("outpreventie", 1, "word"),
        ("burnoutpreventie", 1, "joined"),
        ("~burnout", 1, "part"),
        ("~preventie", 1, "part"),
    ]


# Texts where the fast indexing path could part from the token chain: hyphen runs at the start,
# the end and around stopwords, apostrophes, a token over the length limit, folded accents,
# glued sentences, an empty text.
INDEXING_EDGE_CASES = [
    "burn-out burn-outpreventie in-de-war a-b-c-d x's auto's d'hondt 'test' België",
    "-a- b--c ' " + "x" * 60 + " y " + "1" * 51 + "-z",
    "Overheidskantines en regio-coördinatoren;storing.Trein 2116 - de - het",
    "van-de en-of",
    "",
]


@pytest.mark.parametrize("analyzer", [dutch_analyzer(), exact_analyzer()], ids=["ranked", "exact"])
def test_fast_indexing_gives_the_postings_of_the_token_chain(analyzer):
    records = chamber_records()[:300]
    texts = [*INDEXING_EDGE_CASES, *(r["question"] for r in records)]
    texts += [r["answer"] for r in records if r["answer"]]
    chain, fast = Positions(), AnalyzedPositions()
    for text in texts:
        expected = list(chain.word_values(text, analyzer, mode="index"))
        assert list(fast.word_values(text, analyzer, mode="index")) == expected, text[:80]


def test_one_pass_gives_the_stemmed_and_the_unstemmed_terms():
    # The array writer reads a stemmed field and its unstemmed twin in one pass over the text.
    records = chamber_records()[:300]
    texts = [*INDEXING_EDGE_CASES, *(r["question"] for r in records)]
    texts += [r["answer"] for r in records if r["answer"]]
    ranked, exact = dutch_analyzer(), exact_analyzer()
    for text in texts:
        both = indexed_texts(text)
        assert both == (ranked.indexed_text(text), exact.indexed_text(text)), text[:80]


def test_folded_spans_are_the_word_chain_with_its_characters():
    records = chamber_records()[:100]
    chain = word_tokens()
    for text in [*INDEXING_EDGE_CASES, *(r["question"] for r in records)]:
        expected = [(t.text, t.startchar, t.endchar) for t in chain(text, chars=True)]
        assert list(folded_spans(text)) == expected, text[:80]
        assert folded_words(text) == [(f, text[start:end]) for f, start, end in expected]


def test_a_words_terms_are_pickled_without_what_is_worked_out_from_them():
    """A build's workers hand words' terms over: their index terms, once worked out, are not
    sent along (they are worked out again when asked)."""
    terms = word_terms("overheidsdiensten")
    assert terms.index_terms[0] == terms.stem
    sent = pickle.loads(pickle.dumps(terms))
    assert "index_terms" not in vars(sent)
    assert sent == terms
    assert sent.index_terms == terms.index_terms
