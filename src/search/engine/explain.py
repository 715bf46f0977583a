"""Why a document was found ("waarom gevonden"): for each word of the query, whether the document
holds it and in what way.

The ways are those the query's kinds find (`search.engine.query.matching`), the best shown: the
member who asked the question or the minister it was put to (`member`, `minister`: the query
named them, `search.engine.query.names`),
the word as typed (`exact`), another form of it (`stem`), inside a compound (`part`), a
compound's parts in a phrase (`parts`), and a word a pattern matches (`prefix`). Quoted
phrases match as `exact` where their words stand in order. What is looked at is what the
ranking counted: the title and, for each word, the passage where it scores best
(`ranking.Ranked.passages`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from search.engine.query.matching import Found, QueryWord, best_way
from search.engine.query.names import Person

# Document words shown per query word.
MAX_SHOWN = 5


@dataclass(frozen=True)
class WordMatch:
    """How one query word matched a document: `how` is "" when the document lacks it."""

    word: str
    how: str
    found: tuple[str, ...] = ()


def explain(
    words: Sequence[QueryWord],
    texts: Iterable[tuple[str, Sequence[Found]]],
    named: Mapping[str, Person] | None = None,
) -> tuple[WordMatch, ...]:
    """How each query word matched texts of a document, given with where the words match in
    them (`matching.find`); `named` maps the words that name the member who asked this document,
    or the minister it was put to, to that person."""
    found: dict[int, dict[str, dict[str, str]]] = {i: {} for i in range(len(words))}
    for index, word in enumerate(words):
        person = named.get(word.text) if named else None
        if person is not None:
            found[index][person.how] = {person.name: person.name}
    for text, matches in texts:
        for match in matches:
            written = text[match.start : match.end]
            found[match.word].setdefault(match.how, {}).setdefault(written.lower(), written)
    matches = []
    for index, word in enumerate(words):
        how = best_way(found[index])
        shown = tuple(found[index].get(how, {}).values())[:MAX_SHOWN]
        matches.append(WordMatch(word.text, how, shown))
    return tuple(matches)
