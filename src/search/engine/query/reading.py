"""A text's words as the ranked field indexes them, for finding the query's words in it.

Each word is folded (case and accents aside) and numbered by its position, as the index numbers
positions; hyphenated words are also read joined ("burn-out" as "burnout"), as the index holds
them. What a document word is indexed as (its stem, the words it contains) is looked up once
per word across a page's texts (`WordLookup`), which share most words.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from search.text.analysis import (
    DUTCH_STOPWORDS,
    MAX_TOKEN_LENGTH,
    WordTerms,
    folded_word,
    token_pattern,
    word_terms,
)

_TOKEN = token_pattern()
_LINK = re.compile(r"(?<=[^\W_])-(?=[^\W_])")


class Token(NamedTuple):
    """A word of a text (or hyphenated words joined), its place and its index terms."""

    folded: str
    position: int
    start: int
    end: int
    terms: WordTerms | None


@dataclass(frozen=True)
class ReadText:
    """A text's words as the ranked field indexes them: each word folded and where it stands
    (its position is its number), and the hyphenated words joined."""

    folded: list[str]
    matches: list[re.Match]
    joined: list[Token]

    def places(self, wanted: Collection[str]) -> list[int]:
        """The positions of the words whose folded form is in `wanted`."""
        return [n for n, folded in enumerate(self.folded) if folded in wanted]

    def token(self, position: int, terms: WordTerms | None) -> Token:
        """The word at `position`, with its index terms."""
        start, end = self.matches[position].span()
        return Token(self.folded[position], position, start, end, terms)


def read(text: str) -> ReadText:
    """The text's words, and its hyphenated words joined, as the ranked field indexes them."""
    matches = list(_TOKEN.finditer(text))
    folded = [folded_word(match.group()) for match in matches]
    joined: list[Token] = []
    # A hyphen between two words links them (words start and end with a letter or digit).
    links = [
        bisect.bisect_left(matches, hyphen.start(), key=_end) for hyphen in _LINK.finditer(text)
    ]
    run_start = None
    for number, left in enumerate(links):
        if run_start is None:
            run_start = left
        if number + 1 == len(links) or links[number + 1] != left + 1:
            joined.append(_joined_token(folded, matches, run_start, left + 2))
            run_start = None
    return ReadText(folded, matches, joined)


def _end(match: re.Match) -> int:
    return match.end()


def _joined_token(folded: list[str], matches: list[re.Match], first: int, end: int) -> Token:
    """The words first to end - 1 written as one, at the position of the last."""
    word = "".join(folded[first:end])
    return Token(word, end - 1, matches[first].start(), matches[end - 1].end(), None)


def in_order(keys: list[str], sequence: Sequence[str], slop: int) -> Iterator[tuple[int, int]]:
    """(first, last) position of each occurrence of `sequence` among `keys`, its items in order
    and at most `slop` positions apart, as the index's phrase search allows."""
    for first, value in enumerate(keys):
        if value != sequence[0]:
            continue
        last = first
        for item in sequence[1:]:
            following = (
                n for n in range(last + 1, min(last + slop + 1, len(keys))) if keys[n] == item
            )
            last = next(following, -1)
            if last < 0:
                break
        if last >= 0:
            yield first, last


class WordLookup:
    """What each document word is indexed as, looked up once across texts."""

    def __init__(self) -> None:
        self._terms: dict[str, WordTerms | None] = {}
        self._joined: dict[str, WordTerms | None] = {}

    def terms(self, folded: str) -> WordTerms | None:
        """A document word's index terms (None for a stopword or a word too long)."""
        if folded not in self._terms:
            indexed = 1 <= len(folded) <= MAX_TOKEN_LENGTH and folded not in DUTCH_STOPWORDS
            self._terms[folded] = word_terms(folded) if indexed else None
        return self._terms[folded]

    def joined(self, folded: str) -> WordTerms | None:
        """The index terms of hyphenated words written as one (None for one too long)."""
        if folded not in self._joined:
            terms = word_terms(folded) if len(folded) <= MAX_TOKEN_LENGTH else None
            self._joined[folded] = terms
        return self._joined[folded]

    def stem(self, folded: str) -> str:
        """A document word's stem ("" for a stopword or a word too long)."""
        terms = self.terms(folded)
        return terms.stem if terms is not None else ""
