"""Dictionary forms of irregular inflections, which no stemmer joins: "ziekenhuizen" is
"ziekenhuis", "steden" "stad", "kinderen" "kind", "schepen" "schip", "luchthavens" "luchthaven".

The forms come from simplemma's Dutch data (a form -> lemma table from several open lexicons),
behind a gate: its lemma is taken only when it is the same word with another ending, the way a
noun's plural and an adjective's inflection differ from their dictionary form.
Taken for every word, simplemma makes other words of the most frequent ones, since it knows no
part of speech: "leden" -> "lijden" (to suffer), "gevallen" -> "vallen", "eerste" -> "een",
"laatste" -> "laat", "data" -> "datum", "goederen" -> "goed". Measured on the bundled corpus's
50,393 words, the gate keeps 985 of simplemma's 5,754 changes, and on the development queries
simplemma for every word lost where the gated lemma did not.

The gate refuses a lemma that
- is not a plain word (simplemma joins separable verbs and phrases with "_": "op_nemen"), is a
  stopword or a number word ("eerste" -> "een"), or is longer than the word (a verb form or
  another word: "werkt" -> "werken", "werkgever" -> "werkgeefster"), but for a Latin plural
  ("criteria" -> "criterium");
- shares fewer than two first letters with the word, or differs from it by more than four
  letters at the word's end or two at the lemma's ("gevallen" -> "vallen", "koe" -> "bul"); a
  doubled vowel counts as one ("uren" -> "uur");
- ends in "n" while the word is not that lemma with "s" or "en" (a participle or infinitive:
  "volgende" -> "volgen"), while "luchthavens" -> "luchthaven" passes;
- belongs to a comparative or superlative ("hoger", "laatste"), or to a plural "-eren" of an
  adjective ("goederen" -> "goed", "jongeren" -> "jong");
- is no diminutive while the word is one: a diminutive is a word of its own ("pakje" is no
  "pak", whose plural "pakken" is also a verb), which contains its base (`analysis`), while
  "vliegtuigjes" -> "vliegtuigje" passes.
A lemma simplemma maps on again is followed while each step passes. Three words are left alone
because these texts mean another word: "data" (data, not dates), "schepenen" and "schepen"
(aldermen, not ships); as the head of a compound "schepen" are ships ("containerschepen",
`head_lemma`), where the ship's own linking form is "scheeps-".
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from whoosh.lang.stopwords import stoplists
from whoosh.support.charset import accent_map

if TYPE_CHECKING:
    import simplemma

LANGUAGE = "nl"
# The analysis's stopwords and accent folding (`analysis.DUTCH_STOPWORDS`, which imports this).
_STOPWORDS = stoplists["nl"]
_FOLD = accent_map
# Words these texts use in another sense than simplemma's lemma gives them: data, not dates;
# "schepen(en)", the aldermen of a Flemish town, not ships.
NEVER_LEMMATIZED = frozenset(["data", "schepenen", "schepen"])
# The head of a compound in the sense it has there: "containerschepen" are ships (an alderman
# is the modifier, "schepencollege").
HEAD_LEMMAS = {"schepen": "schip"}
NUMBER_WORDS = frozenset(
    "een twee drie vier vijf zes zeven acht negen tien elf twaalf dertien veertien vijftien "
    "zestien zeventien achttien negentien twintig dertig veertig vijftig zestig zeventig "
    "tachtig negentig honderd duizend miljoen miljard".split()
)
# How far a lemma may differ from its word: letters of the word after what they share, and
# of the lemma.
MAX_WORD_ENDING = 4
MAX_LEMMA_ENDING = 2
# simplemma's lemma of a lemma is followed this many steps at most.
MAX_STEPS = 3


@functools.lru_cache(maxsize=200_000)
def lemma(word: str) -> str:
    """The dictionary form of a lowercase, accent-folded word where the gate takes it (see
    the module docstring), else the word itself."""
    current = word
    for _ in range(MAX_STEPS):
        following = _simplemma(current)
        if following == current:
            return current
        if not _same_word(current, following):
            # A longer lemma of a lemma is a slip of the data (werknemer -> werkneemster):
            # the first step stands.
            if current != word and len(following) > len(current):
                return current
            return word
        current = following
    return current


def head_lemma(word: str) -> str:
    """The dictionary form of the head of a compound (see `HEAD_LEMMAS`)."""
    return HEAD_LEMMAS.get(word) or lemma(word)


def _same_word(word: str, lemma: str) -> bool:
    """Whether `lemma` is `word` with another ending (see the module docstring)."""
    if word in NEVER_LEMMATIZED or not lemma.isalpha():
        return False
    if lemma in _STOPWORDS or lemma in NUMBER_WORDS:
        return False
    if word.endswith("a") and lemma.endswith("um") and word[:-1] == lemma[:-2]:
        return True
    if len(lemma) > len(word):
        return False
    shared = max(_shared_start(word, lemma), _shared_start(word, _one_vowel(lemma)))
    if shared < 2 or len(word) - shared > MAX_WORD_ENDING or len(lemma) - shared > MAX_LEMMA_ENDING:
        return False
    if lemma.endswith("n") and word not in (lemma + "s", lemma + "en"):
        return False
    if word.endswith(("st", "ste", "sten", "er", "ere")):
        return False
    if word.endswith(("je", "jes")) and not lemma.endswith("je"):
        return False
    return not (word.endswith("eren") and _simplemma(lemma + "e") == lemma)


@functools.lru_cache(maxsize=200_000)
def _simplemma(word: str) -> str:
    """simplemma's lemma, folded as the analysis folds words (its lemmas carry case and
    accents: "belgie" -> "België")."""
    found = _lemmatizer().lemmatize(word, lang=LANGUAGE)
    return found.lower().translate(_FOLD) if found else word


@functools.cache
def _lemmatizer() -> simplemma.Lemmatizer:
    # Loaded on first use, the module too: 0.4 s and 45 MB for the Dutch data, which a process
    # that analyses no new word (an update that finds nothing to do) need not load.
    import simplemma

    return simplemma.Lemmatizer()


def _shared_start(a: str, b: str) -> int:
    shared = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        shared += 1
    return shared


def _one_vowel(word: str) -> str:
    """The word with its last doubled vowel made single: "uur" -> "ur", as in "uren"."""
    for index in range(len(word) - 2, -1, -1):
        if word[index] == word[index + 1] and word[index] in "aeiou":
            return word[:index] + word[index + 1 :]
    return word
