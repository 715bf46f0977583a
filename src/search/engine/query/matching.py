"""Where a query's words stand in a text, and how each one matched there.

The snippets and marks (`search.engine.fragments`) and "waarom gevonden"
(`search.engine.explain`) both read a text through this module, so that what is marked is what
is explained. Each kind of clause finds its own word in a text the way the index matches it (a
`QueryWord`: `word.TypedWord`, `phrase.TypedPhrase`, `pattern.TypedPattern`) and names how it
matched there: each way (`how`) is declared by the kind that finds it, with its rank among all
ways, best first, so that "waarom gevonden" shows a word's best way (`best_way`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from search.engine.query.reading import ReadText, WordLookup, read

if TYPE_CHECKING:
    from search.engine.query.clause import Node

# Each way of matching by its rank, best first (`how`).
_RANKS: dict[str, int] = {}


def how(code: str, rank: int) -> str:
    """Declare a way a query word can match a text (`code`), and its `rank` among all ways
    (the lowest is the best): the kind that finds it declares it."""
    _RANKS[code] = rank
    return code


def best_way(ways: Iterable[str]) -> str:
    """The best of the ways a word matched ("" for none)."""
    return min(ways, key=_RANKS.__getitem__, default="")


@dataclass(frozen=True)
class Found:
    """Where query word number `word` matched in a text: `how`, and the span it covers."""

    word: int
    how: str
    start: int
    end: int


class QueryWord(Protocol):
    """A word of the query as typed, and how it finds itself in a text."""

    @property
    def text(self) -> str:
        """The word as typed: what "waarom gevonden" names."""

    def found_in(
        self, text: ReadText, lookup: WordLookup, memo: dict[str, str]
    ) -> Iterator[tuple[str, int, int]]:
        """Each match in `text`: how, and the span it covers. `lookup` gives the document words'
        index terms; `memo` is this word's own, kept across texts (a word's way of matching
        each document word)."""


def query_words(node: Node) -> tuple[QueryWord, ...]:
    """The words the document must (or may) hold, in the order typed, each once; words under
    NOT or after `-` are left out. A member's name is one word."""
    words: dict[str, QueryWord] = {}
    for word in node.typed_words():
        if word is not None and word.text not in words:
            words[word.text] = word
    return tuple(words.values())


class Finder:
    """Finds the query's words in texts (`find`), remembering across texts what each document
    word is indexed as and how it matches each query word: a page's texts share most words."""

    def __init__(self, words: tuple[QueryWord, ...]) -> None:
        self.words = words
        self._lookup = WordLookup()
        self._memos: list[dict[str, str]] = [{} for _ in words]

    def find(self, text: str) -> list[Found]:
        """Every match of the query's words in `text`, in the order they stand."""
        if not self.words:
            return []
        read_text = read(text)
        found = [
            Found(index, way, start, end)
            for index, word in enumerate(self.words)
            for way, start, end in word.found_in(read_text, self._lookup, self._memos[index])
        ]
        return sorted(found, key=lambda match: (match.start, match.end, match.word))


def find(text: str, words: tuple[QueryWord, ...]) -> list[Found]:
    """Every match of the query's words in `text`, in the order they stand."""
    return Finder(words).find(text)
