"""A compound's parts in a phrase that can carry its meaning (issue 21, item 4), on a small
index of made-up questions: each shape of phrase matches and is marked, its parts only; a part
inside another compound, parts too far apart or in another order, and one part alone never do.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from search.engine.query.chunks import SPAN
from search.engine.query.near import parts_in_phrases
from search.engine.query.reading import WordLookup, read
from search.engine.searching import SearchEngine
from search.index.generations.writing import build_index
from search.index.schema.near import (
    MAX_VERB_WORDS,
    WORDS_AFTER_LINK,
    WORDS_BEFORE_LINK,
    Phrase,
    Places,
    found_phrases,
    phrases,
)
from search.text.analysis import word_terms
from tests.conftest import chamber_records, write_jsonl

# Each question, and the compounds it must match by their parts (none: it must match none of
# COMPOUNDS but the one it holds written as one).
QUESTIONS = {
    1: (
        "De directeur van de gevangenis van Brugge weigerde elk commentaar.",
        {"gevangenisdirecteur"},
    ),
    2: ("Welke drugs kunnen worden gebruikt in de jeugdzorg?", {"drugsgebruik"}),
    3: ("Heeft de regering het gebruik van drugs onderzocht?", {"drugsgebruik"}),
    4: ("Hoeveel ambtenaren mogen thuis werken?", {"thuiswerk"}),
    5: ("De overlast door water in de Demervallei duurde weken.", {"wateroverlast"}),
    6: ("De gevangenisdirecteur van Leuven ging met pensioen.", set()),
    # A part inside another compound, a diminutive, an adjective of a part.
    7: ("Het gebruik van harddrugs en de gebruikelijke drugs in het uitgaansleven.", set()),
    8: ("Thuiszorg werken is zwaar; thuis werkjes maken ook.", set()),
    9: ("Geluidoverlast bij het verven op waterbasis.", set()),
    # Too far apart, in the other order, one part alone.
    10: ("De gevangenis kreeg na lang en moeizaam wachten een nieuwe directeur.", set()),
    11: ("De directeur sprak over de werking van de afdeling.", set()),
    12: ("Water stroomde de kelders in, maar de burgemeester sprak van weinig overlast.", set()),
    # The one who does what the compound names is a form of it, written as one.
    13: ("Het aantal drugsgebruikers in de gevangenissen steeg.", set()),
    # In a noun phrase the head may lead another compound; never end one ("jeugdpreventie"),
    # nor lead one written apart from the modifier.
    14: ("Welke preventiemaatregelen tegen burn-out nemen de bedrijven?", {"burn-outpreventie"}),
    15: ("De jeugdpreventie tegen burn-out en burn-out preventiemaatregelen.", set()),
}
COMPOUNDS = [
    "gevangenisdirecteur",
    "drugsgebruik",
    "thuiswerk",
    "wateroverlast",
    "burn-outpreventie",
]
FIRST_ID = 900001


def doc_id(number: int) -> str:
    return f"dekamer-{FIRST_ID + number}"


@pytest.fixture(scope="module")
def engine(tmp_path_factory) -> SearchEngine:
    template = chamber_records()[0]
    records = [
        {**template, "doc_id": FIRST_ID + number, "title": f"Vraag {number}", "question": text}
        | {"answer": ""}
        for number, (text, _) in QUESTIONS.items()
    ]
    corpus = tmp_path_factory.mktemp("corpus")
    write_jsonl(corpus / "dekamer" / "phrases.jsonl", records)
    index = tmp_path_factory.mktemp("index")
    build_index(corpus, index)
    return SearchEngine(index)


@pytest.mark.parametrize("compound", COMPOUNDS)
def test_a_compound_matches_its_parts_in_a_phrase_only(engine, compound):
    page = engine.search(compound, per_page=100)
    found = {hit.id for hit in page.results}
    by_parts = {doc_id(number) for number, (_, matches) in QUESTIONS.items() if compound in matches}
    written = {
        doc_id(number) for number, (text, _) in QUESTIONS.items() if compound in text.lower()
    }
    assert by_parts
    assert found == by_parts | written
    # The compound itself ranks above its parts in a phrase.
    if written:
        assert page.results[0].id in written


@pytest.mark.parametrize(
    ("compound", "number", "marked"),
    [
        ("gevangenisdirecteur", 1, ["directeur", "gevangenis"]),
        ("drugsgebruik", 2, ["drugs", "gebruikt"]),
        ("drugsgebruik", 3, ["gebruik", "drugs"]),
        ("thuiswerk", 4, ["thuis", "werken"]),
        ("wateroverlast", 5, ["overlast", "water"]),
        ("burn-outpreventie", 14, ["preventiemaatregelen", "burn-out"]),
    ],
)
def test_the_parts_of_the_phrase_are_marked(engine, compound, number, marked):
    [hit] = [
        hit for hit in engine.search(compound, per_page=100).results if hit.id == doc_id(number)
    ]
    [match] = hit.why
    assert match.how == "parts"
    assert list(match.found) == marked


@pytest.mark.parametrize(
    ("compound", "text", "marked"),
    [
        # A noun phrase: an adjective and an article between the preposition and the modifier,
        # a participle between the head and the preposition; "der" as a linking article.
        (
            "gevangenisdirecteur",
            "de directeur van de centrale gevangenis",
            ["directeur", "gevangenis"],
        ),
        ("wateroverlast", "overlast veroorzaakt door water", ["overlast", "water"]),
        ("gevangenisdirecteur", "de directeur der gevangenis", ["directeur", "gevangenis"]),
        # The head as the first part of a compound, in a noun phrase only: the whole compound
        # is marked.
        (
            "drugspreventie",
            "preventiemaatregelen tegen drugs",
            ["preventiemaatregelen", "drugs"],
        ),
        # Written apart, and a verb phrase after auxiliaries and "te".
        ("drugsgebruik", "drugs lijken te worden gebruikt", ["drugs", "gebruikt"]),
        ("thuiswerk", "thuis te werken", ["thuis", "werken"]),
        # Not these: a preposition that denies, too many words, the other order, no link.
        ("drugsgebruik", "gebruik zonder drugs", []),
        ("gevangenisdirecteur", "directeur van de oude grote gevangenis", []),
        ("drugsgebruik", "drugs van gebruik", []),
        ("gevangenisdirecteur", "directeur gevangenis", []),
        ("thuiswerk", "thuis zou men kunnen willen gaan werken", []),
        # Not the head at the end or in the middle of another compound, not the modifier
        # inside one, and not a compound the head leads written apart from the modifier.
        ("drugspreventie", "jeugdpreventie tegen drugs", []),
        ("drugspreventie", "jeugdpreventiebeleid tegen drugs", []),
        ("drugspreventie", "preventiemaatregelen tegen harddrugs", []),
        ("drugspreventie", "drugs preventiemaatregelen", []),
        ("thuiswerk", "thuis werkgevers", []),
    ],
)
def test_the_phrase_shapes_in_a_text(compound, text, marked):
    parts = word_terms(compound).parts
    assert parts
    read_text = read(text)
    tokens = parts_in_phrases(parts, read_text, WordLookup(), [])
    assert [
        text[token.start : token.end] for token in sorted(tokens, key=lambda token: token.start)
    ] == marked


def _phrases_place_by_place(places: Places) -> list[Phrase]:
    """The two shapes read one place at a time, as they were first written (the module
    docstring of `search.index.schema.near`): what `phrases` must find, in the same order."""
    as_sets = [set(noun.tolist()) for noun in places.nouns]
    *modifiers, head = as_sets
    verbs, leads = set(places.verbs.tolist()), set(places.leads.tolist())
    links, auxiliaries = set(places.links.tolist()), set(places.auxiliaries.tolist())
    found = []
    for start in sorted(modifiers[0]):
        if not all(start + offset in noun for offset, noun in enumerate(modifiers)):
            continue
        end = start + len(modifiers) - 1
        following = end + 1
        while following in auxiliaries:
            following += 1
        if following - end - 1 <= MAX_VERB_WORDS and (following in head or following in verbs):
            found.append(Phrase((*range(start, end + 1), following), 0))
        for link in range(start - 1, start - WORDS_AFTER_LINK - 2, -1):
            if link not in links:
                continue
            for place in range(link - 1, link - WORDS_BEFORE_LINK - 2, -1):
                if place in head or place in leads:
                    between = (link - place - 1) + (start - link - 1)
                    found.append(
                        Phrase((*range(start, end + 1), place), between, place not in head)
                    )
    return found


_PLACES = st.sets(st.integers(0, 24), max_size=8)


@settings(max_examples=300, deadline=None)
@given(
    texts=st.lists(
        st.tuples(st.lists(_PLACES, min_size=2, max_size=3), _PLACES, _PLACES, _PLACES, _PLACES),
        min_size=1,
        max_size=3,
    )
)
def test_the_shapes_read_at_once_are_those_read_place_by_place(texts):
    # Each text alone, and all of them at once as chunks keyed by chunk and position (as the
    # search reads them): the same phrases, none reaching from one chunk into the next.
    keyed: list[list[int]] = [[], [], [], [], []]
    parts = min(len(nouns) for nouns, *_ in texts)
    keyed_nouns: list[list[int]] = [[] for _ in range(parts)]
    expected = []
    for chunk, (nouns, *others) in enumerate(texts):
        places = Places.of(nouns[:parts], *others)
        found = list(phrases(places))
        assert found == _phrases_place_by_place(places)
        expected += [(chunk, phrase.between) for phrase in found]
        for number, noun in enumerate(nouns[:parts]):
            keyed_nouns[number] += [chunk * int(SPAN) + place for place in sorted(noun)]
        for number, other in enumerate(others):
            keyed[number] += [chunk * int(SPAN) + place for place in sorted(other)]
    at_once = found_phrases(
        Places(
            [np.array(keys, dtype=np.int64) for keys in keyed_nouns],
            *(np.array(keys, dtype=np.int64) for keys in keyed[:4]),
        )
    )
    assert (
        list(zip((at_once.starts // SPAN).tolist(), at_once.between.tolist(), strict=True))
        == expected
    )
