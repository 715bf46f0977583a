""" "Bedoelde u …?" only for words that are not words: never for a word of the index's texts, of
the Dutch lexicon or of the name of a member or minister, and never a correction that finds fewer
documents than the query typed."""

from __future__ import annotations

import pytest

from search.engine import suggest
from search.engine.suggest import suggest_query
from search.index.arrays.vocabulary import Vocabulary
from search.index.generations.folders import current_generation


class Texts:
    """A vocabulary of a few words with how many chunks hold each, where the examples of the
    issue were "corrected" into other words."""

    def __init__(self, frequencies: dict[str, int]) -> None:
        self.frequencies = frequencies

    def frequency(self, word: str) -> int:
        return self.frequencies.get(word, 0)

    def within(self, word: str) -> list[str]:
        close = {
            "luiers": ["liers"],
            "franky": ["frank"],
            "demon": ["demo"],
            "uitroeien": ["uitvoeren"],
            "opgeblazen": ["opgeslagen"],
            "vertragng": ["vertraging"],
        }
        return close.get(word, [])


ISSUE_TEXTS = Texts(
    {"luiers": 1, "liers": 40, "frank": 50, "demo": 30, "uitvoeren": 300, "opgeslagen": 60}
    | {"vertraging": 80}
)


@pytest.mark.parametrize("query", ["luiers", "Franky Demon", "uitroeien", "opgeblazen"])
def test_the_issues_words_are_words(query, monkeypatch):
    assert suggest_query(query, ISSUE_TEXTS) is None
    # Without the lexicon each was "corrected", as the issue found.
    monkeypatch.setattr(suggest, "dutch_lexicon", dict)
    assert suggest_query(query, ISSUE_TEXTS) is not None


def test_a_misspelling_is_still_corrected():
    assert suggest_query("trein vertragng", ISSUE_TEXTS) == "trein vertraging"


@pytest.fixture(scope="module")
def vocabulary(index_dir) -> Vocabulary:
    return Vocabulary.open(current_generation(index_dir))


def test_the_words_of_peoples_names_are_left_alone(vocabulary):
    # "Bellot" is in no text of the sample nor in the lexicon; "belast" is a common word.
    assert suggest_query("Bellot", vocabulary) == "belast"
    assert suggest_query("Bellot", vocabulary, names={"francois", "bellot"}) is None


@pytest.mark.parametrize("query", ["Bellot", "François Bellot", "Filip Brusselmans"])
def test_a_search_offers_no_correction_of_a_name(engine, query):
    page = engine.search(query)
    assert page.total and page.suggestion is None


def test_a_correction_that_finds_fewer_documents_is_not_offered(engine, monkeypatch):
    found = engine.search("cultuurloket").total
    assert found
    monkeypatch.setattr(suggest, "suggest_query", lambda *arguments: "qwzxqwzx")
    assert engine.search("cultuurloket").suggestion is None
    monkeypatch.setattr(suggest, "suggest_query", lambda *arguments: "Cultuurloket OF trein")
    assert engine.search("cultuurloket").suggestion == "Cultuurloket OF trein"


def test_a_reference_is_not_corrected(engine):
    link = "https://zoeken.example.org/documents/vlpar-2019-2020-58#chunk-2"
    assert engine.search(link).suggestion is None
