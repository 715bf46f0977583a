"""Why a document was found ("waarom gevonden"): for each word of the query, whether the document
holds it and in what form.

A query word can match a document word in four ways, shown best first:
- `exact`: the word as typed (case and accents aside);
- `stem`: another form with the same stem ("kantine" for "kantines");
- `part`: through a compound part, either way round ("kantines" or "overheidsdiensten" for
  "overheidskantines", "bedrijfskantine" for "kantine");
- `prefix`: a word that a `prefix*` or wildcard pattern matches.
Quoted phrases match as `exact` where the words stand together. The whole document (title,
questions and answers) is looked at, as the ranking does.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from whoosh import query as wq

from search.engine.highlight import positive_leaves
from search.index.schema import EXACT_SUFFIX
from search.text.analysis import (
    DUTCH_STOPWORDS,
    JOINED,
    PART,
    WORD,
    dutch_analyzer,
    folded_spans,
    folded_words,
    word_forms,
)

EXACT, STEM, PART_MATCH, PREFIX = "exact", "stem", "part", "prefix"
_ORDER = (EXACT, STEM, PART_MATCH, PREFIX)
# How each way of matching is told to users.
MATCH_LABELS = {
    EXACT: "exact woord",
    STEM: "andere vorm van het woord",
    PART_MATCH: "deel van een samengesteld woord",
    PREFIX: "begint zo",
}
# Document words shown per query word.
MAX_SHOWN = 5

_RANKED = dutch_analyzer()


@dataclass(frozen=True)
class QueryWord:
    """A word of the query as typed, with the forms that match it."""

    text: str
    exact: frozenset[str] = frozenset()
    stems: frozenset[str] = frozenset()
    parts: frozenset[str] = frozenset()
    phrase: tuple[str, ...] = ()
    pattern: re.Pattern[str] | None = None


@dataclass(frozen=True)
class WordMatch:
    """How one query word matched a document: `how` is "" when the document lacks it."""

    word: str
    how: str
    found: tuple[str, ...] = ()


def explained_words(query: wq.Query) -> tuple[QueryWord, ...]:
    """The positive words of a parsed query, in the order typed, each once."""
    words: dict[str, QueryWord] = {}
    for leaf in positive_leaves(query):
        word = _query_word(leaf)
        if word is not None and word.text not in words:
            words[word.text] = word
    return tuple(words.values())


def explain(words: Sequence[QueryWord], texts: Iterable[str]) -> tuple[WordMatch, ...]:
    """How each query word matched the texts of a document."""
    found: dict[int, dict[str, dict[str, str]]] = {i: {} for i in range(len(words))}
    for text in texts:
        tokens = folded_words(text)
        distinct = list(dict.fromkeys(tokens))
        for index, word in enumerate(words):
            for how, written in _matches(word, tokens, distinct):
                found[index].setdefault(how, {}).setdefault(written.lower(), written)
    matches = []
    for index, word in enumerate(words):
        how = next((how for how in _ORDER if how in found[index]), "")
        shown = tuple(found[index].get(how, {}).values())[:MAX_SHOWN]
        matches.append(WordMatch(word.text, how, shown))
    return tuple(matches)


def _query_word(leaf: wq.Query) -> QueryWord | None:
    field = leaf.field() or ""
    if hasattr(leaf, "typed"):
        return _ranked_word(leaf.typed)
    if isinstance(leaf, wq.Phrase):
        phrase = tuple(leaf.words)
        return QueryWord(f'"{" ".join(phrase)}"', phrase=phrase)
    if isinstance(leaf, wq.Prefix):
        return QueryWord(f"{leaf.text}*", pattern=re.compile(re.escape(leaf.text) + r"\w*$"))
    if isinstance(leaf, wq.Wildcard):
        return QueryWord(leaf.text, pattern=re.compile(fnmatch.translate(leaf.text)))
    if isinstance(leaf, wq.Term) and isinstance(leaf.text, str):
        if field.endswith(EXACT_SUFFIX):
            return QueryWord(leaf.text, exact=frozenset([leaf.text]))
        return QueryWord(leaf.text, stems=frozenset([leaf.text]))
    return None


def _ranked_word(typed: str) -> QueryWord:
    """A typed word's forms, as the ranked field analyses it."""
    forms: dict[str, set[str]] = {WORD: set(), JOINED: set(), PART: set()}
    for token in _RANKED(typed, mode="query"):
        forms[token.role].add(token.text)
    return QueryWord(
        typed,
        exact=frozenset(folded for folded, _, _ in folded_spans(typed)),
        stems=frozenset(forms[WORD] | forms[JOINED]),
        parts=frozenset(forms[PART]),
    )


def _matches(
    word: QueryWord, tokens: list[tuple[str, str]], distinct: list[tuple[str, str]]
) -> Iterable[tuple[str, str]]:
    """(how, the document's word as written) for each document word matching `word`;
    `distinct` is `tokens` without repeats."""
    if word.phrase:
        yield from _phrase_matches(word.phrase, tokens)
        return
    forms = word.stems | word.parts
    for folded, written in distinct:
        if word.pattern is not None:
            if word.pattern.match(folded):
                yield PREFIX, written
        elif folded in word.exact:
            yield EXACT, written
        elif forms and folded not in DUTCH_STOPWORDS:
            stem, part_stems = word_forms(folded)
            if stem in word.stems:
                yield STEM, written
            elif not forms.isdisjoint((stem, *part_stems)):
                yield PART_MATCH, written


def _phrase_matches(phrase: tuple[str, ...], tokens: list[tuple[str, str]]):
    folded = [token for token, _ in tokens]
    for start in range(len(tokens) - len(phrase) + 1):
        if tuple(folded[start : start + len(phrase)]) == phrase:
            yield EXACT, " ".join(written for _, written in tokens[start : start + len(phrase)])
